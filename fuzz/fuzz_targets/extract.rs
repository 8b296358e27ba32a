//! The streaming extractor: no input panics it, and the anchors and page facts are the same
//! whether the page arrives whole or in three chunks cut anywhere (the first four bytes of the
//! input choose the cuts; the rest is the page).
#![no_main]

use hrefs::{ExtractOptions, Extractor};
use libfuzzer_sys::fuzz_target;

const OPTIONS: ExtractOptions = ExtractOptions {
    anchor_details: true,
    fragment_targets: true,
    seo: true,
};

/// Everything the extractor reports, in a form that compares.
fn run(chunks: &[&[u8]]) -> (Vec<String>, String) {
    let mut anchors = Vec::new();
    let mut on_anchor = |a: &hrefs::Anchor| {
        let hrefs: Vec<_> = a.hrefs().map(|h| h.into_owned()).collect();
        anchors.push(format!(
            "{hrefs:?} {:?} {:?} {:?} {:?} {}:{}",
            a.rel(),
            a.target(),
            a.text(encoding_rs::UTF_8),
            a.image_alt(encoding_rs::UTF_8),
            a.line(),
            a.column()
        ));
    };
    let mut extractor = Extractor::new(OPTIONS);
    for chunk in chunks {
        extractor.write(chunk, &mut on_anchor);
    }
    let facts = extractor.finish(&mut on_anchor);
    (anchors, format!("{facts:?}"))
}

fuzz_target!(|data: &[u8]| {
    let Some((cuts, page)) = data.split_first_chunk::<4>() else {
        return;
    };
    let len = page.len() + 1;
    let mut a = usize::from(u16::from_le_bytes([cuts[0], cuts[1]])) % len;
    let mut b = usize::from(u16::from_le_bytes([cuts[2], cuts[3]])) % len;
    if a > b {
        std::mem::swap(&mut a, &mut b);
    }
    let whole = run(&[page]);
    let split = run(&[&page[..a], &page[a..b], &page[b..]]);
    assert_eq!(whole, split, "cut at {a} and {b}");
});
