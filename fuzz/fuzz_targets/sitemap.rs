//! The sitemap reader (XML, text, gzip): no input panics it, and what it keeps is within the
//! limits it promises.
#![no_main]

use hrefs::sitemap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match sitemap::parse(data) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(map) => {
            assert!(map.urls.len() <= sitemap::MAX_URLS);
            assert!(map.dropped == 0 || map.urls.len() == sitemap::MAX_URLS);
            for url in &map.urls {
                assert!(matches!(url.scheme(), "http" | "https"), "{url}");
            }
        }
    }
});
