#!/usr/bin/env bash
# Installs, with apt-get, what href-counter's tests need: nginx-light (serves the corpus),
# python3.11-doc (the corpus) and hyperfine. With --bench, also what bench/e2e.sh needs:
# postgresql-doc-15 (the many-pages corpus) and time (GNU time, /usr/bin/time, for peak RSS).
#
# Idempotent: installs only what is missing, runs `apt-get update` only when a package is not
# known to apt yet (or an install failed on stale lists), starts no service of its own.
# Must run as root, or as a user with passwordless sudo.
set -euo pipefail

usage() { echo "usage: $0 [--bench]" >&2; }

bench=0
for arg in "$@"; do
    case "$arg" in
        --bench) bench=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage; exit 2 ;;
    esac
done

packages=(nginx-light python3.11-doc hyperfine)
if ((bench)); then
    packages+=(postgresql-doc-15 time)
fi

installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    echo "setup-test-deps: all present (${packages[*]})"
    exit 0
fi

sudo=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null; then
        sudo=(sudo -n)
    else
        echo "setup-test-deps: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp -t setup-test-deps.XXXXXX)
trap 'rm -f "$log"' EXIT

apt_get() {
    if ! "${sudo[@]}" apt-get -q -y -o Dpkg::Use-Pty=0 -o APT::Color=0 "$@" >>"$log" 2>&1; then
        return 1
    fi
}

# A package apt has no candidate for means the lists are missing or stale: update first.
needs_update=0
for p in "${missing[@]}"; do
    if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then
        needs_update=1
        break
    fi
done

echo "setup-test-deps: installing ${missing[*]}"
if ((needs_update)); then
    apt_get update || { cat "$log" >&2; echo "setup-test-deps: apt-get update failed" >&2; exit 1; }
fi
if ! apt_get install --no-install-recommends "${missing[@]}"; then
    if ((needs_update)); then
        cat "$log" >&2
        echo "setup-test-deps: apt-get install failed" >&2
        exit 1
    fi
    # The lists may name versions the mirror no longer has: refresh them and try once more.
    apt_get update && apt_get install --no-install-recommends "${missing[@]}" || {
        cat "$log" >&2
        echo "setup-test-deps: apt-get install failed" >&2
        exit 1
    }
fi

for p in "${missing[@]}"; do
    installed "$p" || { cat "$log" >&2; echo "setup-test-deps: $p did not install" >&2; exit 1; }
done
echo "setup-test-deps: done"
