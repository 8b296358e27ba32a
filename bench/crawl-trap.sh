#!/usr/bin/env bash
# Crawler-trap benchmark: `href-counter crawl` against an endless site, bench/trap_site.py (a
# Python server on 127.0.0.1 made of the traps real sites have: a chain of pages without end,
# pagination and sort orders, a calendar, a soft-404 directory). Such a crawl ends only because
# the crawler's limits end it; the script shows whether it does, how far it got, what it cost,
# and what the crawler said on stderr about the limits that tripped.
#
#   bench/crawl-trap.sh                                   one crawl with the default settings
#   bench/crawl-trap.sh --max-pages 0 --max-memory 300    and a second one with these flags
#   BENCH_DEFAULT=0 bench/crawl-trap.sh --max-pages 2000  only the crawl with the flags
#
# Then, unless BENCH_PAGES=0, what one page costs while it is read: crawls of single pages of
# the same server (--no-sitemap, their links lead to other sites, so nothing else is fetched):
# a page of no link, one of 100,000 links all different, one of 100,000 links to the same 100
# pages, and a page linking to 4 pages that never end (they stream links until the body cap,
# --max-body, or the time limit, --timeout, ends each; --max-links-per-page keeps the first
# 100,000 of each). Each prints its peak RSS, and bytes per kept link above the empty page:
#   href-counter crawl --quiet --no-sitemap --format csv -o bench/out/page-NAME.csv URL
#
# Each crawl, timed by GNU time (`/usr/bin/time -f '%e %M'`):
#   timeout --foreground -s INT -k 30 BENCH_TIMEOUT \
#       href-counter crawl --quiet --format ndjson -o bench/out/crawl-trap-N.ndjson [FLAGS] URL
# Past BENCH_TIMEOUT the crawl gets SIGINT, as from Ctrl-C (it writes what it did and exits),
# and SIGKILL 30 s later if it is still running; it is then reported as "did not end within
# N s". Pages crawled and URLs checked are counted from the NDJSON visits, so they are known
# for a crawl cut short too; wall time and peak RSS come from GNU time.
#
# Environment:
#   HREF_COUNTER    binary to run (default: build with scripts/build-static.sh, as shipped)
#   BENCH_TIMEOUT   wall-time limit of each crawl in seconds (default 300)
#   BENCH_PORT      port of the site on 127.0.0.1 (default: any free one)
#   BENCH_DEFAULT=0 skip the crawl with the default settings (FLAGS are then required)
#   BENCH_PAGES=0   skip the single pages
#   KEEP=1          keep the NDJSON reports (bench/out/crawl-trap-*.ndjson)
# Needs python3 (3.7 or later), GNU time and timeout; installs python3 and time with apt-get
# when missing (as root or with passwordless sudo).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=$root/bench/out
limit=${BENCH_TIMEOUT:-300}
port=${BENCH_PORT:-0}
default_run=${BENCH_DEFAULT:-1}
page_runs=${BENCH_PAGES:-1}
keep=${KEEP:-0}
gnu_time=/usr/bin/time
flags=("$@")

die() { echo "crawl-trap: $*" >&2; exit 1; }
note() { echo "crawl-trap: $*" >&2; }

[[ $limit =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT must be a whole number of seconds (got $limit)"
[[ $port =~ ^[0-9]+$ ]] || die "BENCH_PORT must be a port number (got $port)"
if [[ $default_run == 0 && $page_runs == 0 ]] && ((${#flags[@]} == 0)); then
    die "BENCH_DEFAULT=0 leaves nothing to run: give the flags of a crawl"
fi

# --- prerequisites ------------------------------------------------------------------------
# missing_packages: the Debian packages of what is not there, one a line.
missing_packages() {
    command -v python3 >/dev/null || echo python3
    "$gnu_time" -f %M true >/dev/null 2>&1 || echo time
    command -v timeout >/dev/null || echo coreutils
}
mapfile -t missing < <(missing_packages)
if ((${#missing[@]})); then
    sudo=()
    ((EUID == 0)) || sudo=(sudo -n)
    if command -v apt-get >/dev/null && { ((EUID == 0)) || command -v sudo >/dev/null; }; then
        note "installing ${missing[*]} with apt-get"
        log=$(mktemp -t crawl-trap-apt.XXXXXX)
        if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -q -y install \
            --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
            # The package lists may be missing (a fresh container) or stale: refresh, retry.
            DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -q -y update >>"$log" 2>&1 || true
            DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -q -y install \
                --no-install-recommends "${missing[@]}" >>"$log" 2>&1 || true
        fi
        rm -f "$log"
        mapfile -t missing < <(missing_packages)
    fi
    ((${#missing[@]} == 0)) ||
        die "missing: ${missing[*]} (Debian packages: apt-get install ${missing[*]})"
fi
python3 -c 'from http.server import ThreadingHTTPServer' 2>/dev/null ||
    die "python3 is older than 3.7 (no http.server.ThreadingHTTPServer): $(python3 --version 2>&1)"

if [[ -n ${HREF_COUNTER:-} ]]; then
    bin=$HREF_COUNTER
else
    note "building the release binary as it ships (scripts/build-static.sh)"
    bin=$("$root/scripts/build-static.sh")
fi
[[ -x $bin ]] || die "no binary at $bin"
mkdir -p "$out"

# --- the site -----------------------------------------------------------------------------
site_pid=
stop_site() {
    if [[ -n $site_pid ]]; then
        kill "$site_pid" 2>/dev/null || true
        wait "$site_pid" 2>/dev/null || true
    fi
}
trap stop_site EXIT
rm -f "$out/trap-site.url"
python3 "$root/bench/trap_site.py" --port "$port" >"$out/trap-site.url" 2>"$out/trap-site.err" &
site_pid=$!
# The server prints its URL once it listens.
for ((i = 0; i < 100; i++)); do
    [[ -s $out/trap-site.url ]] && break
    kill -0 "$site_pid" 2>/dev/null ||
        die "the site did not start: $(head -c 500 "$out/trap-site.err")"
    sleep 0.1
done
read -r seed <"$out/trap-site.url" || die "the site did not start within 10 s"

# --- the crawls ---------------------------------------------------------------------------
: >"$out/crawl-trap.commands"
names=() labels=()
declare -A ended pages checked wall rss
# crawl NAME LABEL [FLAG...]: one timed crawl of the site.
crawl() {
    local name=$1 label=$2 rc=0 t m summary
    shift 2
    local report=$out/crawl-trap-$name.ndjson
    local cmd=("$bin" crawl --quiet --format ndjson -o "$report" "$@" "$seed")
    local bounded=(timeout --foreground -s INT -k 30 "$limit" "${cmd[@]}")
    printf "%s -f '%%e %%M' %s\n" "$gnu_time" "${bounded[*]}" >>"$out/crawl-trap.commands"
    note "crawl with $label (at most $limit s)"
    rm -f "$report"
    "$gnu_time" -f '%e %M' -o "$out/time.crawl-trap-$name" "${bounded[@]}" \
        2>"$out/crawl-trap-$name.err" || rc=$?
    # 130: the crawl itself got the SIGINT, from Ctrl-C (the time limit's makes timeout 124).
    ((rc != 130)) || die "interrupted"
    # A failing command adds a "Command exited with non-zero status" line first.
    read -r t m < <(tail -n 1 "$out/time.crawl-trap-$name")
    [[ -f $report ]] || : >"$report"
    names+=("$name") labels+=("$label")
    wall[$name]=$t rss[$name]=$m
    # One line per URL visited, a page's with its summary under "page"; the report's summary
    # is the last line, written only when the crawl ended or was interrupted.
    pages[$name]=$(grep -c '^{"visit":{.*"page":{' "$report" || true)
    checked[$name]=$(($(grep -c '^{"visit":' "$report" || true) - pages[$name]))
    summary=$(tail -n 1 "$report" | python3 -c '
import json, sys
try:
    s = json.loads(sys.stdin.read())["summary"]
except (ValueError, KeyError, TypeError):
    sys.exit()
print(s["ending"])
for c in s.get("cuts", []):
    print("%s %s: %s URLs (first: %s)" % (c["limit"], c["setting"], c["urls"], c["example"]))
')
    if [[ $rc == 124 ]]; then
        ended[$name]="did not end within $limit s (stopped by SIGINT)"
    elif [[ $rc == 137 ]]; then
        ended[$name]="did not end within $limit s (killed: SIGINT did not stop it)"
    elif [[ -n $summary ]]; then
        ended[$name]="${summary%%$'\n'*}, exit $rc"
    else
        ended[$name]="exit $rc, no report: $(head -n 1 "$out/crawl-trap-$name.err")"
    fi
    if [[ $summary == *$'\n'* ]]; then
        printf '%s\n' "${summary#*$'\n'}" >"$out/crawl-trap-$name.cuts"
    else
        : >"$out/crawl-trap-$name.cuts"
    fi
    kill -0 "$site_pid" 2>/dev/null ||
        die "the site stopped during the crawl: $(head -c 500 "$out/trap-site.err")"
    note "$label: ${ended[$name]}; ${pages[$name]} pages, $t s, peak RSS $((m / 1024)) MB"
}

if [[ $default_run != 0 ]]; then
    crawl 1 "the default settings"
fi
if ((${#flags[@]})); then
    crawl 2 "${flags[*]}" "${flags[@]}"
fi

# page NAME PATH: one timed crawl of the single page at PATH; its links, wall time and RSS.
page_names=()
declare -A page_links page_wall page_rss page_ended
page() {
    local name=$1 path=$2 rc=0 t m
    local csv=$out/page-$name.csv
    local cmd=("$bin" crawl --quiet --no-sitemap --format csv -o "$csv" "${seed%/}$path")
    printf "%s -f '%%e %%M' %s\n" "$gnu_time" "${cmd[*]}" >>"$out/crawl-trap.commands"
    note "page $path"
    "$gnu_time" -f '%e %M' -o "$out/time.page-$name" \
        timeout --foreground -s INT -k 30 "$limit" "${cmd[@]}" 2>"$out/page-$name.err" || rc=$?
    read -r t m < <(tail -n 1 "$out/time.page-$name")
    page_names+=("$name")
    page_wall[$name]=$t page_rss[$name]=$m
    # One line per link after the header line.
    page_links[$name]=$(($(wc -l <"$csv") - 1))
    page_ended[$name]="exit $rc"
    ((rc != 124)) || page_ended[$name]="did not end within $limit s"
    rm -f "$csv"
}
if [[ $page_runs != 0 ]]; then
    page empty /links/0
    page distinct /links/100000
    page repeated /repeated/100000
    page endless /endless-index/4
fi

# --- the table ----------------------------------------------------------------------------
echo
echo "href-counter crawl of an endless site (bench/trap_site.py at $seed), $(nproc) cores"
echo "binary $bin; wall-time limit $limit s per crawl"
if ((${#names[@]})); then
    echo
    echo '| crawl | ended | pages crawled | URLs checked | wall | peak RSS |'
    echo '| --- | --- | ---: | ---: | ---: | ---: |'
fi
for i in "${!names[@]}"; do
    n=${names[$i]}
    printf '| %s | %s | %d | %d | %.1f s | %d MB |\n' "${labels[$i]}" "${ended[$n]}" \
        "${pages[$n]}" "${checked[$n]}" "${wall[$n]}" "$((rss[$n] / 1024))"
done
if ((${#page_names[@]})); then
    echo
    echo "Single pages (links kept: CSV rows; bytes a link: peak RSS above the empty page's):"
    echo
    echo '| page | ended | links kept | wall | peak RSS | bytes a link |'
    echo '| --- | --- | ---: | ---: | ---: | ---: |'
    for n in "${page_names[@]}"; do
        per=-
        if [[ $n != empty ]] && ((page_links[$n] > 0)); then
            per=$(((page_rss[$n] - page_rss[empty]) * 1024 / page_links[$n]))
        fi
        printf '| %s | %s | %d | %.1f s | %d MB | %s |\n' "$n" "${page_ended[$n]}" \
            "${page_links[$n]}" "${page_wall[$n]}" "$((page_rss[$n] / 1024))" "$per"
    done
fi
for i in "${!names[@]}"; do
    n=${names[$i]}
    echo
    echo "stderr of the crawl with ${labels[$i]}:"
    if [[ -s $out/crawl-trap-$n.err ]]; then
        sed 's/^/  /' "$out/crawl-trap-$n.err"
    else
        echo "  (nothing)"
    fi
    if [[ -s $out/crawl-trap-$n.cuts ]]; then
        echo "limits that tripped, by the report's summary:"
        sed 's/^/  /' "$out/crawl-trap-$n.cuts"
    fi
done
echo
echo "commands:"
sed 's/^/  /' "$out/crawl-trap.commands"
if [[ $keep != 1 ]]; then
    rm -f "$out"/crawl-trap-*.ndjson
else
    echo "reports kept: $out/crawl-trap-*.ndjson"
fi
