#!/usr/bin/env bash
# Builds href-counter with profile-guided optimisation (PGO): the release build, compiled a
# second time with the branch and call counts of a training run. On the python-docs crawl of
# bench/crawl.sh it takes about 15% less CPU than the plain release build (bench/README.md).
#
# The training site is NOT the benchmark's: it is Debian's postgresql-doc-15 (1,173 pages made
# by DocBook, where the benchmark crawls Sphinx's python3.11-doc), served by nginx on
# 127.0.0.1. Training runs a crawl in each report format and the one-page mode on files, so
# that none of those paths is compiled as cold code.
#
#   scripts/build-pgo.sh          prints the binary's path: target/pgo/release/href-counter
#
# Needs: rustup's llvm-tools component (added here when rustup is there), nginx and
# postgresql-doc-15 (scripts/setup-test-deps.sh --bench installs them). Variables: PGO_PORT
# (18096), the port the training site is served on.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
die() { echo "build-pgo: $*" >&2; exit 1; }

host=$(rustc -vV | sed -n 's/^host: //p')
profdata=$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata
if [[ ! -x $profdata ]]; then
    command -v rustup >/dev/null ||
        die "llvm-profdata missing: $profdata (install the llvm-tools component of this toolchain)"
    rustup component add llvm-tools >&2
    [[ -x $profdata ]] || die "llvm-profdata still missing after 'rustup component add llvm-tools': $profdata"
fi
scripts/setup-test-deps.sh --bench >&2
site=/usr/share/doc/postgresql-doc-15/html

gen=$root/target/pgo-gen
out=$root/target/pgo
raw=$gen/profraw
# The instrumented build writes its counts under $raw; -Cprofile-generate keeps build scripts
# and proc-macros untouched when --target is explicit.
RUSTFLAGS="-Cprofile-generate=$raw ${RUSTFLAGS:-}" CARGO_TARGET_DIR=$gen \
    cargo build --quiet --release --locked -p href-counter --target "$host" >&2
trainee=$gen/$host/release/href-counter
profile=$gen/merged.profdata

# train: runs the instrumented binary on the training site and merges its counts into $profile.
train() {
    rm -rf "$raw"
    mkdir -p "$raw"
    work=$(mktemp -d -t href-counter-pgo.XXXXXX)
    local port=${PGO_PORT:-18096} format page
    scripts/serve-docs.sh "$site" "$port" "$work/nginx.pid" >/dev/null
    trap 'scripts/stop-docs.sh "$work/nginx.pid" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
    local seed=http://127.0.0.1:$port/index.html
    echo "build-pgo: training on $site" >&2
    for format in json markdown html ndjson csv findings-csv junit; do
        "$trainee" crawl --quiet --no-sitemap --concurrency 16 --per-host 16 --format "$format" \
            -o "$work/report.$format" "$seed"
    done
    "$trainee" crawl --quiet --format markdown --full -o "$work/full.md" "$seed"
    for page in index.html sql-commands.html functions-string.html; do
        url=http://127.0.0.1:$port/$page "$trainee" >/dev/null
        for format in json ndjson csv markdown report; do
            "$trainee" --format "$format" --base "http://127.0.0.1:$port/$page" "$site/$page" >/dev/null
        done
    done
    "$profdata" merge -o "$profile.new" "$raw"
    mv "$profile.new" "$profile"
    scripts/stop-docs.sh "$work/nginx.pid" >/dev/null
    rm -rf "$work"
    trap - EXIT
}
# Training again on an unchanged build would only change the counts a little, and make the
# final build compile everything anew: a profile newer than the instrumented binary is kept.
if [[ ! -f $profile || $trainee -nt $profile ]]; then
    train
fi

RUSTFLAGS="-Cprofile-use=$profile ${RUSTFLAGS:-}" CARGO_TARGET_DIR=$out \
    cargo build --quiet --release --locked -p href-counter --target "$host" >&2
# One stable path whatever the host triple.
mkdir -p "$out/release"
cp "$out/$host/release/href-counter" "$out/release/href-counter"
echo "$out/release/href-counter"
