#!/usr/bin/env bash
# End-to-end timing of the release href-counter on loopback, beside the original Go tool.
#
#   (a) one big page: every python3.11-doc HTML page concatenated (~50.7 MB), served by a
#       private nginx; `url=http://127.0.0.1:PORT/big.html href-counter` timed with hyperfine,
#       the transfer alone with curl, peak RSS with GNU time;
#   (b) one process per page over all postgresql-doc-15 pages (1169), sequentially, total wall
#       time, median of a few repetitions;
#   (c) extraction only: the big page read from a file (`--base http://127.0.0.1/ big.html`),
#       in MB/s.
#
# GO_HREF_COUNTER=/path/to/go/href-counter adds the Go tool's figures and our/Go ratios;
# without it the table shows the reference figures the issue author measured for Go on this
# machine class. See bench/README.md.
#
# usage: bench/e2e.sh
# environment:
#   HREF_COUNTER      binary to measure (default: build with scripts/build-static.sh)
#   GO_HREF_COUNTER   the original Go tool, to measure side by side (optional)
#   BENCH_PORT        first of the two loopback ports used (default 18090, also uses +1)
#   BENCH_RUNS        hyperfine runs for (a) and (c) (default 10, at least 10 advised)
#   BENCH_REPEATS     repetitions of (b) (default 5; the median is reported)
# Needs nginx, python3.11-doc, postgresql-doc-15, hyperfine, curl and GNU time:
# `scripts/setup-test-deps.sh --bench` installs them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=$root/bench/out
port=${BENCH_PORT:-18090}
runs=${BENCH_RUNS:-10}
repeats=${BENCH_REPEATS:-5}
py_docs=/usr/share/doc/python3.11/html
pg_docs=/usr/share/doc/postgresql-doc-15/html
gnu_time=/usr/bin/time
go_bin=${GO_HREF_COUNTER:-}

die() { echo "e2e: $*" >&2; exit 1; }
note() { echo "e2e: $*" >&2; }

# --- prerequisites ------------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v curl >/dev/null || missing+=(curl)
"$gnu_time" -f %M true >/dev/null 2>&1 || missing+=("GNU time ($gnu_time)")
PATH="$PATH:/usr/sbin:/sbin" command -v nginx >/dev/null || missing+=(nginx)
[[ -f $py_docs/index.html ]] || missing+=("python3.11-doc ($py_docs)")
[[ -f $pg_docs/index.html ]] || missing+=("postgresql-doc-15 ($pg_docs)")
if ((${#missing[@]})); then
    die "missing: ${missing[*]}; run scripts/setup-test-deps.sh --bench"
fi
if [[ -n $go_bin && ! -x $go_bin ]]; then
    die "GO_HREF_COUNTER=$go_bin is not an executable"
fi

if [[ -n ${HREF_COUNTER:-} ]]; then
    bin=$HREF_COUNTER
else
    note "building the release binary as it ships (scripts/build-static.sh)"
    bin=$("$root/scripts/build-static.sh")
fi
[[ -x $bin ]] || die "no binary at $bin"

# --- the corpus and the servers -----------------------------------------------------------
mkdir -p "$out/site"
big=$out/site/big.html
note "generating $big (every python3.11-doc page, concatenated)"
(cd "$py_docs" && find . -name '*.html' -print0 | LC_ALL=C sort -z | xargs -0 cat) >"$big.tmp"
mv "$big.tmp" "$big"
big_bytes=$(stat -c %s "$big")
big_mb=$(awk -v b="$big_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')

big_port=$port pg_port=$((port + 1))
pidfiles=()
stop_servers() {
    for p in "${pidfiles[@]}"; do "$root/scripts/stop-docs.sh" "$p" || true; done
}
trap stop_servers EXIT
pidfiles+=("$("$root/scripts/serve-docs.sh" "$out/site" "$big_port" "$out/nginx-big.pid")")
pidfiles+=("$("$root/scripts/serve-docs.sh" "$pg_docs" "$pg_port" "$out/nginx-pg.pid")")
big_url=http://127.0.0.1:$big_port/big.html

mapfile -t pg_urls < <(cd "$pg_docs" && find . -name '*.html' | LC_ALL=C sort | sed "s|^\./|http://127.0.0.1:$pg_port/|")
pg_pages=${#pg_urls[@]}

# --- helpers ------------------------------------------------------------------------------
# The exact commands, as run (the helpers run in $(...) subshells: record them in a file).
: >"$out/commands.txt"
record() { printf '%s\n' "$*" >>"$out/commands.txt"; }
# hyperfine NAME [VAR=VALUE...] -- COMMAND...: prints "mean stddev min max" in seconds.
hf() {
    local name=$1; shift
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    local cmd=$*
    record "${envs[*]:+${envs[*]} }hyperfine -N --warmup 2 --runs $runs '$cmd'"
    env "${envs[@]}" hyperfine -N --style none --warmup 2 --runs "$runs" \
        --export-csv "$out/$name.csv" "$cmd" >/dev/null
    # command,mean,stddev,median,user,system,min,max
    awk -F, 'NR == 2 { print $2, $3, $7, $8 }' "$out/$name.csv"
}

# peak_rss VAR=VALUE... -- COMMAND...: the largest max-RSS of 3 runs, in MB.
peak_rss() {
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    record "${envs[*]:+${envs[*]} }$gnu_time -f %M $*   (3 runs, the largest)"
    local kb max=0
    for _ in 1 2 3; do
        env "${envs[@]}" "$gnu_time" -f %M -o "$out/rss.txt" "$@" >/dev/null
        kb=$(tail -n 1 "$out/rss.txt")
        ((kb > max)) && max=$kb
    done
    awk -v k="$max" 'BEGIN { printf "%.1f", k / 1024 }'
}

# many_pages BIN [ARGS...]: median wall seconds of $repeats sequential passes over pg_urls.
many_pages() {
    local times=() failed=0 start end
    for ((r = 0; r < repeats; r++)); do
        failed=0
        start=$(date +%s.%N)
        for u in "${pg_urls[@]}"; do
            url=$u "$@" >/dev/null 2>&1 || ((failed++)) || true
        done
        end=$(date +%s.%N)
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
    done
    ((failed == 0)) || note "$1: $failed of $pg_pages pages failed in the last pass"
    printf '%s\n' "${times[@]}" | sort -g | awk '{ t[NR] = $1 } END {
        m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        printf "%.3f %s %s\n", m, t[1], t[NR] }'
}

# The user's way first: `url=... href-counter`. If our default --max-body refuses the page,
# say so and measure with the limit lifted (the Go tool has none).
our_args=()
if ! url=$big_url "$bin" >"$out/big-ours.out" 2>"$out/big-ours.err"; then
    note "url=$big_url $bin failed: $(head -c 300 "$out/big-ours.err")"
    note "measuring with --max-body 0 (no body limit, like the Go tool)"
    our_args=(--max-body 0)
    url=$big_url "$bin" "${our_args[@]}" >"$out/big-ours.out" || die "$bin fails on the big page"
fi

# --- (a) the big page ---------------------------------------------------------------------
note "(a) big page: hyperfine, $runs runs each"
r=$(hf big-ours "url=$big_url" -- "$bin" "${our_args[@]}")
read -r a_ours a_ours_sd a_ours_min a_ours_max <<<"$r"
r=$(hf big-curl -- curl -s -o /dev/null "$big_url")
read -r a_curl a_curl_sd _ _ <<<"$r"
rss_ours=$(peak_rss "url=$big_url" -- "$bin" "${our_args[@]}")
if [[ -n $go_bin ]]; then
    url=$big_url "$go_bin" | tail -n 1 >"$out/big-go.out"
    r=$(hf big-go "url=$big_url" -- "$go_bin")
    read -r a_go a_go_sd a_go_min a_go_max <<<"$r"
    rss_go=$(peak_rss "url=$big_url" -- "$go_bin")
    cmp -s "$out/big-ours.out" "$out/big-go.out" ||
        note "big page: answers differ: ours $(cat "$out/big-ours.out"), Go $(cat "$out/big-go.out")"
fi

# --- (b) one process per page -------------------------------------------------------------
note "(b) $pg_pages postgresql-doc-15 pages, one process each, $repeats passes each"
record "for u in <the $pg_pages page URLs>; do url=\$u $bin >/dev/null; done   ($repeats passes, median)"
r=$(many_pages "$bin")
read -r b_ours b_ours_min b_ours_max <<<"$r"
if [[ -n $go_bin ]]; then
    record "for u in <the $pg_pages page URLs>; do url=\$u $go_bin >/dev/null; done   ($repeats passes, median)"
    r=$(many_pages "$go_bin")
    read -r b_go b_go_min b_go_max <<<"$r"
fi

# --- (c) extraction only ------------------------------------------------------------------
note "(c) extraction only: the big page from a file"
r=$(hf extract-ours -- "$bin" --base http://127.0.0.1/ "$big")
read -r c_ours c_ours_sd _ _ <<<"$r"

# --- the table ----------------------------------------------------------------------------
f3() { awk -v x="$1" 'BEGIN { printf "%.3f", x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ratio_range() { awk -v a="$1" -v lo="$2" -v hi="$3" 'BEGIN { printf "%.2f-%.2f", a / hi, a / lo }'; }
row() { printf '%-46s %-20s %-20s %s\n' "$@"; }

echo
echo "href-counter end-to-end on loopback ($(nproc) cores; $(uname -m))"
echo "ours: $bin${our_args[*]:+ (with ${our_args[*]})}"
if [[ -n $go_bin ]]; then
    echo "Go:   $go_bin (measured here)"
    gocol="Go (measured)"
else
    echo "Go:   not given (GO_HREF_COUNTER); reference figures of the issue author, same machine class"
    gocol="Go (reference)"
fi
echo
row "measure" "ours" "$gocol" "ours/Go"
row "-------" "----" "---" "-------"
if [[ -n $go_bin ]]; then
    row "(a) big page ${big_mb} MB, wall (mean +- sd)" "$(f3 "$a_ours") +- $(f3 "$a_ours_sd") s" \
        "$(f3 "$a_go") +- $(f3 "$a_go_sd") s" "$(ratio "$a_ours" "$a_go")"
    row "    min .. max" "$(f3 "$a_ours_min") .. $(f3 "$a_ours_max") s" "$(f3 "$a_go_min") .. $(f3 "$a_go_max") s" ""
    row "    transfer alone (curl, mean)" "$(f3 "$a_curl") +- $(f3 "$a_curl_sd") s" "" ""
    row "    peak RSS" "$rss_ours MB" "$rss_go MB" "$(ratio "$rss_ours" "$rss_go")"
    row "(b) $pg_pages pages, 1 process each (median)" "$(f3 "$b_ours") s" "$(f3 "$b_go") s" "$(ratio "$b_ours" "$b_go")"
    row "    min .. max of $repeats passes" "$(f3 "$b_ours_min") .. $(f3 "$b_ours_max") s" "$(f3 "$b_go_min") .. $(f3 "$b_go_max") s" ""
    row "    per page" "$(awk -v t="$b_ours" -v n="$pg_pages" 'BEGIN { printf "%.2f ms", 1000 * t / n }')" \
        "$(awk -v t="$b_go" -v n="$pg_pages" 'BEGIN { printf "%.2f ms", 1000 * t / n }')" ""
else
    row "(a) big page ${big_mb} MB, wall (mean +- sd)" "$(f3 "$a_ours") +- $(f3 "$a_ours_sd") s" "1.0-1.25 s" \
        "$(ratio_range "$a_ours" 1.0 1.25)"
    row "    min .. max" "$(f3 "$a_ours_min") .. $(f3 "$a_ours_max") s" "" ""
    row "    transfer alone (curl, mean)" "$(f3 "$a_curl") +- $(f3 "$a_curl_sd") s" "" ""
    row "    peak RSS" "$rss_ours MB" "~11 MB" "$(ratio "$rss_ours" 11)"
    row "(b) $pg_pages pages, 1 process each (median)" "$(f3 "$b_ours") s" "6.4-7.2 s" \
        "$(ratio_range "$b_ours" 6.4 7.2)"
    row "    min .. max of $repeats passes" "$(f3 "$b_ours_min") .. $(f3 "$b_ours_max") s" "" ""
    row "    per page" "$(awk -v t="$b_ours" -v n="$pg_pages" 'BEGIN { printf "%.2f ms", 1000 * t / n }')" "" ""
fi
row "(c) extraction only, big page from a file" \
    "$(awk -v b="$big_bytes" -v t="$c_ours" 'BEGIN { printf "%.0f MB/s", b / 1e6 / t }')" "n/a (URL only)" ""
row "    wall (mean +- sd)" "$(f3 "$c_ours") +- $(f3 "$c_ours_sd") s" "" ""
echo
echo "answers on the big page: ours $(cat "$out/big-ours.out")${go_bin:+, Go $(cat "$out/big-go.out")}"
echo
echo "commands:"
sed 's/^/  /' "$out/commands.txt"
