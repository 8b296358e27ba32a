#!/usr/bin/env bash
# Screenshots of the HTML crawl report, to look at before changing its layout: serves
# python3.11-doc with scripts/serve-docs.sh, crawls it with the release binary to an HTML
# report, and has headless Chromium take the top of the report at a phone's width (390 px)
# and a desktop's (1400 px), each in light and dark mode. Not run in CI.
#
# usage: screenshot-report.sh [OUTDIR]
#
# OUTDIR (default: target/screenshots) gets report.html and report-{390,1400}-{light,dark}.png.
# Environment: PORT (default 8812) for the docs server; HEIGHT (default 1800) of each shot;
# HREF_COUNTER, a binary to use instead of building target/release/href-counter.
# Needs nginx and python3.11-doc (scripts/setup-test-deps.sh installs both) and chromium.
set -euo pipefail

die() { echo "screenshot-report: $*" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd -P)
out=${1:-$root/target/screenshots}
port=${PORT:-8812}
height=${HEIGHT:-1800}
docs=/usr/share/doc/python3.11/html

[[ -f $docs/index.html ]] || die "python3.11-doc is not installed ($docs): apt-get install python3.11-doc"
chromium=$(command -v chromium || command -v chromium-browser) ||
    die "chromium not found: apt-get install chromium"

if [[ -n ${HREF_COUNTER:-} ]]; then
    bin=$HREF_COUNTER
else
    (cd "$root" && cargo build --release --quiet -p href-counter)
    bin=${CARGO_TARGET_DIR:-$root/target}/release/href-counter
fi
[[ -x $bin ]] || die "no binary at $bin"
mkdir -p "$out"
out=$(cd "$out" && pwd -P)

pidfile=$(mktemp -t screenshot-report.XXXXXX)
rm -f "$pidfile"
trap '"$root/scripts/stop-docs.sh" "$pidfile" >/dev/null 2>&1 || true' EXIT
"$root/scripts/serve-docs.sh" "$docs" "$port" "$pidfile" >/dev/null

report=$out/report.html
"$bin" crawl --quiet --format html -o "$report" "http://127.0.0.1:$port/index.html" ||
    die "the crawl failed (exit $?)"

# Headless Chromium lays a page out at least 500 px wide, whatever --window-size says (a
# 390 px shot would be the left of a 500 px layout): the report is framed at the width wanted,
# so that its own viewport, and so its narrow-screen rules, are that width.
for width in 390 1400; do
    frame=$out/frame-$width.html
    printf '<!doctype html><body style="margin:0"><iframe src="report.html" style="border:0;display:block;width:%spx;height:%spx"></iframe>\n' \
        "$width" "$height" >"$frame"
    for scheme in light dark; do
        shot=$out/report-$width-$scheme.png
        dark=()
        [[ $scheme == light ]] || dark=(--force-dark-mode --blink-settings=preferredColorScheme=0)
        # Chromium writes its own chatter on stderr; keep it only when the shot fails.
        if ! "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars "${dark[@]}" \
            --screenshot="$shot" --window-size="$width,$height" "file://$frame" \
            >"$out/chromium.log" 2>&1 || [[ ! -s $shot ]]; then
            cat "$out/chromium.log" >&2
            die "chromium took no screenshot of $report at $width px ($scheme)"
        fi
        echo "$shot"
    done
    rm -f "$frame"
done
rm -f "$out/chromium.log"
