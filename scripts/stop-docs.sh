#!/usr/bin/env bash
# Stops an nginx started by scripts/serve-docs.sh and removes its runtime directory.
#
# usage: stop-docs.sh PIDFILE
#
# Idempotent: a PIDFILE whose server is already gone is only cleaned up.
set -euo pipefail

if (($# != 1)); then
    echo "usage: $0 PIDFILE" >&2
    exit 2
fi
pidfile=$1
[[ -f "$pidfile" ]] || { echo "stop-docs: no pid file $pidfile (nothing to stop)" >&2; exit 0; }

{ read -r pid || true; read -r run || true; } <"$pidfile"

# Only signal the process if it is still an nginx master (not a recycled pid).
is_ours() {
    [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] &&
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'nginx'
}

if is_ours; then
    kill -TERM "$pid" 2>/dev/null || true   # fast shutdown: the workers go with it
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
fi

# The runtime directory is ours only if serve-docs.sh made it (it holds our nginx.conf).
if [[ -n "${run:-}" && -f "$run/nginx.conf" ]] && grep -q 'scripts/serve-docs.sh' "$run/nginx.conf"; then
    rm -rf "$run"
fi
rm -f "$pidfile"
