//! A directory of built HTML answered as the site it will be served as, with no server: the
//! URLs under a base URL map to files under a root directory the way a static web server
//! (nginx's defaults) maps them, so a crawl of the directory finds what a crawl of the served
//! site would.
//!
//! - `/dir/` is `dir/index.html`; a directory without one answers 403 (no listing).
//! - `/dir` (a directory) answers 301 to `/dir/`.
//! - `/page` with no such file but a `page.html` is that file: the "pretty" URLs of static
//!   site generators, as GitHub Pages and Netlify serve them.
//! - Anything else missing is 404; the query string is ignored.
//! - The `Content-Type` comes from the file name's extension.
//!
//! URLs of the base's origin outside its path cannot be answered from the directory: fetching
//! them is an error ([`FetchError::OutsideRoot`]) that names the directory.

use std::io::Read;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use url::Url;

use super::error::FetchError;

/// A directory served at a base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSite {
    /// The URL the directory is served at; its path ends with `/`.
    base: Url,
    /// The directory.
    root: PathBuf,
}

/// What the directory answers for a URL.
#[derive(Debug)]
pub(super) enum Answer {
    /// A file to send, with its content type.
    File {
        path: PathBuf,
        content_type: &'static str,
    },
    /// A redirect (301) to this URL.
    Redirect(Url),
    /// A status with no body: 403 or 404.
    Status(u16),
}

impl LocalSite {
    /// The directory `root` served at `base` (a path without a final `/` gets one: the base
    /// is a directory).
    pub fn new(root: impl Into<PathBuf>, mut base: Url) -> LocalSite {
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        base.set_query(None);
        base.set_fragment(None);
        LocalSite {
            base,
            root: root.into(),
        }
    }

    /// The URL the directory is served at.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `url` is on the base's origin: the directory answers for it, or it is outside
    /// the directory.
    pub(super) fn owns(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// The file a URL would be served from, if the directory has it (for reports that point
    /// at files: `page.html`, not `http://localhost/page.html`).
    /// A directory's URL without its slash is its `index.html`, through the redirect.
    pub fn file_of(&self, url: &Url) -> Option<PathBuf> {
        match self.answer(url).ok()? {
            Answer::File { path, .. } => Some(path),
            Answer::Redirect(to) => match self.answer(&to).ok()? {
                Answer::File { path, .. } => Some(path),
                Answer::Redirect(_) | Answer::Status(_) => None,
            },
            Answer::Status(_) => None,
        }
    }

    /// What the directory answers for `url`, which [`owns`](Self::owns) it.
    pub(super) fn answer(&self, url: &Url) -> Result<Answer, FetchError> {
        let outside = || FetchError::OutsideRoot {
            url: url.clone(),
            site: Box::new(self.clone()),
        };
        let rest = url
            .path()
            .strip_prefix(self.base.path())
            .ok_or_else(outside)?;
        let Some(relative) = relative_path(rest) else {
            return Ok(Answer::Status(404));
        };
        let path = self.root.join(&relative);
        if rest.is_empty() || rest.ends_with('/') {
            let index = path.join("index.html");
            return Ok(if index.is_file() {
                file(index)
            } else if path.is_dir() {
                Answer::Status(403)
            } else {
                Answer::Status(404)
            });
        }
        if path.is_file() {
            return Ok(file(path));
        }
        if path.is_dir() {
            let mut to = url.clone();
            to.set_path(&format!("{}/", url.path()));
            return Ok(Answer::Redirect(to));
        }
        let mut pretty = path.into_os_string();
        pretty.push(".html");
        let pretty = PathBuf::from(pretty);
        Ok(if pretty.is_file() {
            file(pretty)
        } else {
            Answer::Status(404)
        })
    }
}

fn file(path: PathBuf) -> Answer {
    let content_type = content_type(&path);
    Answer::File { path, content_type }
}

/// The relative file path of a URL path under the base (`a/b%20c.html`), percent-decoded;
/// `None` for what no server maps to a file: `..` or `.` segments, NUL bytes, bytes that are
/// not a file name here.
fn relative_path(rest: &str) -> Option<PathBuf> {
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(rest).collect();
    if decoded.contains(&0) {
        return None;
    }
    let text = String::from_utf8(decoded).ok()?;
    let mut path = PathBuf::new();
    for segment in text.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains('\\') {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

/// The content type of a file by its extension, as nginx's `mime.types` gives the common
/// ones; `application/octet-stream` otherwise.
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" | "shtml" => "text/html",
        "xhtml" => "application/xhtml+xml",
        "css" => "text/css",
        "js" | "mjs" => "application/javascript",
        "json" => "application/json",
        "xml" | "rss" | "atom" => "text/xml",
        "txt" | "md" => "text/plain",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" | "svgz" => "image/svg+xml",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        _ => "application/octet-stream",
    }
}

/// A file's body, read a piece at a time.
#[derive(Debug)]
pub(super) struct FileBody {
    file: std::fs::File,
}

/// How much of a file one read takes: as much as the network's larger reads.
const PIECE: usize = 64 * 1024;

impl FileBody {
    pub(super) fn open(path: &Path) -> std::io::Result<(FileBody, u64)> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok((FileBody { file }, len))
    }

    /// The next piece, `None` at the end. Reads block: local files are read from the page
    /// cache in microseconds, and a crawl of a directory has nothing else to wait for.
    pub(super) fn piece(&mut self) -> std::io::Result<Option<Bytes>> {
        let mut buf = vec![0; PIECE];
        loop {
            match self.file.read(&mut buf) {
                Ok(0) => return Ok(None),
                Ok(n) => {
                    buf.truncate(n);
                    return Ok(Some(Bytes::from(buf)));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory removed when dropped.
    struct Dir(PathBuf);

    impl Dir {
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn tree() -> (Dir, LocalSite) {
        let dir = Dir(std::env::temp_dir().join(format!("hrefs-local-{}", std::process::id())));
        for (name, body) in [
            ("index.html", "home"),
            ("a/index.html", "a"),
            ("b/c.txt", "c"),
            ("about.html", "about"),
            ("with space.html", "space"),
        ] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        let site = LocalSite::new(dir.path(), Url::parse("http://localhost/docs").unwrap());
        (dir, site)
    }

    fn answer(site: &LocalSite, url: &str) -> String {
        match site.answer(&Url::parse(url).unwrap()) {
            Ok(Answer::File { path, content_type }) => format!(
                "{} {content_type}",
                path.strip_prefix(site.root()).unwrap().display()
            ),
            Ok(Answer::Redirect(to)) => format!("301 {to}"),
            Ok(Answer::Status(s)) => s.to_string(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn maps_urls_as_a_static_server_does() {
        let (_dir, site) = tree();
        assert_eq!(site.base().as_str(), "http://localhost/docs/");
        let b = "http://localhost/docs";
        assert_eq!(answer(&site, &format!("{b}/")), "index.html text/html");
        assert_eq!(answer(&site, &format!("{b}/?q=1")), "index.html text/html");
        assert_eq!(answer(&site, &format!("{b}/a/")), "a/index.html text/html");
        assert_eq!(answer(&site, &format!("{b}/a")), format!("301 {b}/a/"));
        assert_eq!(answer(&site, &format!("{b}/b/")), "403");
        assert_eq!(answer(&site, &format!("{b}/b/c.txt")), "b/c.txt text/plain");
        assert_eq!(answer(&site, &format!("{b}/about")), "about.html text/html");
        assert_eq!(
            answer(&site, &format!("{b}/with%20space.html")),
            "with space.html text/html"
        );
        assert_eq!(answer(&site, &format!("{b}/missing.html")), "404");
        assert_eq!(answer(&site, &format!("{b}/%00.html")), "404");
        // An escaped slash makes no dot segment for the URL, but would for the file system.
        assert_eq!(answer(&site, &format!("{b}/..%2Fsecret")), "404");
        assert_eq!(
            answer(&site, "http://localhost/other.html"),
            format!(
                "http://localhost/other.html is outside the directory {} served at http://localhost/docs/: it cannot be checked from disk",
                site.root().display()
            )
        );
        let file = |url: &str| site.file_of(&Url::parse(url).unwrap());
        assert_eq!(
            file(&format!("{b}/a")),
            Some(site.root().join("a/index.html"))
        );
        assert_eq!(
            file(&format!("{b}/about")),
            Some(site.root().join("about.html"))
        );
        assert_eq!(file(&format!("{b}/b/")), None);
        assert!(site.owns(&Url::parse("http://localhost/x").unwrap()));
        assert!(!site.owns(&Url::parse("https://localhost/x").unwrap()));
    }
}
