//! What the tests need from the machine, as the suite's own script sees it:
//! `scripts/setup-test-deps.sh --check` lists each missing piece and exits non-zero. Run as a
//! test of its own so that a machine without them fails at once with the script's hints, and
//! used by every test that needs those pieces so that there is one list, the script's.
//!
//! Today the pieces are the corpus test's (nginx, python3.11-doc), so
//! `HREF_COUNTER_SKIP_CORPUS=1` turns their absence into a skip here too.

use std::path::Path;
use std::process::{Command, Stdio};

/// Set to `1` to skip, rather than fail, the tests whose prerequisites are missing.
const SKIP_VAR: &str = "HREF_COUNTER_SKIP_CORPUS";

/// `scripts/setup-test-deps.sh --check`: `Err` holds why it failed, its output included.
fn check() -> Result<(), String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/setup-test-deps.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg("--check")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run bash {}: {e}", script.display()))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "scripts/setup-test-deps.sh --check failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

/// Whether `test` may run: true when everything is there; false, after saying why, when
/// something is missing and the skip is asked for. Otherwise fails the test.
pub(crate) fn ready(test: &str) -> bool {
    let Err(why) = check() else {
        return true;
    };
    let why = why.trim_end();
    if std::env::var(SKIP_VAR).as_deref() == Ok("1") {
        eprintln!("skipped {test} ({SKIP_VAR}=1): {why}");
        return false;
    }
    panic!(
        "{why}\nNeeded by {test}: install the test dependencies with \
         `scripts/setup-test-deps.sh`, or set {SKIP_VAR}=1 to skip the tests that need them."
    );
}

#[test]
fn the_machine_has_what_the_tests_need() {
    ready("the prerequisites test");
}
