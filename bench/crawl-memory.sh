#!/usr/bin/env bash
# Crawl memory benchmark: peak RSS and wall time of `href-counter crawl` on a generated site of
# 100,000 pages served by nginx on 127.0.0.1. It answers "a crawl of 100,000 pages must fit
# comfortably in a few hundred MB" with figures anyone can rerun.
#
#   bench/crawl-memory.sh                  100,000 pages: a few minutes on 2 cores
#   PAGES=20000 bench/crawl-memory.sh      a smaller site
#
# The site (bench/out/site-100k, regenerated when PAGES changes) is written by a small python3
# generator: PAGES pages of 3-5 kB, /index.html and 20 section index pages, the rest under
# /SECTION/BUCKET/page-I.html. Every page has a nav block of 21 absolute links (home and the
# 20 sections, the same on every page), a table of contents of 5 #fragment links to its own
# headings, a parent link, links to its children in a 10-ary tree (page i -> 10i+1..10i+10,
# so every page is reachable from /index.html), 8 relative links to "related" pages (i+-1,
# i+7, i+13, i/2, 3i+1, 7i+3, i*31), two of them with a #fragment that exists on the target,
# two links to other sites (recorded, not fetched) and text; one stylesheet. No link is broken.
#
# Two crawls, each timed once with GNU time (`/usr/bin/time -f '%e %M'`):
#   href-counter crawl --quiet --no-sitemap --concurrency 16 --per-host 16 \
#       --format json -o bench/out/crawl-100k.json http://127.0.0.1:PORT/index.html
#   the same with --format markdown -o bench/out/crawl-100k.md (no JSON of every link written)
# Prints pages crawled and links (from the report's summary), wall time, pages/s, peak RSS in
# MB and RSS per page in KB. The JSON report (~1 GB at 100,000 pages) is deleted afterwards.
#
# Environment:
#   PAGES          pages in the generated site (default 100000)
#   HREF_COUNTER   binary to measure (default: build with scripts/build-static.sh, as shipped)
#   BENCH_PORT     loopback port of the private nginx (default 18096)
#   BENCH_CONCURRENCY  --concurrency and --per-host (default 16)
#   KEEP=1         keep bench/out/crawl-100k.json
# Needs nginx, python3 and GNU time: `scripts/setup-test-deps.sh --bench` installs them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=$root/bench/out
pages=${PAGES:-100000}
port=${BENCH_PORT:-18096}
conc=${BENCH_CONCURRENCY:-16}
keep=${KEEP:-0}
gnu_time=/usr/bin/time
site=$out/site-100k
json=$out/crawl-100k.json
md=$out/crawl-100k.md

die() { echo "crawl-memory: $*" >&2; exit 1; }
note() { echo "crawl-memory: $*" >&2; }

# --- prerequisites ------------------------------------------------------------------------
if ! [[ $pages =~ ^[0-9]+$ ]] || ((pages < 30)); then
    die "PAGES must be a number >= 30 (got $pages)"
fi
missing=()
command -v python3 >/dev/null || missing+=(python3)
"$gnu_time" -f %M true >/dev/null 2>&1 || missing+=("GNU time ($gnu_time)")
PATH="$PATH:/usr/sbin:/sbin" command -v nginx >/dev/null || missing+=(nginx)
if ((${#missing[@]})); then
    die "missing: ${missing[*]}; run scripts/setup-test-deps.sh --bench"
fi

if [[ -n ${HREF_COUNTER:-} ]]; then
    bin=$HREF_COUNTER
else
    note "building the release binary as it ships (scripts/build-static.sh)"
    bin=$("$root/scripts/build-static.sh")
fi
[[ -x $bin ]] || die "no binary at $bin"
mkdir -p "$out"

# --- the site -----------------------------------------------------------------------------
# The stamp names the generator version and PAGES: a matching site is reused.
gen_version=1
stamp="generator $gen_version, $pages pages"
if [[ -f $site/.generated && $(<"$site/.generated") == "$stamp" ]]; then
    note "reusing $site ($stamp)"
else
    note "generating $pages pages into $site"
    rm -rf "$site"
    start=$(date +%s.%N)
    python3 - "$site" "$pages" <<'EOF'
import os, sys

site, n = sys.argv[1], int(sys.argv[2])
SECTIONS = ["guide", "tutorial", "reference", "api", "howto", "faq", "blog", "news",
            "releases", "download", "community", "support", "security", "design",
            "internals", "tools", "examples", "glossary", "about", "contact"]
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud "
         "exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure "
         "in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint "
         "occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est "
         "laborum").split()
# 64 paragraphs of ~260 bytes; each page takes 4 of them.
PARAS = []
for p in range(64):
    words = [WORDS[(p * 7 + k * (p % 5 + 1)) % len(WORDS)] for k in range(42)]
    PARAS.append(" ".join(words).capitalize() + ".")


def path(i):
    """The page's URL path without the leading slash."""
    if i == 0:
        return "index.html"
    if i <= len(SECTIONS):
        return SECTIONS[i - 1] + "/index.html"
    return "%s/%03d/page-%d.html" % (SECTIONS[i % len(SECTIONS)], i // 1000, i)


def up(i):
    """The relative prefix from page i's directory to the site root."""
    return "../" * path(i).count("/")


def title(i):
    if i == 0:
        return "Home"
    if i <= len(SECTIONS):
        return SECTIONS[i - 1].capitalize()
    return "%s topic %d: %s %s" % (SECTIONS[i % len(SECTIONS)].capitalize(), i,
                                   WORDS[i % len(WORDS)], WORDS[(i // 7) % len(WORDS)])


NAV = "\n".join(['<nav class="site">', '<a href="/index.html">Home</a>'] +
                ['<a href="/%s/index.html">%s</a>' % (s, s.capitalize()) for s in SECTIONS] +
                ["</nav>"])
TOC = "\n".join(['<ul class="toc">',
                 '<li><a href="#intro">Introduction</a></li>',
                 '<li><a href="#details">Details</a></li>',
                 '<li><a href="#section-1">Background</a></li>',
                 '<li><a href="#section-2">Usage</a></li>',
                 '<li><a href="#section-3">See also</a></li>',
                 "</ul>"])

dirs = {os.path.dirname(path(i)) for i in range(n)}
for d in dirs:
    os.makedirs(os.path.join(site, d), exist_ok=True)
os.makedirs(os.path.join(site, "static"), exist_ok=True)
with open(os.path.join(site, "static", "style.css"), "w") as f:
    f.write("body { font-family: sans-serif; max-width: 50em; margin: auto }\n")

for i in range(n):
    pre = up(i)
    rel = lambda j, frag="": '<a href="%s%s%s">%s</a>' % (pre, path(j), frag, title(j))
    children = [j for j in range(10 * i + 1, 10 * i + 11) if j < n]
    related = [(i + 1) % n, (i - 1) % n, (i + 7) % n, (i + 13) % n, i // 2,
               (3 * i + 1) % n, (7 * i + 3) % n, (31 * i) % n]
    para = [PARAS[(i * k + k) % len(PARAS)] for k in (1, 3, 5, 7)]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        "<title>%s</title>" % title(i),
        '<link rel="stylesheet" href="/static/style.css">',
        "</head>",
        '<body id="top">',
        NAV,
        "<main>",
        "<h1>%s</h1>" % title(i),
        TOC,
        '<h2 id="intro">Introduction</h2>',
        "<p>%s</p>" % para[0],
        '<h2 id="details">Details</h2>',
        "<p>%s</p>" % para[1],
    ]
    if i:
        parts.append('<p class="up">Up: %s</p>' % rel((i - 1) // 10))
    if children:
        parts.append('<ul class="children">')
        parts += ["<li>%s</li>" % rel(j) for j in children]
        parts.append("</ul>")
    parts += [
        '<h2 id="section-1">Background</h2>',
        "<p>%s</p>" % para[2],
        '<h2 id="section-2">Usage</h2>',
        "<p>%s See %s for the details, or %s for more.</p>" % (
            para[3], rel(related[0], "#details"), rel(related[2], "#section-2")),
        '<h2 id="section-3">See also</h2>',
        '<ul class="related">',
    ]
    parts += ["<li>%s</li>" % rel(j) for j in related[1:2] + related[3:]]
    parts += [
        "</ul>",
        "</main>",
        "<footer>",
        '<a href="https://www.example.org/docs/%d.html">Upstream documentation</a>' % (i % 50),
        '<a href="https://github.com/example/project" target="_blank" rel="noopener">Source code</a>',
        '<a href="#top">Back to top</a>',
        "</footer>",
        "</body>",
        "</html>",
        "",
    ]
    with open(os.path.join(site, path(i)), "w") as f:
        f.write("\n".join(parts))
EOF
    echo "$stamp" >"$site/.generated"
    note "generated in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
fi
site_mb=$(du -sm "$site" | cut -f1)
avg_kb=$(find "$site" -name '*.html' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / NR / 1024 }')

# --- the server ---------------------------------------------------------------------------
pidfile=$out/nginx-crawl-memory.pid
trap '"$root/scripts/stop-docs.sh" "$pidfile" >/dev/null 2>&1 || true' EXIT
"$root/scripts/serve-docs.sh" "$site" "$port" "$pidfile" >/dev/null
seed=http://127.0.0.1:$port/index.html

# --- the crawls ---------------------------------------------------------------------------
: >"$out/crawl-memory.commands"
# crawl NAME FORMAT FILE: one timed crawl; sets wall[NAME] (s), rss[NAME] (KB), status[NAME].
declare -A wall rss status
crawl() {
    local name=$1 format=$2 file=$3 rc=0 t m
    local cmd=("$bin" crawl --quiet --no-sitemap --concurrency "$conc" --per-host "$conc"
        --format "$format" -o "$file" "$seed")
    printf "%s -f '%%e %%M' %s\n" "$gnu_time" "${cmd[*]}" >>"$out/crawl-memory.commands"
    note "crawling $pages pages, --format $format"
    rm -f "$file"
    "$gnu_time" -f '%e %M' -o "$out/time.crawl-memory-$name" "${cmd[@]}" \
        2>"$out/crawl-memory-$name.err" || rc=$?
    # A failing command adds a "Command exited with non-zero status" line first.
    read -r t m < <(tail -n 1 "$out/time.crawl-memory-$name")
    wall[$name]=$t rss[$name]=$m status[$name]=$rc
    ((rc == 0)) || note "--format $format exited with $rc: $(head -c 500 "$out/crawl-memory-$name.err")"
    note "--format $format: $t s, peak RSS $((m / 1024)) MB"
}

crawl json json "$json"
[[ -s $json ]] || die "no JSON report written ($json)"
json_mb=$(du -m "$json" | cut -f1)
# The summary comes first in the report: read it alone rather than loading ~1 GB of JSON.
# Prints: pages internal external checked broken depths.
read -r json_pages json_internal json_external json_checked json_broken json_depths < <(
    python3 - "$json" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    head = f.read(1 << 20)
at = head.index(":", head.index('"summary"')) + 1
while head[at].isspace():
    at += 1
s, _ = json.JSONDecoder().raw_decode(head, at)
depths = ",".join("%s:%s" % kv for kv in sorted(s["depths"].items(), key=lambda kv: int(kv[0])))
print(s["pages"], s["internal"], s["external"], s["checked"], s["broken"], depths)
EOF
)
if [[ $keep != 1 ]]; then
    rm -f "$json"
fi

crawl md markdown "$md"
[[ -s $md ]] || die "no Markdown report written ($md)"
# | pages | checked | broken | redirected | robots.txt | internal | external | time |
read -r md_pages md_internal md_external < <(
    awk -F'|' '/^\| pages \| checked \|/ { getline; getline
        gsub(/ /, ""); print $2, $7, $8; exit }' "$md")

((json_pages == pages)) || note "the JSON crawl parsed $json_pages pages, not $pages"
((md_pages == pages)) || note "the Markdown crawl parsed $md_pages pages, not $pages"
((json_broken == 0)) || note "$json_broken broken links found (the site has none)"

# --- the table ----------------------------------------------------------------------------
row() {
    local format=$1 p=$2 links=$3 t=$4 kb=$5 size=$6
    awk -v f="$format" -v p="$p" -v l="$links" -v t="$t" -v kb="$kb" -v size="$size" 'BEGIN {
        printf "| `--format %s` | %d | %d | %.1f s | %.0f | %.0f MB | %.2f KB | %s |\n",
            f, p, l, t, (t > 0 ? p / t : 0), kb / 1024, (p > 0 ? kb / p : 0), size }'
}
echo
echo "href-counter crawl of a generated site: $pages pages (avg $avg_kb kB, $site_mb MB on disk) on nginx 127.0.0.1:$port"
echo "--concurrency $conc --per-host $conc --no-sitemap, $(nproc) cores; binary $bin"
echo
echo '| report | pages | links | wall | pages/s | peak RSS | RSS per page | report size |'
echo '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
row json "$json_pages" "$((json_internal + json_external))" "${wall[json]}" "${rss[json]}" "$json_mb MB"
row markdown "$md_pages" "$((md_internal + md_external))" "${wall[md]}" "${rss[md]}" "$(du -k "$md" | cut -f1) kB"
echo
echo "links: $json_internal internal, $json_external external (not fetched); URLs checked by status only: $json_checked; broken: $json_broken"
echo "pages by click depth: $json_depths"
((status[json] == 0 && status[md] == 0)) || echo "exit status: json ${status[json]}, markdown ${status[md]}"
[[ $keep == 1 ]] && echo "JSON report kept: $json"
echo
echo "commands:"
sed 's/^/  /' "$out/crawl-memory.commands"
