#!/usr/bin/env bash
# Crawl benchmark: href-counter crawl side by side with spider_cli, lychee and LinkChecker on
# the same site, served by nginx on 127.0.0.1, in one run on one machine.
#
#   bench/crawl.sh                 everything (installs the other tools first: ~15 min once)
#   BENCH_TOOLS="spider" bench/crawl.sh      only some of the other tools
#
# The site is Debian's python3.11-doc (530 pages), copied to bench/out/crawl-site with three
# broken links planted (so that agreeing on broken links means something). Each tool does the
# closest equivalent of "crawl the site and check its internal links", all with the same
# concurrency where the tool lets us set it:
#   href-counter crawl URL --concurrency C --per-host C --no-sitemap --format json
#   spider --url URL --http crawl -o          (crawls; no link checking, no concurrency flag)
#   lychee --max-concurrency C PAGE...         (cannot crawl: given every page URL, checks the
#                                               links on them, other hosts excluded)
#   linkchecker -t C -o csv URL                (crawls and checks; slowest by far: one run)
# Prints wall time (median), pages/s and peak RSS (largest) for each, the ratios to ours, and
# whether the tools agree on the set of pages and on the planted broken links. Ours and spider
# run in turns (ours, spider, ours, ...), and their ratio is also given round by round.
#
# "href-counter" is the build scripts/build-pgo.sh makes (profile-guided, trained on another
# site: postgresql-doc-15); the plain release build runs in the same rounds ("href-counter,
# plain build"), so both figures are printed.
#
# Variables: BENCH_RUNS (3), BENCH_CONCURRENCY (16), BENCH_PORT (18092), BENCH_TOOLS (spider
# lychee linkchecker), SPIDER / LYCHEE / LINKCHECKER (binaries to use instead of installing),
# HREF_COUNTER (default: the PGO build), HREF_COUNTER_PLAIN (default: the release build; set
# it empty to leave the plain build out), BENCH_PGO=0 (no PGO build: href-counter is the
# plain release build).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/bench/out
mkdir -p "$out"
runs=${BENCH_RUNS:-3}
conc=${BENCH_CONCURRENCY:-16}
port=${BENCH_PORT:-18092}
tools=${BENCH_TOOLS:-spider lychee linkchecker}
note() { echo "crawl-bench: $*" >&2; }
has() { [[ " $tools " == *" $1 "* ]]; }

scripts/setup-test-deps.sh --bench >&2
py_docs=/usr/share/doc/python3.11/html

# --- the tools -----------------------------------------------------------------------------
tooldir=$out/tools
if [[ -z ${HREF_COUNTER_PLAIN+set} ]]; then
    cargo build --quiet --release --locked -p href-counter >&2
    HREF_COUNTER_PLAIN=$root/target/release/href-counter
fi
if [[ -z ${HREF_COUNTER:-} ]]; then
    if [[ ${BENCH_PGO:-1} == 0 ]]; then
        HREF_COUNTER=$HREF_COUNTER_PLAIN
        HREF_COUNTER_PLAIN=""
    else
        HREF_COUNTER=$(scripts/build-pgo.sh)
    fi
fi
[[ -n $HREF_COUNTER ]] || { note "no href-counter binary to run"; exit 1; }
if has spider && [[ -z ${SPIDER:-} ]]; then
    [[ -x $tooldir/bin/spider ]] || {
        note "installing spider_cli 2.53.9 (cargo install, several minutes)"
        cargo install --quiet --locked spider_cli --version 2.53.9 --root "$tooldir" >&2
    }
    SPIDER=$tooldir/bin/spider
fi
if has lychee && [[ -z ${LYCHEE:-} ]]; then
    [[ -x $tooldir/bin/lychee ]] || {
        note "installing lychee 0.24.2 (cargo install, several minutes)"
        cargo install --quiet --locked lychee --version 0.24.2 --root "$tooldir" >&2
    }
    LYCHEE=$tooldir/bin/lychee
fi
if has linkchecker && [[ -z ${LINKCHECKER:-} ]]; then
    [[ -x $tooldir/venv/bin/linkchecker ]] || {
        note "installing LinkChecker 10.6.0 (pip, in a venv)"
        python3 -m venv "$tooldir/venv" >&2
        "$tooldir/venv/bin/pip" install --quiet linkchecker==10.6.0 >&2
    }
    LINKCHECKER=$tooldir/venv/bin/linkchecker
fi

# --- the site, with three planted broken links --------------------------------------------
site=$out/crawl-site
rm -rf "$site"
cp -rL "$py_docs" "$site"
planted=(index.html tutorial/index.html library/index.html)
for i in 0 1 2; do
    page=$site/${planted[$i]}
    sed -i "s|</body>|<a href=\"/planted-broken-$i.html\">planted $i</a></body>|" "$page"
done
pidfile=$out/nginx-crawl.pid
"$root/scripts/serve-docs.sh" "$site" "$port" "$pidfile" >/dev/null
trap '"$root/scripts/stop-docs.sh" "$pidfile" >/dev/null 2>&1 || true' EXIT
base=http://127.0.0.1:$port
seed=$base/index.html

# run_once NAME CMD...: one timed run of CMD; its wall time is added to times[NAME], and
# rss[NAME] keeps the largest peak RSS.
declare -A times rss wall
run_once() {
    local name=$1 t m
    shift
    /usr/bin/time -f '%e %M' -o "$out/time.$name" "$@" >"$out/$name.out" 2>"$out/$name.err" || true
    # A failing command adds a "Command exited with non-zero status" line first.
    read -r t m < <(tail -n 1 "$out/time.$name")
    times[$name]+="$t "
    ((m > ${rss[$name]:-0})) && rss[$name]=$m
    return 0
}
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
settle() {
    local name=$1 n
    # shellcheck disable=SC2086
    wall[$name]=$(median ${times[$name]})
    n=$(wc -w <<<"${times[$name]}")
    note "$name: ${wall[$name]} s (median of $n), peak RSS $((rss[$name] / 1024)) MB"
}

ours_cmd=("$HREF_COUNTER" crawl --quiet --no-sitemap --concurrency "$conc" --per-host "$conc"
    --format json "$seed")
spider_cmd=("${SPIDER:-spider}" --url "$seed" --http crawl -o)
# Ours and spider take turns, run by run: this machine is shared, and a busy spell then slows
# both instead of one. The ratio is also taken run by run (the median of spider's time over
# ours in the same round).
# last_ratio A B: B's last time over A's.
last_ratio() {
    local -a a b
    read -r -a a <<<"${times[$1]}"
    read -r -a b <<<"${times[$2]}"
    awk -v a="${a[-1]}" -v b="${b[-1]}" 'BEGIN { if (a > 0) printf "%.2f", b / a }'
}
pair_ratios=() plain_ratios=()
for ((i = 0; i < runs; i++)); do
    run_once ours "${ours_cmd[@]}"
    [[ -z $HREF_COUNTER_PLAIN ]] || run_once plain "$HREF_COUNTER_PLAIN" "${ours_cmd[@]:1}"
    if has spider; then
        run_once spider "${spider_cmd[@]}"
        pair_ratios+=("$(last_ratio ours spider)")
        [[ -z $HREF_COUNTER_PLAIN ]] || plain_ratios+=("$(last_ratio plain spider)")
    fi
done
settle ours
[[ -z $HREF_COUNTER_PLAIN ]] || settle plain
python3 - "$out/ours.out" >"$out/ours.pages" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for v in r["visits"]:
    if v.get("page"):
        print(v["url"])
EOF
ours_pages=$(wc -l <"$out/ours.pages")
ours_broken=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(sorted({f["target"].rsplit("/", 1)[-1].split("#")[0] for f in r["findings"] if f["audit"] == "broken-link"})))' "$out/ours.out")

if has spider; then
    settle spider
    # One JSON object or URL per line, depending on the version: take every http URL.
    grep -o "http://127\.0\.0\.1:$port/[^\"' ,]*" "$out/spider.out" | sed 's/#.*//' | sort -u >"$out/spider.pages" || true
fi
if has lychee; then
    sed 's/$//' "$out/ours.pages" >"$out/lychee.inputs"
    mapfile -t pages <"$out/lychee.inputs"
    for ((i = 0; i < runs; i++)); do
        run_once lychee "$LYCHEE" --no-progress --max-concurrency "$conc" --format json \
            --exclude '.*' --include "^http://127\\.0\\.0\\.1:$port/" "${pages[@]}"
    done
    settle lychee
fi
if has linkchecker; then
    # Other sites are not checked unless --check-extern is given.
    # The slowest by far (minutes): one run.
    run_once linkchecker "$LINKCHECKER" --no-status -t "$conc" -o csv "$seed"
    settle linkchecker
fi

# --- the table ------------------------------------------------------------------------------
echo
echo "Crawl of python3.11-doc ($ours_pages pages parsed by href-counter, 3 planted broken links), concurrency $conc, $(nproc) cores"
echo
printf '| tool | wall (median) | pages/s | peak RSS | href-counter is |\n| --- | ---: | ---: | ---: | --- |\n'
for name in ours plain spider lychee linkchecker; do
    [[ -n ${wall[$name]:-} ]] || continue
    label=$name
    [[ $name == ours ]] && label="href-counter crawl"
    [[ $name == ours && -n $HREF_COUNTER_PLAIN ]] && label="href-counter crawl (PGO build)"
    [[ $name == plain ]] && label="href-counter crawl (plain release build)"
    pps=$(awk -v p="$ours_pages" -v t="${wall[$name]}" 'BEGIN { if (t > 0) printf "%.0f", p / t }')
    ratio=$(awk -v a="${wall[ours]}" -v b="${wall[$name]}" 'BEGIN {
        if (a > 0 && b >= a) printf "%.1fx faster", b / a
        else if (b > 0) printf "%.1fx slower", a / b }')
    [[ $name == ours ]] && ratio=""
    printf '| %s | %s s | %s | %d MB | %s |\n' "$label" "${wall[$name]}" "$pps" "$((rss[$name] / 1024))" "$ratio"
done
if ((${#pair_ratios[@]})); then
    echo
    echo "spider_cli's time over href-counter's, round by round: median $(median "${pair_ratios[@]}")x (${pair_ratios[*]})"
fi
if ((${#plain_ratios[@]})); then
    echo "spider_cli's time over the plain release build's, round by round: median $(median "${plain_ratios[@]}")x (${plain_ratios[*]})"
fi
echo
echo "Agreement:"
echo "  href-counter: $ours_pages pages; broken link targets: $ours_broken"
if [[ -f $out/spider.pages ]] && has spider; then
    spider_html=$(grep -c '\.html$\|/$' "$out/spider.pages" || true)
    missing=$(comm -23 <(grep '\.html$\|/$' "$out/spider.pages" | grep -v planted | sort -u) <(sort -u "$out/ours.pages") | wc -l)
    echo "  spider: $spider_html page URLs; of them not parsed by href-counter: $missing"
fi
if has lychee && [[ -s $out/lychee.out ]]; then
    echo "  lychee broken: $(grep -o 'planted-broken-[0-9]\.html' "$out/lychee.out" | sort -u | tr '\n' ' ')"
fi
if has linkchecker && [[ -s $out/linkchecker.out ]]; then
    echo "  linkchecker broken: $(grep -o 'planted-broken-[0-9]\.html' "$out/linkchecker.out" | sort -u | tr '\n' ' ')"
fi
