//! The normal form a crawl keeps URLs in, so that two spellings of one URL are one URL.

use url::Url;

/// The form URLs are compared in: no fragment; scheme and host lower-cased, default port
/// and dot segments dropped (the `url` crate does those); percent-escapes of unreserved
/// characters decoded and the others upper-cased (RFC 3986, 6.2.2).
pub fn normalize(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    let path = normalize_escapes(url.path());
    if path != url.path() {
        url.set_path(&path);
    }
    if let Some(query) = url.query() {
        let normalized = normalize_escapes(query);
        if normalized != query {
            url.set_query(Some(&normalized));
        }
    }
    url
}

fn normalize_escapes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        match escape_at(bytes, i) {
            Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') => {
                out.push(char::from(b));
                i += 3;
            }
            Some(b) => {
                out.push_str(&format!("%{b:02X}"));
                i += 3;
            }
            None => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&text[i..i + len]);
                i += len;
            }
        }
    }
    out
}

/// The octet a `%XX` escape at `raw[i]` stands for, if there is one there.
pub fn escape_at(raw: &[u8], i: usize) -> Option<u8> {
    let hex = |digit: u8| char::from(digit).to_digit(16);
    match raw.get(i..i + 3)? {
        [b'%', high, low] => u8::try_from(hex(*high)? << 4 | hex(*low)?).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        let cases = [
            (
                "HTTP://Example.COM:80/a/./b/../c#frag",
                "http://example.com/a/c",
            ),
            (
                "https://example.com:443/%7euser/%2fx?q=%7e%3d",
                "https://example.com/~user/%2Fx?q=~%3D",
            ),
            ("https://example.com/a%zzb", "https://example.com/a%zzb"),
            ("https://example.com/a%+1b", "https://example.com/a%+1b"),
            (
                "https://example.com/ünï",
                "https://example.com/%C3%BCn%C3%AF",
            ),
            ("https://example.com", "https://example.com/"),
        ];
        for (input, want) in cases {
            assert_eq!(
                normalize(&Url::parse(input).unwrap()).as_str(),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_at(b"a%41", 1), Some(b'A'));
        assert_eq!(escape_at(b"%4", 0), None);
        assert_eq!(escape_at(b"%zz", 0), None);
    }
}
