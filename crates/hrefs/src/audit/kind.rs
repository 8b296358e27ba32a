//! The audits: each kind of check with its severity, id, title and fix in words (the weights
//! are the rating's, in `crate::rating`).

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Visitors or crawlers hit a dead end.
    Error,
    /// Works, but costs visitors, crawlers or rankings.
    Warning,
    /// Worth a look.
    Notice,
}

impl Severity {
    /// The lowercase name, as in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
}

/// One kind of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audit {
    /// A link whose target answers 4xx/5xx or not at all.
    BrokenLink,
    /// A link whose target refused the crawler: a bot challenge, or a status the `accept`
    /// rules take for a block. Reported, never scored: it could not be checked.
    BlockedLink,
    /// A link to a URL that redirects.
    Redirect,
    /// A link to a URL that redirects more than once before it answers.
    RedirectChain,
    /// An `http://` link on an `https://` page.
    InsecureLink,
    /// A `#fragment` link whose target page has no such `id` or `<a name>`.
    MissingFragment,
    /// A link a crawler cannot follow: `javascript:`.
    NonCrawlableLink,
    /// A link to the page itself: an empty `href` or a lone `#` (Sphinx's headings, menu
    /// toggles). Reported, never scored.
    SelfLink,
    /// Link text that says nothing of the target ("click here", "read more"...).
    GenericLinkText,
    /// A link with no text and no image alt text.
    EmptyLinkText,
    /// `target=_blank` without `rel=noopener` (or `noreferrer`).
    UnsafeBlankTarget,
    /// A link to the site's own page marked `rel=nofollow`.
    InternalNofollow,
    /// A page with more links than a reader or crawler can weigh.
    TooManyLinks,
    /// A page in the sitemap that no crawled page links to.
    OrphanPage,
    /// A page more clicks from the start than visitors go.
    DeepPage,
    /// A page without `<title>`.
    TitleMissing,
    /// A `<title>` with no text.
    TitleEmpty,
    /// A title that other indexable pages have too.
    TitleDuplicate,
    /// A title longer than search results show.
    TitleTooLong,
    /// A page without a meta description (or an empty one).
    DescriptionMissing,
    /// A meta description that other indexable pages have too.
    DescriptionDuplicate,
    /// A page without `<h1>`.
    H1Missing,
    /// A page with several `<h1>`.
    H1Multiple,
    /// An `<img>` without `alt` attribute.
    ImageMissingAlt,
    /// A page without `<link rel=canonical>`.
    CanonicalMissing,
    /// A canonical link with a relative URL.
    CanonicalRelative,
    /// A canonical link to a redirect, an error, a non-HTML or a noindex page, or to nothing.
    CanonicalTarget,
    /// A canonical link to a page whose own canonical is elsewhere.
    CanonicalChain,
    /// An `hreflang` alternate with an invalid language code or URL.
    HreflangInvalid,
    /// An `hreflang` alternate whose page does not link back.
    HreflangNoReturn,
    /// `hreflang` alternates that do not include the page itself.
    HreflangNoSelf,
    /// `hreflang` alternates without `x-default`.
    HreflangNoXDefault,
    /// A noindex page listed in the sitemap.
    SitemapNoindex,
    /// A page listed in the sitemap whose canonical URL is another.
    SitemapNonCanonical,
    /// `<html>` without `lang`.
    LangMissing,
}

/// More links than this on one page is a finding.
pub const MAX_LINKS: usize = 250;

/// Pages more link hops than this from the seed are a finding.
pub const MAX_DEPTH: u32 = 3;

/// Titles longer than this many characters are cut in search results (Google shows about
/// 600 pixels, 50 to 60 characters).
pub const MAX_TITLE_CHARS: usize = 60;

impl Audit {
    /// Every audit, in report order.
    pub const ALL: [Audit; 35] = [
        Audit::BrokenLink,
        Audit::BlockedLink,
        Audit::Redirect,
        Audit::RedirectChain,
        Audit::InsecureLink,
        Audit::MissingFragment,
        Audit::NonCrawlableLink,
        Audit::SelfLink,
        Audit::GenericLinkText,
        Audit::EmptyLinkText,
        Audit::UnsafeBlankTarget,
        Audit::InternalNofollow,
        Audit::TooManyLinks,
        Audit::OrphanPage,
        Audit::DeepPage,
        Audit::TitleMissing,
        Audit::TitleEmpty,
        Audit::TitleDuplicate,
        Audit::TitleTooLong,
        Audit::DescriptionMissing,
        Audit::DescriptionDuplicate,
        Audit::H1Missing,
        Audit::H1Multiple,
        Audit::ImageMissingAlt,
        Audit::CanonicalMissing,
        Audit::CanonicalRelative,
        Audit::CanonicalTarget,
        Audit::CanonicalChain,
        Audit::HreflangInvalid,
        Audit::HreflangNoReturn,
        Audit::HreflangNoSelf,
        Audit::HreflangNoXDefault,
        Audit::SitemapNoindex,
        Audit::SitemapNonCanonical,
        Audit::LangMissing,
    ];

    /// The id used in reports (`broken-link`...).
    pub fn id(self) -> &'static str {
        match self {
            Audit::BrokenLink => "broken-link",
            Audit::BlockedLink => "blocked-link",
            Audit::Redirect => "redirect",
            Audit::RedirectChain => "redirect-chain",
            Audit::InsecureLink => "insecure-link",
            Audit::MissingFragment => "missing-fragment",
            Audit::NonCrawlableLink => "non-crawlable-link",
            Audit::SelfLink => "self-link",
            Audit::GenericLinkText => "generic-link-text",
            Audit::EmptyLinkText => "empty-link-text",
            Audit::UnsafeBlankTarget => "unsafe-blank-target",
            Audit::InternalNofollow => "internal-nofollow",
            Audit::TooManyLinks => "too-many-links",
            Audit::OrphanPage => "orphan-page",
            Audit::DeepPage => "deep-page",
            Audit::TitleMissing => "title-missing",
            Audit::TitleEmpty => "title-empty",
            Audit::TitleDuplicate => "title-duplicate",
            Audit::TitleTooLong => "title-too-long",
            Audit::DescriptionMissing => "description-missing",
            Audit::DescriptionDuplicate => "description-duplicate",
            Audit::H1Missing => "h1-missing",
            Audit::H1Multiple => "h1-multiple",
            Audit::ImageMissingAlt => "image-missing-alt",
            Audit::CanonicalMissing => "canonical-missing",
            Audit::CanonicalRelative => "canonical-relative",
            Audit::CanonicalTarget => "canonical-target",
            Audit::CanonicalChain => "canonical-chain",
            Audit::HreflangInvalid => "hreflang-invalid",
            Audit::HreflangNoReturn => "hreflang-no-return",
            Audit::HreflangNoSelf => "hreflang-no-self",
            Audit::HreflangNoXDefault => "hreflang-no-x-default",
            Audit::SitemapNoindex => "sitemap-noindex",
            Audit::SitemapNonCanonical => "sitemap-non-canonical",
            Audit::LangMissing => "lang-missing",
        }
    }

    /// Whether its findings are about a page itself (one at most a page), not its links or
    /// other elements (images, alternates), which may be many on a page.
    pub fn is_about_pages(self) -> bool {
        !matches!(
            self,
            Audit::BrokenLink
                | Audit::BlockedLink
                | Audit::Redirect
                | Audit::RedirectChain
                | Audit::InsecureLink
                | Audit::MissingFragment
                | Audit::NonCrawlableLink
                | Audit::SelfLink
                | Audit::GenericLinkText
                | Audit::EmptyLinkText
                | Audit::UnsafeBlankTarget
                | Audit::InternalNofollow
                | Audit::ImageMissingAlt
                | Audit::HreflangInvalid
                | Audit::HreflangNoReturn
        )
    }

    /// How bad a finding of this audit is.
    pub fn severity(self) -> Severity {
        match self {
            Audit::BrokenLink | Audit::TitleMissing | Audit::TitleEmpty => Severity::Error,
            Audit::TitleDuplicate
            | Audit::DescriptionMissing
            | Audit::DescriptionDuplicate
            | Audit::H1Missing
            | Audit::ImageMissingAlt
            | Audit::CanonicalTarget
            | Audit::CanonicalChain
            | Audit::HreflangInvalid
            | Audit::HreflangNoReturn
            | Audit::SitemapNoindex
            | Audit::SitemapNonCanonical
            | Audit::LangMissing => Severity::Warning,
            Audit::TitleTooLong
            | Audit::H1Multiple
            | Audit::CanonicalMissing
            | Audit::CanonicalRelative
            | Audit::HreflangNoSelf
            | Audit::HreflangNoXDefault => Severity::Notice,
            Audit::BlockedLink
            | Audit::Redirect
            | Audit::RedirectChain
            | Audit::InsecureLink
            | Audit::MissingFragment
            | Audit::NonCrawlableLink
            | Audit::EmptyLinkText
            | Audit::InternalNofollow
            | Audit::TooManyLinks
            | Audit::OrphanPage => Severity::Warning,
            Audit::SelfLink
            | Audit::GenericLinkText
            | Audit::UnsafeBlankTarget
            | Audit::DeepPage => Severity::Notice,
        }
    }

    /// A one-line title.
    pub fn title(self) -> &'static str {
        match self {
            Audit::BrokenLink => "Broken links",
            Audit::BlockedLink => "Links to sites that refused the crawler",
            Audit::Redirect => "Links to redirects",
            Audit::RedirectChain => "Links to redirect chains",
            Audit::InsecureLink => "Insecure http:// links on https:// pages",
            Audit::MissingFragment => "Links to missing #fragments",
            Audit::NonCrawlableLink => "Links crawlers cannot follow",
            Audit::SelfLink => "Links to the page itself (an empty href, a lone #)",
            Audit::GenericLinkText => "Generic link text",
            Audit::EmptyLinkText => "Links without text",
            Audit::UnsafeBlankTarget => "target=_blank without noopener",
            Audit::InternalNofollow => "Internal links marked nofollow",
            Audit::TooManyLinks => "Pages with too many links",
            Audit::OrphanPage => "Orphan pages",
            Audit::DeepPage => "Pages too many clicks deep",
            Audit::TitleMissing => "Pages without a title",
            Audit::TitleEmpty => "Empty titles",
            Audit::TitleDuplicate => "Titles shared by several pages",
            Audit::TitleTooLong => "Titles too long for search results",
            Audit::DescriptionMissing => "Pages without a meta description",
            Audit::DescriptionDuplicate => "Meta descriptions shared by several pages",
            Audit::H1Missing => "Pages without an <h1>",
            Audit::H1Multiple => "Pages with several <h1>",
            Audit::ImageMissingAlt => "Images without alt text",
            Audit::CanonicalMissing => "Pages without a canonical URL",
            Audit::CanonicalRelative => "Relative canonical URLs",
            Audit::CanonicalTarget => "Canonical URLs to a redirect, an error or a noindex page",
            Audit::CanonicalChain => "Canonical URLs to a page with another canonical",
            Audit::HreflangInvalid => "Invalid hreflang alternates",
            Audit::HreflangNoReturn => "hreflang alternates that do not link back",
            Audit::HreflangNoSelf => "hreflang sets without the page itself",
            Audit::HreflangNoXDefault => "hreflang sets without x-default",
            Audit::SitemapNoindex => "noindex pages in the sitemap",
            Audit::SitemapNonCanonical => "Non-canonical pages in the sitemap",
            Audit::LangMissing => "Pages without a language (<html lang>)",
        }
    }

    /// The fix, in words.
    pub fn fix(self) -> &'static str {
        match self {
            Audit::BrokenLink => {
                "Fix the target or the link: restore the page, link to where it moved, or remove the link."
            }
            Audit::BlockedLink => {
                "Check the target in a browser: the site answered the crawler with a block or a challenge, so the link could not be checked. Once checked, accept it with an ignore rule."
            }
            Audit::Redirect => {
                "Link straight to the final URL: every redirect costs visitors a round trip and crawlers budget."
            }
            Audit::RedirectChain => {
                "Make the first URL redirect straight to the last one, and link to the last one."
            }
            Audit::InsecureLink => {
                "Link to the https:// URL: the http:// one exposes visitors to interception and a mixed-security warning."
            }
            Audit::MissingFragment => {
                "Add the id to the target page, or link to a fragment that exists."
            }
            Audit::NonCrawlableLink => {
                "Use a real URL in href; for actions, use a <button> instead of a link."
            }
            Audit::SelfLink => {
                "Nothing for crawlers: they see the page itself. If the link is a control (a menu toggle), a <button> tells screen readers so."
            }
            Audit::GenericLinkText => {
                "Say where the link goes (\"pricing details\", not \"click here\"): search engines and screen readers rely on it."
            }
            Audit::EmptyLinkText => {
                "Give the link visible text, or an alt text on its image."
            }
            Audit::UnsafeBlankTarget => {
                "Add rel=\"noopener\" so the opened page cannot control this one (older browsers)."
            }
            Audit::InternalNofollow => {
                "Remove rel=nofollow from links to your own pages: it keeps crawlers from them and wastes their ranking signal."
            }
            Audit::TooManyLinks => {
                "Trim navigation and link lists, or split the page: each link then carries more weight."
            }
            Audit::OrphanPage => {
                "Link to the page from a related page, or drop it from the sitemap if it is obsolete."
            }
            Audit::DeepPage => {
                "Link to the page from a page closer to the start (home, section index, hub pages)."
            }
            Audit::TitleMissing | Audit::TitleEmpty => {
                "Give the page a <title> that says what it is: it is the headline of its search result and its tab's name."
            }
            Audit::TitleDuplicate => {
                "Give each page its own title: pages that share one compete for the same searches, and readers cannot tell them apart."
            }
            Audit::TitleTooLong => {
                "Keep titles under about 60 characters, the important words first: search results cut the rest."
            }
            Audit::DescriptionMissing => {
                "Add <meta name=\"description\" content=\"…\"> summing the page up in a sentence or two: search engines show it under the title."
            }
            Audit::DescriptionDuplicate => {
                "Write a description for each page: a shared one tells searchers nothing about which page is which."
            }
            Audit::H1Missing => {
                "Give the page one <h1> naming its subject: readers, screen readers and crawlers look for it."
            }
            Audit::H1Multiple => {
                "Keep one <h1> per page and make the other headings <h2>…<h6>, so the outline shows what the page is about."
            }
            Audit::ImageMissingAlt => {
                "Add an alt attribute: words for an image that informs, alt=\"\" for one that only decorates."
            }
            Audit::CanonicalMissing => {
                "Add a <link rel=\"canonical\"> to the page's preferred absolute URL, so that its variants (query strings, tracking parameters) count as one page."
            }
            Audit::CanonicalRelative => {
                "Write the canonical URL in full (https://host/path): a relative one is easy to get wrong and read against the wrong base."
            }
            Audit::CanonicalTarget => {
                "Point the canonical link at the final, indexable HTML page that answers 200."
            }
            Audit::CanonicalChain => {
                "Point the canonical link straight at the page that names itself as canonical."
            }
            Audit::HreflangInvalid => {
                "Use an ISO 639-1 language code, optionally with an ISO 3166-1 region (en, en-GB, pt-BR), or x-default, and an absolute URL."
            }
            Audit::HreflangNoReturn => {
                "List this page among the alternates of the other page too: search engines ignore hreflang pairs that are not confirmed both ways."
            }
            Audit::HreflangNoSelf => {
                "Include the page itself in its hreflang set, with its own language."
            }
            Audit::HreflangNoXDefault => {
                "Add an x-default alternate for visitors whose language none of the versions matches."
            }
            Audit::SitemapNoindex => {
                "Drop noindex pages from the sitemap, or remove noindex: the sitemap asks for indexing, the page refuses it."
            }
            Audit::SitemapNonCanonical => {
                "List canonical URLs only in the sitemap: the other variants waste crawl budget and blur which URL counts."
            }
            Audit::LangMissing => {
                "Set the page's language on <html lang=\"…\">: screen readers pick their voice from it, search engines their audience."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_audit_has_words() {
        for a in Audit::ALL {
            assert!(!a.id().is_empty() && !a.title().is_empty() && a.fix().ends_with('.'));
        }
        let mut ids: Vec<_> = Audit::ALL.iter().map(|a| a.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Audit::ALL.len());
    }
}
