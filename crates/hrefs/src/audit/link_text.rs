//! Link text that says nothing of where a link goes: the words of the `generic-link-text`
//! audit.

/// Link text that says nothing of where a link goes, lower-cased, in the languages most
/// sites are written in (the spirit of Lighthouse's `link-text` audit).
const GENERIC_TEXT: &[&str] = &[
    // English
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
    "continue",
    "continue reading",
    // Spanish
    "aquí",
    "haz clic aquí",
    "clic aquí",
    "más",
    "más información",
    "leer más",
    "ver más",
    "saber más",
    // Portuguese
    "clique aqui",
    "aqui",
    "mais",
    "saiba mais",
    "leia mais",
    "ver mais",
    "mais informações",
    // French
    "cliquez ici",
    "ici",
    "plus",
    "en savoir plus",
    "lire la suite",
    "voir plus",
    "plus d'informations",
    // German
    "hier klicken",
    "hier",
    "mehr",
    "weiterlesen",
    "mehr erfahren",
    "mehr info",
    "mehr informationen",
    // Italian
    "clicca qui",
    "qui",
    "altro",
    "scopri di più",
    "leggi di più",
    "di più",
    // Dutch
    "klik hier",
    "meer",
    "lees meer",
    "meer informatie",
];

/// Whether `text` (whitespace collapsed) is generic link text.
pub fn is_generic_text(text: &str) -> bool {
    let t = text
        .trim()
        .trim_end_matches(['.', '!', '…', '>', '»', '→', ':'])
        .trim()
        .to_lowercase();
    GENERIC_TEXT.contains(&t.as_str())
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
            assert!(is_generic_text(t), "{t}");
        }
        for t in [
            "Pricing details",
            "Read more about pricing",
            "",
            "Python 3.11 tutorial",
        ] {
            assert!(!is_generic_text(t), "{t}");
        }
    }
}
