//! Link text that says nothing of where a link goes: the words of the `generic-link-text`
//! audit.

/// Link text that says nothing of where a link goes, lower-cased, by language (ISO 639-1),
/// in the languages most sites are written in (the spirit of Lighthouse's `link-text` audit,
/// whose English list this one extends).
const GENERIC_TEXT: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "click here",
            "click this",
            "go",
            "here",
            "this",
            "start",
            "right here",
            "more",
            "read more",
            "learn more",
            "more info",
            "more information",
            "information",
            "see more",
            "details",
            "link",
            "this link",
            "continue reading",
        ],
    ),
    (
        "es",
        &[
            "aquí",
            "haz clic aquí",
            "clic aquí",
            "más",
            "más información",
            "leer más",
            "ver más",
            "saber más",
        ],
    ),
    (
        "pt",
        &[
            "clique aqui",
            "aqui",
            "mais",
            "saiba mais",
            "leia mais",
            "ver mais",
            "mais informações",
        ],
    ),
    (
        "fr",
        &[
            "cliquez ici",
            "ici",
            "plus",
            "en savoir plus",
            "lire la suite",
            "voir plus",
            "plus d'informations",
        ],
    ),
    (
        "de",
        &[
            "hier klicken",
            "hier",
            "mehr",
            "weiterlesen",
            "mehr erfahren",
            "mehr info",
            "mehr informationen",
        ],
    ),
    (
        "it",
        &[
            "clicca qui",
            "qui",
            "altro",
            "scopri di più",
            "leggi di più",
            "di più",
        ],
    ),
    ("nl", &["klik hier", "meer", "lees meer", "meer informatie"]),
];

/// Whether `text` (whitespace collapsed) is generic link text on a page in `lang` (its
/// `<html lang>`): English phrases and those of the page's language, or of every language
/// above when the page does not say. An English page's "plus" (a keyword, a sign) is not
/// French for "more".
pub fn is_generic_text(text: &str, lang: Option<&str>) -> bool {
    let t = text
        .trim()
        .trim_end_matches(['.', '!', '…', '>', '»', '→', ':'])
        .trim()
        .to_lowercase();
    let primary = lang
        .map(|l| {
            l.trim()
                .split(['-', '_'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .filter(|l| GENERIC_TEXT.iter().any(|(code, _)| code == l));
    GENERIC_TEXT
        .iter()
        .filter(|(code, _)| {
            primary
                .as_deref()
                .is_none_or(|p| *code == "en" || *code == p)
        })
        .any(|(_, phrases)| phrases.contains(&t.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_text() {
        for t in [
            "Click here",
            "read more…",
            " Learn More ",
            "En savoir plus",
            "hier",
            "Más »",
        ] {
            assert!(is_generic_text(t, None), "{t}");
        }
        for t in [
            "Pricing details",
            "Read more about pricing",
            "",
            "Python 3.11 tutorial",
        ] {
            assert!(!is_generic_text(t, None), "{t}");
        }
        // A page that names its language is judged in it, and in English.
        assert!(is_generic_text("plus", Some("fr-CA")));
        assert!(!is_generic_text("plus", Some("en")));
        assert!(is_generic_text("click here", Some("de")));
        assert!(!is_generic_text("hier", Some("nl")));
        // A language without a list: every list.
        assert!(is_generic_text("hier", Some("sv")));
        // An index entry for the keyword is no "continue reading".
        assert!(!is_generic_text("continue", None));
    }
}
