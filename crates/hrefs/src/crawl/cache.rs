//! The cache of external checks across runs (`--cache FILE`): a link to another site that
//! answered 2xx, without a redirect, is not checked again until the entry is older than the
//! cache's maximum age. Only successes are kept: a failure is always checked again, so a
//! fixed link is seen fixed and a broken one is never hidden by an old answer.
//!
//! The file is text, one entry a line, sorted: `CHECKED_AT<TAB>STATUS<TAB>URL`, the time in
//! Unix seconds. It is written whole to a temporary file beside it and renamed over it, so a
//! reader never sees half a file and two runs at once cannot interleave their lines: the
//! last one to finish wins, and loses nothing but the other's new entries.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use super::model::{Role, Visit};
use crate::url::Site;

/// The checks known to have succeeded, by URL.
#[derive(Debug, Default, Clone)]
pub struct Cache {
    /// URL -> (checked at, status).
    entries: BTreeMap<String, (u64, u16)>,
    max_age: Duration,
    now: u64,
}

/// Why the cache file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// It could not be read or written.
    #[error("cannot {action} the cache '{}': {cause}", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The system's reason.
        cause: std::io::Error,
    },
    /// A line is not an entry.
    #[error("the cache '{}' is not an href-counter cache (line {line}: expected CHECKED_AT<TAB>STATUS<TAB>URL); delete it to start a new one", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
    },
}

impl Cache {
    /// Reads the cache at `path` (none yet: an empty cache); entries older than `max_age` at
    /// `now` (Unix seconds) are dropped.
    pub fn load(path: &Path, max_age: Duration, now: u64) -> Result<Cache, CacheError> {
        let mut cache = Cache {
            entries: BTreeMap::new(),
            max_age,
            now,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(cache),
            Err(cause) => {
                return Err(CacheError::Io {
                    action: "read",
                    path: path.to_path_buf(),
                    cause,
                })
            }
        };
        for (i, line) in text.lines().enumerate() {
            let bad = || CacheError::Format {
                path: path.to_path_buf(),
                line: i + 1,
            };
            let mut fields = line.splitn(3, '\t');
            let (Some(at), Some(status), Some(url)) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(bad());
            };
            let at: u64 = at.parse().map_err(|_| bad())?;
            let status: u16 = status.parse().map_err(|_| bad())?;
            if cache.fresh(at) {
                cache.entries.insert(url.to_string(), (at, status));
            }
        }
        Ok(cache)
    }

    fn fresh(&self, at: u64) -> bool {
        // Strictly younger: an age of 0 uses nothing from the cache.
        self.now.saturating_sub(at) < self.max_age.as_secs()
    }

    /// The status a fresh entry holds for `url`.
    pub fn get(&self, url: &str) -> Option<u16> {
        self.entries
            .get(url)
            .filter(|(at, _)| self.fresh(*at))
            .map(|&(_, status)| status)
    }

    /// How many fresh entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes in a crawl's checks of URLs off `site`: each success (2xx, no redirect, not
    /// itself from the cache) checked now; each failure removed, so that it is checked next
    /// time too.
    pub fn record(&mut self, visits: &[Visit], site: &Site) {
        let external = |v: &Visit| Url::parse(&v.url).is_ok_and(|u| !site.contains(&u));
        for v in visits
            .iter()
            .filter(|v| v.role == Role::Check && external(v))
        {
            let success = v.error.is_none()
                && v.blocked.is_none()
                && v.redirects.is_empty()
                && v.status.is_some_and(|s| (200..300).contains(&s));
            match (success, v.status) {
                (true, Some(status)) if !v.cached => {
                    self.entries.insert(v.url.clone(), (self.now, status));
                }
                (true, _) => {}
                (false, _) => {
                    self.entries.remove(&v.url);
                }
            }
        }
    }

    /// Writes the cache to `path`: whole, to a temporary file beside it, then renamed.
    pub fn save(&self, path: &Path) -> Result<(), CacheError> {
        let io = |cause| CacheError::Io {
            action: "write",
            path: path.to_path_buf(),
            cause,
        };
        let mut text = String::new();
        for (url, (at, status)) in &self.entries {
            text.push_str(&format!("{at}\t{status}\t{url}\n"));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let written = std::fs::File::create(&temp)
            .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
            .and_then(|()| std::fs::rename(&temp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written.map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fresh_entries_are_read_and_bad_lines_refused() {
        let dir = std::env::temp_dir().join(format!("hrefs-cache-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cache.tsv");
        std::fs::write(
            &path,
            "1000\t200\thttps://a.example/\n10\t200\thttps://old.example/\n",
        )
        .unwrap();
        let cache = Cache::load(&path, Duration::from_secs(100), 1050).unwrap();
        assert_eq!(cache.get("https://a.example/"), Some(200));
        assert_eq!(cache.get("https://old.example/"), None);
        assert_eq!(cache.len(), 1);
        cache.save(&path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "1000\t200\thttps://a.example/\n"
        );
        std::fs::write(&path, "not a cache\n").unwrap();
        let err = Cache::load(&path, Duration::from_secs(100), 1050).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        let missing = Cache::load(&dir.join("none"), Duration::ZERO, 0).unwrap();
        assert!(missing.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
