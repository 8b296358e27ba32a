#!/usr/bin/env bash
# Builds the container images and prints their sizes, like the tutorial's
# `docker images | grep href-counter`.
#
#   scripts/images.sh                  every variant: multi-stage, SDK, builder pattern, hello
#   scripts/images.sh --multi-only     only the multi-stage image (Dockerfile): what CI ships
#   scripts/images.sh --no-layers      buildah only: no layer cache (keeps no intermediate
#                                      images: vfs stores each as a full ~1.5 GB copy)
#   scripts/images.sh --budget BYTES   size budget of the multi-stage image (default 5000000,
#                                      i.e. 5.0 MB; 0 disables); exit 1 when it is exceeded
#
# With a Docker engine (`docker info` answers) it uses docker. Otherwise the daemonless
# stand-in in ../shared/container (buildah, vfs, must run as root): it first makes the local
# copy of rust:1.95-slim-bookworm (a no-op once done), builds with buildah's layer cache
# (--layers, as docker caches layers by default), and performs the builder pattern's
# docker create / cp / rm steps with buildah from / mount / rm.
# Tags: href-counter:latest (multi-stage), :sdk, :build and :run (builder pattern), hello:latest;
# localhost/… under buildah. Variables: SHARED (default ../shared), RUST_VERSION.
set -euo pipefail
cd "$(dirname "$0")/.."

multi_only=0
layers=(--layers)
budget=5000000
while [[ $# -gt 0 ]]; do
    case $1 in
        --multi-only) multi_only=1; shift ;;
        --no-layers) layers=(); shift ;;
        --budget) [[ $# -ge 2 ]] || { echo "images.sh: --budget needs a value" >&2; exit 2; }
                  budget=$2; shift 2 ;;
        --budget=*) budget=${1#--budget=}; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "images.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ $budget =~ ^[0-9]+$ ]] || { echo "images.sh: --budget wants bytes, got '$budget'" >&2; exit 2; }

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)
build_args=(--build-arg "VERSION=$version")
[[ -n ${RUST_VERSION:-} ]] && build_args+=(--build-arg "RUST_VERSION=$RUST_VERSION")

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    engine=docker
    prefix=
else
    engine=buildah
    prefix=localhost/
    shared=${SHARED:-../shared}
    c=$shared/container
    [[ -x $c/build.sh ]] || { echo "images.sh: no Docker engine and no stand-in at $c" >&2; exit 1; }
    command -v buildah >/dev/null || {
        echo "images.sh: no Docker engine and no buildah (apt-get install buildah debootstrap)" >&2
        exit 1
    }
    "$c/make-rust-image.sh" >&2
fi
bh() { buildah --storage-driver vfs "$@"; }
echo "images.sh: building with $engine" >&2

rows=()   # "repo tag bytes seconds what"
image_bytes() {   # uncompressed size of an image, in bytes
    if [[ $engine == docker ]]; then
        docker image inspect --format '{{.Size}}' "$1"
    else
        bh inspect --type image --format '{{.Manifest}}' "$1" | sed 's/.*"layers":\[//' \
            | grep -o '"size":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }'
    fi
}
# build CONTEXT DOCKERFILE REPO:TAG WHAT [extra args]
build() {
    local ctx=$1 file=$2 ref=$3 what=$4 t0 t1
    shift 4
    echo "images.sh: == $prefix$ref ($what)" >&2
    t0=$(date +%s)
    if [[ $engine == docker ]]; then
        docker build -f "$file" -t "$ref" "$@" "$ctx" >&2
    else
        "$c/build.sh" "$ctx" "$file" "$prefix$ref" ${layers[@]+"${layers[@]}"} "$@" >/dev/null
    fi
    t1=$(date +%s)
    rows+=("${ref%%:*} ${ref#*:} $(image_bytes "$prefix$ref") $((t1 - t0)) $what")
}

build . Dockerfile href-counter:latest "multi-stage (Dockerfile)" "${build_args[@]}"

if [[ $multi_only == 0 ]]; then
    build . docker/Dockerfile.sdk href-counter:sdk "SDK image (docker/Dockerfile.sdk)" \
        "${build_args[@]}"

    # Builder pattern: docker/build.sh with docker; the same steps with buildah otherwise.
    t0=$(date +%s)
    if [[ $engine == docker ]]; then
        docker/build.sh >&2
    else
        build . docker/Dockerfile.build href-counter:build "builder pattern: build image"
        ctx=$(mktemp -d)
        trap 'rm -rf "$ctx"' EXIT
        ctr=$(bh from --pull=never --quiet "${prefix}href-counter:build")   # docker create
        cp "$(bh mount "$ctr")/usr/local/bin/href-counter" "$ctx/href-counter"   # docker cp
        bh rm "$ctr" >/dev/null                                              # docker rm
        build "$ctx" docker/Dockerfile.run href-counter:run "builder pattern: run image"
    fi
    t1=$(date +%s)
    if [[ $engine == docker ]]; then
        rows+=("href-counter build $(image_bytes href-counter:build) $((t1 - t0)) builder pattern: build image")
        rows+=("href-counter run $(image_bytes href-counter:run) - builder pattern: run image (docker/build.sh)")
    fi

    build docker/hello docker/hello/Dockerfile hello:latest "hello world, 2 stages (docker/hello)"
fi

human() {   # docker's units: powers of 1000, 3 significant digits
    awk -v b="$1" 'BEGIN { split("B kB MB GB", u, " "); i = 1
        while (b >= 1000 && i < 4) { b /= 1000; i++ }
        printf (i == 1 ? "%d%s" : (b < 10 ? "%.2f%s" : (b < 100 ? "%.1f%s" : "%.0f%s"))), b, u[i] }'
}
printf '\n%-24s %-8s %10s %13s %7s  %s\n' REPOSITORY TAG SIZE BYTES BUILD WHAT
for r in "${rows[@]}"; do
    read -r repo tag bytes secs what <<<"$r"
    [[ $secs == - ]] || secs="${secs}s"
    printf '%-24s %-8s %10s %13s %7s  %s\n' "$prefix$repo" "$tag" "$(human "$bytes")" \
        "$(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$bytes")" "$secs" "$what"
done
echo

final=$(image_bytes "${prefix}href-counter:latest")
if [[ $budget -gt 0 && $final -gt $budget ]]; then
    echo "images.sh: FAIL: ${prefix}href-counter:latest is $final bytes, over its budget of $budget" >&2
    exit 1
fi
[[ $budget -gt 0 ]] && echo "images.sh: ${prefix}href-counter:latest is $final bytes, within its budget of $budget" >&2
exit 0
