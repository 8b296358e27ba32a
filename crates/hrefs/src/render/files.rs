//! Where a page of the report lives for tools that point at files (SARIF, GitHub
//! annotations): the file it was read from when the site was crawled from disk, else its URL.

use url::Url;

use crate::fetch::LocalSite;
use crate::site_report::SiteReport;

/// The pages' files, when the crawl read a directory.
pub(super) struct Files {
    local: Option<LocalSite>,
}

impl Files {
    pub(super) fn of(report: &SiteReport) -> Files {
        let settings = &report.summary.settings;
        let local = settings
            .root
            .as_ref()
            .zip(settings.base.as_deref().and_then(|b| Url::parse(b).ok()))
            .map(|(root, base)| LocalSite::new(root, base));
        Files { local }
    }

    /// The page's file as a relative path with `/` separators (`public/index.html`, no
    /// leading `./`), or as given when the directory was given as an absolute path; `None`
    /// for a page no file answers for.
    pub(super) fn path(&self, page: &str) -> Option<String> {
        let local = self.local.as_ref()?;
        let file = local.file_of(&Url::parse(page).ok()?)?;
        let file = file.to_str()?.replace('\\', "/");
        Some(file.strip_prefix("./").unwrap_or(&file).to_string())
    }

    /// The page as a SARIF artifact URI: its file (percent-escaped as a URI path needs, and
    /// `file://` when absolute), else its URL.
    pub(super) fn uri(&self, page: &str) -> String {
        let Some(path) = self.path(page) else {
            return page.to_string();
        };
        let escaped: String = path
            .split('/')
            .map(|segment| percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string())
            .collect::<Vec<_>>()
            .join("/");
        if path.starts_with('/') {
            format!("file://{escaped}")
        } else {
            escaped
        }
    }
}

/// What a URI path segment cannot hold as it is.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');
