//! The configuration file, `href-counter.toml`: found in the working directory or given with
//! `crawl --config FILE`, read for the crawl only.
//!
//! Each top-level key is a crawl option's long name (`max-depth = 3`, `fail-on = "error"`,
//! `exclude = ["*/drafts/*"]`, `check-external = true`), so every option has a key with no
//! second list to keep in step: the keys become arguments placed before the command line's,
//! which override them (lists add up). `[[ignore]]` tables are the gate's ignore rules, each
//! with a required `reason`; `[[header]]` tables are headers for the hosts a pattern matches,
//! `[[accept-from]]` tables statuses taken for a block from them.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::CommandFactory;
use hrefs::audit::Audit;
use hrefs::crawl::StatusRule;
use hrefs::fetch::HostHeader;
use hrefs::gate::IgnoreRule;
use serde_json::Value;

use crate::cli::Cli;

/// The file looked for in the working directory.
pub(crate) const FILE_NAME: &str = "href-counter.toml";

/// What the file holds.
#[derive(Debug, Default)]
pub(crate) struct ConfigFile {
    /// Its options, as crawl arguments (`--max-depth=3`).
    pub(crate) args: Vec<OsString>,
    /// Its ignore rules.
    pub(crate) ignore: Vec<IgnoreRule>,
    /// Its `[[header]]` tables: headers for the hosts a pattern matches.
    pub(crate) headers: Vec<HostHeader>,
    /// The top-level keys it sets.
    pub(crate) keys: Vec<String>,
    /// Its `[[accept-from]]` tables: statuses taken for a block from the hosts a pattern
    /// matches.
    pub(crate) accept: Vec<StatusRule>,
}

/// The command line with the configuration file's options placed right after `crawl`, and
/// the file's ignore rules. Anything but a crawl is left alone.
pub(crate) fn apply(argv: Vec<OsString>) -> anyhow::Result<(Vec<OsString>, ConfigFile)> {
    let Some(at) = argv
        .iter()
        .skip(1)
        .position(|a| a == "crawl")
        .map(|i| i + 1)
    else {
        return Ok((argv, ConfigFile::default()));
    };
    // Help is read when something is wrong: a broken file must not hide it.
    if argv[at + 1..].iter().any(|a| a == "--help" || a == "-h") {
        return Ok((argv, ConfigFile::default()));
    }
    let given = config_arg(&argv[at + 1..])?;
    let path = match given {
        Some(path) => path,
        None if Path::new(FILE_NAME).is_file() => PathBuf::from(FILE_NAME),
        None => return Ok((argv, ConfigFile::default())),
    };
    let file = read(&path)?;
    let mut argv = argv;
    argv.splice(at + 1..at + 1, file.args.iter().cloned());
    Ok((argv, file))
}

/// The value of `--config FILE` (or `--config=FILE`) among a crawl's arguments.
fn config_arg(args: &[OsString]) -> anyhow::Result<Option<PathBuf>> {
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            let path = args.next().context("--config needs a file")?;
            return Ok(Some(PathBuf::from(path)));
        }
        if let Some(path) = arg.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return Ok(Some(PathBuf::from(path)));
        }
    }
    Ok(None)
}

/// Reads and checks the file.
fn read(path: &Path) -> anyhow::Result<ConfigFile> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file '{name}'"))?;
    let table: Value = basic_toml::from_str(&text)
        .with_context(|| format!("the configuration file '{name}' is not valid TOML"))?;
    let Value::Object(table) = table else {
        bail!("the configuration file '{name}' is not a table of keys");
    };
    let command = Cli::command();
    let crawl = command
        .find_subcommand("crawl")
        .context("the crawl command is missing")?;
    let mut file = ConfigFile::default();
    for (key, value) in &table {
        let at = || format!("{name}: {key}");
        if key == "ignore" {
            file.ignore = tables(value, ignore_rule).with_context(at)?;
            continue;
        }
        // `accept = [403, 429]` is the option, for every host; `[[accept-from]]` tables name
        // hosts (TOML has no key that is both).
        if key == "accept-from" {
            file.accept = tables(value, accept_rule).with_context(at)?;
            continue;
        }
        if key == "header" {
            file.headers = tables(value, header).with_context(at)?;
            continue;
        }
        let Some(arg) = crawl
            .get_arguments()
            .find(|a| a.get_long() == Some(key.as_str()) && key != "config")
        else {
            bail!(
                "{}: no such key (the keys are the crawl's long options, as in `max-depth = 3`, \
                 and [[ignore]], [[header]] and [[accept-from]] tables; see href-counter crawl --help)",
                at()
            );
        };
        file.keys.push(key.clone());
        let takes_value = arg.get_action().takes_values();
        let values = match value {
            Value::Array(items) if takes_value => items.iter().collect(),
            value => vec![value],
        };
        for value in values {
            let flag = format!("--{key}");
            match (value, takes_value) {
                (Value::Bool(true), false) => file.args.push(flag.into()),
                (Value::Bool(false), false) => {}
                (Value::String(s), true) => file.args.push(format!("{flag}={s}").into()),
                (Value::Number(n), true) => file.args.push(format!("{flag}={n}").into()),
                (other, false) => bail!("{}: expected true or false, got {other}", at()),
                (other, true) => bail!("{}: expected a string or a number, got {other}", at()),
            }
        }
    }
    Ok(file)
}

/// Each of an array of tables (`[[ignore]]`), read by `read`.
fn tables<T>(value: &Value, read: fn(&Value) -> anyhow::Result<T>) -> anyhow::Result<Vec<T>> {
    let Value::Array(items) = value else {
        bail!("expected an array of tables ([[...]])");
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| read(item).with_context(|| format!("table {}", i + 1)))
        .collect()
}

/// An `[[accept-from]]` table: `hosts` (a `*` pattern) and `statuses`.
fn accept_rule(table: &Value) -> anyhow::Result<StatusRule> {
    let Value::Object(keys) = table else {
        bail!("expected a table with hosts and statuses");
    };
    if let Some(unknown) = keys
        .keys()
        .find(|k| !["hosts", "statuses"].contains(&k.as_str()))
    {
        bail!("no such key '{unknown}' (an accept rule has hosts and statuses)");
    }
    let Some(Value::String(hosts)) = keys.get("hosts") else {
        bail!("hosts: expected a string (a * pattern: \"*.linkedin.com\")");
    };
    let statuses = match keys.get("statuses") {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|v| {
                v.as_u64()
                    .filter(|n| (100..=999).contains(n))
                    .map(|n| n as u16)
                    .with_context(|| format!("statuses: {v} is not an http status"))
            })
            .collect::<anyhow::Result<Vec<u16>>>()?,
        _ => bail!("statuses: expected a list of http statuses ([403, 429])"),
    };
    Ok(StatusRule {
        hosts: Some(hosts.clone()),
        statuses,
    })
}

/// A `[[header]]` table: `hosts` (a `*` pattern), `name`, `value`.
fn header(table: &Value) -> anyhow::Result<HostHeader> {
    let Value::Object(keys) = table else {
        bail!("expected a table with hosts, name and value");
    };
    if let Some(unknown) = keys
        .keys()
        .find(|k| !["hosts", "name", "value"].contains(&k.as_str()))
    {
        bail!("no such key '{unknown}' (a header has hosts, name and value)");
    }
    let text = |key: &str| match keys.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(anyhow::anyhow!("{key}: expected a string")),
    };
    Ok(HostHeader {
        hosts: text("hosts")?,
        name: text("name")?,
        value: text("value")?,
    })
}

fn ignore_rule(rule: &Value) -> anyhow::Result<IgnoreRule> {
    let Value::Object(keys) = rule else {
        bail!("expected a table with audit, target, page and reason");
    };
    let text = |key: &str| -> anyhow::Result<Option<String>> {
        match keys.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
            Some(other) => bail!("{key}: expected a non-empty string, got {other}"),
        }
    };
    if let Some(unknown) = keys
        .keys()
        .find(|k| !["audit", "target", "page", "reason"].contains(&k.as_str()))
    {
        bail!("no such key '{unknown}' (an ignore rule has audit, target, page and reason)");
    }
    let audit = match text("audit")? {
        None => None,
        Some(id) => Some(
            Audit::ALL
                .into_iter()
                .find(|a| a.id() == id)
                .with_context(|| format!("audit: no audit named '{id}'"))?,
        ),
    };
    let (target, page) = (text("target")?, text("page")?);
    if audit.is_none() && target.is_none() && page.is_none() {
        bail!("it would ignore everything: give an audit, a target or a page");
    }
    let reason = text("reason")?
        .context("reason: missing (say why the problem is accepted, for the next reader)")?;
    Ok(IgnoreRule {
        audit,
        target,
        page,
        reason,
    })
}
