//! A finished crawl made independent of timing: click depths and `found_on` settled from the
//! link graph, and visits put in one order (fetches finish in any order; reports must not
//! change from run to run).

use super::graph::{Links, Sym};
use super::model::{Fragments, Visit};

/// Sets each visit's depth to the fewest clicks from the seed, and its `found_on` to a page
/// one click nearer. Fetches run concurrently, so a page can be found first from a deep page
/// that happened to finish before a shallower one: its depth at discovery can be too large, and
/// which page found it first changes from run to run. The link graph gives the true depth, and
/// walking it a level at a time, pages in URL order, gives the same `found_on` in every run
/// (the first linking page in URL order). Visits it does not reach (only in a sitemap, say)
/// keep theirs.
pub(super) fn settle_depths(visits: &mut [Visit], links: &Links, seed: &str) {
    let Some(start) = visits.iter().position(|v| v.url == seed) else {
        return;
    };
    let by_url: foldhash::HashMap<Sym, usize> = visits
        .iter()
        .enumerate()
        .filter_map(|(i, v)| links.find(&v.url).map(|sym| (sym, i)))
        .collect();
    let mut settled: Vec<Option<(u32, Option<usize>)>> = vec![None; visits.len()];
    settled[start] = Some((0, None));
    let mut level = vec![start];
    let mut depth = 0;
    while !level.is_empty() {
        level.sort_unstable_by(|&a, &b| visits[a].url.cmp(&visits[b].url));
        depth += 1;
        let mut next = Vec::new();
        for &page in &level {
            let visit = &visits[page];
            if visit.page.is_none() || visit.nofollow {
                continue;
            }
            for edge in links.page(page) {
                if let Some(&target) = by_url.get(&edge.target) {
                    if settled[target].is_none() {
                        settled[target] = Some((depth, Some(page)));
                        next.push(target);
                    }
                }
            }
        }
        level = next;
    }
    let found_on: Vec<Option<String>> = settled
        .iter()
        .map(|s| {
            s.and_then(|(_, from)| from)
                .map(|from| visits[from].url.clone())
        })
        .collect();
    for ((visit, settled), found_on) in visits.iter_mut().zip(settled).zip(found_on) {
        if let Some((depth, _)) = settled {
            visit.depth = Some(depth);
            visit.found_on = found_on;
        }
    }
}

/// Puts visits in click-depth order, then URL order (pages only a sitemap leads to last),
/// keeping each visit's links and fragment targets with it.
pub(super) fn sort_visits(
    visits: &mut Vec<Visit>,
    fragments: &mut Vec<Fragments>,
    links: &mut Links,
) {
    let mut order: Vec<usize> = (0..visits.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let key = |v: &Visit| (v.depth.is_none(), v.depth);
        key(&visits[a])
            .cmp(&key(&visits[b]))
            .then_with(|| visits[a].url.cmp(&visits[b].url))
    });
    links.reorder(&order);
    *visits = permute(std::mem::take(visits), &order);
    *fragments = permute(std::mem::take(fragments), &order);
}

/// `items` rearranged so that item `i` is the one that was at `order[i]` (a permutation).
fn permute<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&i| slots[i].take().expect("each index once"))
        .collect()
}
