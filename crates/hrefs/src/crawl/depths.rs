//! Click depths settled from the link graph once the crawl is over.

use std::collections::VecDeque;

use super::graph::{Links, Sym};
use super::model::Visit;

/// Sets each visit's depth to the fewest clicks from the seed. Fetches run concurrently, so a
/// page can be found first from a deep page that happened to finish before a shallower one:
/// its depth at discovery can be too large. The link graph gives the true figure; visits it
/// does not reach (only in a sitemap, say) keep theirs.
pub(super) fn settle_depths(visits: &mut [Visit], links: &Links, seed: &str) {
    let Some(start) = visits.iter().position(|v| v.url == seed) else {
        return;
    };
    let by_url: foldhash::HashMap<Sym, usize> = visits
        .iter()
        .enumerate()
        .filter_map(|(i, v)| links.find(&v.url).map(|sym| (sym, i)))
        .collect();
    let mut depths = vec![None; visits.len()];
    depths[start] = Some(0);
    let mut queue = VecDeque::from([start]);
    while let Some(page) = queue.pop_front() {
        let visit = &visits[page];
        if visit.page.is_none() || visit.nofollow {
            continue;
        }
        let next = depths[page].map(|d: u32| d + 1);
        for edge in links.page(page) {
            if let Some(&target) = by_url.get(&edge.target) {
                if depths[target].is_none() {
                    depths[target] = next;
                    queue.push_back(target);
                }
            }
        }
    }
    for (visit, depth) in visits.iter_mut().zip(depths) {
        if depth.is_some() {
            visit.depth = depth;
        }
    }
}
