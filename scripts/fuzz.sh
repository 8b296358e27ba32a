#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (cargo-fuzz, libFuzzer, nightly) for SECONDS each (default
# 60), one after the other, and prints per target the runs, seconds and crashes. Exits 1 if
# any target crashed; the inputs are then in fuzz/artifacts/TARGET/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: extract gourl robots sitemap charset
#
# Installs the nightly toolchain (minimal profile) and cargo-fuzz when missing. Each corpus,
# fuzz/corpus/TARGET (gitignored, kept between runs), is seeded from the repository's tests:
# the string literals of the module's unit tests, the oracle's URLs, and the python3.11-doc
# pages when installed (scripts/setup-test-deps.sh).
#
# Built without a sanitizer: the library has no unsafe code (the workspace denies it), so
# AddressSanitizer would only slow every run down. Debug assertions and overflow checks are
# on. One input running past 10 s counts as a crash: matching and parsing must stay fast
# whatever the input.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2; }
shift $(($# > 0 ? 1 : 0))
targets=("$@")
((${#targets[@]})) || targets=(extract gourl robots sitemap charset)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

# Seeds: one file per string literal of the given sources' tests, each prefixed by $2 (the
# bytes some targets read first), plus the files given after them.
seed() {
    local target=$1 prefix=$2
    shift 2
    mkdir -p "fuzz/corpus/$target"
    python3 - "fuzz/corpus/$target" "$prefix" "$@" <<'EOF'
import hashlib, os, re, sys
out, prefix, paths = sys.argv[1], sys.argv[2].encode("latin-1"), sys.argv[3:]
LITERAL = re.compile(r'(b?)r(#*)"(.*?)"\2|(b?)"((?:[^"\\]|\\.)*)"', re.S)
ESCAPE = re.compile(r'\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|\n\s*|.)', re.S)

def unescape(text):
    def one(m):
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0] == "u":
            return chr(int(e[2:-1], 16))
        if e[0] == "\n":
            return ""
        return {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}.get(e, e)
    return ESCAPE.sub(one, text)

def save(data):
    data = prefix + data
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

for path in paths:
    if not os.path.isfile(path):
        continue
    text = open(path, encoding="utf-8", errors="replace").read()
    if path.endswith(".rs"):
        tests = text.split("#[cfg(test)]", 1)[-1]
        for m in LITERAL.finditer(tests):
            if m.group(3) is not None:
                data = m.group(3).encode("utf-8")
            else:
                s = unescape(m.group(5))
                # b"\xFF" is one byte; "\u{e9}" is its UTF-8.
                data = s.encode("latin-1", "ignore") if m.group(4) else s.encode("utf-8")
            if len(data) >= 4:
                save(data)
    elif path.endswith(".tsv"):
        for line in text.splitlines():
            save(line.split("\t")[0].encode())
    else:
        save(open(path, "rb").read())
EOF
}

docs=()
if [[ -d /usr/share/doc/python3.11/html ]]; then
    # The 40 smallest pages: whole documents, still quick to run.
    mapfile -t docs < <(find /usr/share/doc/python3.11/html -name '*.html' -printf '%s %p\n' |
        sort -n | head -40 | cut -d' ' -f2-)
fi
src=crates/hrefs/src
for target in "${targets[@]}"; do
    case $target in
        # The first four bytes choose where the page is cut.
        extract) seed extract $'\x10\x00\x40\x00' "$src"/extract/*.rs "$src/compat.rs" "${docs[@]}" ;;
        gourl) seed gourl "" "$src/url/gourl.rs" "$src/compat.rs" \
            crates/href-counter/tests/fixtures/oracle/python3.11-doc.tsv ;;
        # Mode 0: the rest is a robots.txt file.
        robots) seed robots $'\x00' "$src"/robots/*.rs ;;
        sitemap) seed sitemap "" "$src/sitemap.rs" ;;
        charset) seed charset "" "$src/charset.rs" ;;
        *) echo "$0: unknown target '$target'" >&2; exit 2 ;;
    esac
done

cd fuzz
failed=0
summary=()
for target in "${targets[@]}"; do
    mkdir -p "artifacts/$target"
    before=$(find "artifacts/$target" -type f | wc -l)
    log=$(mktemp)
    status=0
    cargo +nightly fuzz run --sanitizer none --debug-assertions "$target" -- \
        -max_total_time="$seconds" -timeout=10 -max_len=65536 -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    crashes=$(($(find "artifacts/$target" -type f | wc -l) - before))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    if ((status != 0)); then
        ((crashes > 0)) || tail -30 "$log" >&2
        failed=1
    fi
    summary+=("$(printf '%-8s runs %10s  seconds %4s  crashes %s' "$target" "${runs:-?}" \
        "${took:-$seconds}" "$crashes")")
    rm -f "$log"
done
printf '%s\n' "${summary[@]}"
exit "$failed"
