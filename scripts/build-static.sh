#!/usr/bin/env bash
# Builds href-counter as it ships: one statically linked, non-PIE executable for
# x86_64-unknown-linux-musl, as the Docker image does. musl because its resolver reads
# /etc/hosts and /etc/resolv.conf itself (glibc's needs NSS modules a static binary cannot
# load), and because a static musl binary is over a megabyte smaller than a static glibc one.
# Static and non-PIE: no dynamic loader work at start, which is most of a one-page run.
# Installs the musl target with rustup when missing (and needs a C compiler: ring's assembly).
# Prints the binary's path on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=$(uname -m)
target=$arch-unknown-linux-musl
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target" >&2
fi
# An explicit --target keeps these flags away from build scripts and proc-macros.
# getrandom: the system call directly, never /dev/urandom, absent from an empty root.
RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static --cfg getrandom_backend=\"linux_getrandom\" ${RUSTFLAGS:-}" \
    cargo build --quiet --release --locked -p href-counter --target "$target" >&2
dir=${CARGO_TARGET_DIR:-target}
[[ $dir == /* ]] || dir=$PWD/$dir
echo "$dir/$target/release/href-counter"
