//! `*` patterns, the only wildcard `--include` and `--exclude` know.

/// Whether `text` matches `pattern`, where `*` matches any run of characters (none too)
/// and everything else matches itself.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let cases = [
            ("*", "anything", true),
            (
                "https://example.com/docs/*",
                "https://example.com/docs/a",
                true,
            ),
            (
                "https://example.com/docs/*",
                "https://example.com/blog/a",
                false,
            ),
            ("*.pdf", "https://example.com/a.pdf", true),
            ("*.pdf", "https://example.com/a.pdf?x", false),
            ("*/private/*", "https://example.com/x/private/y", true),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "acb", false),
            ("ab*ba", "aba", false),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(wildcard_match(pattern, text), want, "{pattern} ~ {text}");
        }
    }
}
