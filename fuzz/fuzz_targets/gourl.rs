//! Go's `url.Parse` emulation: no input panics it, errors format, and what it returns is
//! consistent with the input (a borrowed host is part of it, a scheme is lower case).
#![no_main]

use std::borrow::Cow;

use hrefs::url::gourl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match gourl::parse(data) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(url) => {
            assert!(!url.scheme.bytes().any(|b| b.is_ascii_uppercase()));
            if let Cow::Borrowed(host) = &url.host {
                assert!(
                    host.is_empty() || data.windows(host.len()).any(|w| w == *host),
                    "host {host:?} is not in the input"
                );
            }
        }
    }
});
