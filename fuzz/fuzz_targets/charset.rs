//! Charset detection: no BOM, header or meta value panics it; a `<meta>` never picks an
//! encoding the page could not have been read in to find it (UTF-16), and a charset parameter
//! found in a `Content-Type` is never empty.
#![no_main]

use hrefs::charset::{self, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Three fields, separated by NUL: first bytes of the body, Content-Type, meta charset.
    let mut fields = data.splitn(3, |&b| b == 0);
    let body = fields.next().unwrap_or_default();
    let header = fields.next().map(String::from_utf8_lossy);
    let meta = fields.next().map(String::from_utf8_lossy);

    let charset = header.as_deref().and_then(charset::from_content_type);
    if let Some(label) = &charset {
        assert!(!label.is_empty());
    }
    let (encoding, source) = charset::detect(body, charset.as_deref(), meta.as_deref());
    match source {
        Source::Bom => assert!(encoding_rs::Encoding::for_bom(body).is_some()),
        Source::Meta => {
            assert!(encoding.is_single_byte() || encoding.output_encoding() == encoding)
        }
        Source::Header | Source::Default => {}
    }
});
