//! SARIF 2.1.0, the format code-scanning services read (GitHub's among them): one rule per
//! audit with its title and fix, one result per finding at its page (the file, when the site
//! was crawled from disk) with line and column, and the crawl's notices as tool notifications.
//!
//! Columns are the report's byte columns: SARIF counts characters, which is the same on
//! ASCII lines. Each result carries a fingerprint of its audit, page and target (what
//! `--baseline` matches on), so a service can follow it across runs as lines move.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::escape::json_pretty_into;
use super::files::Files;
use crate::audit::{Audit, Finding, Severity};
use crate::sink::CrawlSink;
use crate::site_report::SiteReport;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/href-counter/href-counter";

pub(super) struct CrawlSarif<W> {
    w: W,
}

impl<W: Write> CrawlSarif<W> {
    pub(super) fn new(w: W) -> Self {
        CrawlSarif { w }
    }
}

impl<W: Write> CrawlSink for CrawlSarif<W> {
    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        json_pretty_into(&mut self.w, &sarif(report))?;
        self.w.write_all(b"\n")?;
        self.w.flush()
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Notice => "note",
    }
}

fn rule(audit: Audit) -> Value {
    json!({
        "id": audit.id(),
        "name": audit.title(),
        "shortDescription": {"text": audit.title()},
        "fullDescription": {"text": format!("{}. {}", audit.title(), audit.fix())},
        "help": {"text": audit.fix()},
        "defaultConfiguration": {"level": level(audit.severity())},
    })
}

/// A stable 64-bit FNV-1a hash, in hex: the same finding gets the same print on any machine
/// and in any version.
fn fingerprint(f: &Finding) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        f.audit.id(),
        &*f.page,
        f.target.as_deref().unwrap_or_default(),
    ] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn result(f: &Finding, files: &Files) -> Value {
    let rule_index = Audit::ALL.iter().position(|a| *a == f.audit).unwrap_or(0);
    let text = match &f.target {
        Some(target) => format!("{}: {target}", f.detail),
        None => f.detail.to_string(),
    };
    let mut location = json!({"artifactLocation": {"uri": files.uri(&f.page)}});
    if let Some(line) = f.line {
        location["region"] = json!({"startLine": line});
        if let Some(column) = f.column {
            location["region"]["startColumn"] = json!(column);
        }
    }
    json!({
        "ruleId": f.audit.id(),
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"hrefCounterFinding/v1": fingerprint(f)},
    })
}

fn sarif(report: &SiteReport) -> Value {
    let files = Files::of(report);
    let complete = report.summary.ending.is_complete();
    let notices: Vec<Value> = report
        .notices()
        .iter()
        .enumerate()
        .map(|(i, notice)| {
            let level = if i == 0 && !complete {
                "error"
            } else {
                "warning"
            };
            json!({"level": level, "message": {"text": notice}})
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "href-counter",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": Audit::ALL.into_iter().map(rule).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": complete,
                "toolExecutionNotifications": notices,
            }],
            "columnKind": "unicodeCodePoints",
            "results": report.findings.iter().map(|f| result(f, &files)).collect::<Vec<_>>(),
        }],
    })
}
