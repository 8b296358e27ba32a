#!/usr/bin/env bash
# Installs, with apt-get, what href-counter's tests need from the machine: nginx-light (serves
# the corpus) and python3.11-doc (the corpus). With --bench, also what bench/e2e.sh and
# bench/crawl.sh need: hyperfine, postgresql-doc-15 (the many-pages corpus) and time (GNU time,
# /usr/bin/time, for peak RSS).
#
# --check installs nothing: it exits 0 when everything is there, else 1 after one line per
# missing piece on stdout, naming it and how to get it. The suite runs it as a test
# (crates/href-counter/tests/it/prerequisites.rs), and the corpus test goes by its answer.
#
# A package counts as present when the command or file the tests use from it is there, so a
# tool installed some other way does too. Otherwise idempotent: installs only what is missing,
# runs `apt-get update` only when a package is not known to apt yet (or an install failed on
# stale lists), starts no service of its own. Installing must run as root, or as a user with
# passwordless sudo.
#
# usage: setup-test-deps.sh [--bench] [--check]
set -euo pipefail

usage() { echo "usage: $0 [--bench] [--check]" >&2; }

bench=0 check=0
for arg in "$@"; do
    case "$arg" in
        --bench) bench=1 ;;
        --check) check=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage; exit 2 ;;
    esac
done

# PACKAGE WHAT: WHAT is the command the tests run, or the file they read (an absolute path).
needs=(
    "nginx-light nginx"
    "nginx-light /etc/nginx/mime.types"
    "python3.11-doc /usr/share/doc/python3.11/html/index.html"
)
if ((bench)); then
    needs+=(
        "hyperfine hyperfine"
        "postgresql-doc-15 /usr/share/doc/postgresql-doc-15/html/index.html"
        "time /usr/bin/time"
    )
fi

fix="run scripts/setup-test-deps.sh"
if ((bench)); then
    fix+=" --bench"
fi

present() {
    if [[ $1 == /* ]]; then
        [[ -e $1 ]]
    else
        # nginx lives in sbin, which a user's PATH may lack; scripts/serve-docs.sh looks there.
        PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin" command -v "$1" >/dev/null
    fi
}

add_once() {   # add_once ARRAY VALUE
    local -n list=$1
    [[ " ${list[*]} " == *" $2 "* ]] || list+=("$2")
}

# Fills `missing` with the packages whose pieces are not all there and `absent` with those
# pieces; with --check, says which.
find_missing() {
    missing=() absent=()
    local line package what
    for line in "${needs[@]}"; do
        read -r package what <<<"$line"
        present "$what" && continue
        ((check)) && echo "setup-test-deps: $what is missing (package $package): $fix"
        absent+=("$what")
        add_once missing "$package"
    done
}

find_missing
if ((${#missing[@]} == 0)); then
    packages=()
    for line in "${needs[@]}"; do
        add_once packages "${line%% *}"
    done
    echo "setup-test-deps: all present (${packages[*]})"
    exit 0
fi
((check)) && exit 1

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

installing=("${missing[@]}")
find_missing
if ((${#missing[@]})); then
    cat "$log" >&2
    echo "setup-test-deps: installed ${installing[*]}, yet still missing: ${absent[*]}" >&2
    exit 1
fi
echo "setup-test-deps: done"
