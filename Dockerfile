# href-counter: the recommended multi-stage build.
#
#   docker build -t href-counter .
#   docker run --rm href-counter https://example.com/
#   docker run --rm -e url=https://example.com/ href-counter
#
# Stage 1 compiles a fully static executable on the official Rust image; stage 2 is `scratch`
# holding that one file. Nothing else is needed at run time: TLS roots are compiled in (webpki
# roots; add your own with `--ca-cert FILE` or SSL_CERT_FILE), and the binary is linked with
# musl, whose resolver reads /etc/hosts and /etc/resolv.conf (which the container runtime
# provides) by itself, so there is no libc to load, no NSS and no /etc/ssl in the image.
#
# Dependencies are compiled in their own layer, against stub sources, so a source change only
# recompiles our two crates. This uses plain layer caching (no BuildKit cache mounts), so it works
# the same with BuildKit, the legacy builder and buildah (`buildah bud --layers`).

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
# Static musl executable (as scripts/build-static.sh builds it). The explicit --target keeps
# these flags away from build scripts and proc-macros; relocation-model=static makes a non-PIE
# binary that starts without self-relocation; getrandom uses the system call, never
# /dev/urandom (absent from an empty root). musl-tools: ring's C and assembly for musl.
ENV CARGO_TERM_COLOR=never \
    RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static --cfg getrandom_backend=\"linux_getrandom\""
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends musl-tools; \
    rm -rf /var/lib/apt/lists/*; \
    target="$(uname -m)-unknown-linux-musl"; echo "$target" > /target-triple; \
    rustup target add "$target"

# 1. Dependencies only: the manifests, the lock file and stub sources for every target cargo
#    needs to see (test-server, a dev-only member, keeps its empty stub: cargo only needs it to
#    load the workspace). This layer is reused until Cargo.toml/Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
COPY crates/hrefs/Cargo.toml crates/hrefs/
COPY crates/href-counter/Cargo.toml crates/href-counter/
COPY crates/test-server/Cargo.toml crates/test-server/
RUN set -eux; \
    target=$(cat /target-triple); \
    mkdir -p crates/hrefs/src crates/hrefs/benches crates/href-counter/src crates/test-server/src; \
    echo 'fn main() {}' > crates/href-counter/src/main.rs; \
    echo 'fn main() {}' > crates/hrefs/benches/extract.rs; \
    touch crates/hrefs/src/lib.rs crates/test-server/src/lib.rs; \
    cargo build --release --locked -p href-counter --target "$target"; \
    rm -rf crates/hrefs/src crates/hrefs/benches crates/href-counter/src

# 2. Our crates. COPY keeps the files' original mtimes, which may be older than the stub build:
#    touching them makes cargo rebuild hrefs and href-counter (and only them).
COPY crates/hrefs/src crates/hrefs/src
COPY crates/hrefs/data crates/hrefs/data
COPY crates/hrefs/build.rs crates/hrefs/
COPY crates/hrefs/benches crates/hrefs/benches
COPY crates/href-counter/src crates/href-counter/src
RUN set -eux; \
    target=$(cat /target-triple); \
    find crates/hrefs crates/href-counter -name '*.rs' -exec touch {} +; \
    cargo build --release --locked --offline -p href-counter --target "$target"; \
    cp "target/$target/release/href-counter" /href-counter; \
    /href-counter --version

FROM scratch
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="href-counter" \
      org.opencontainers.image.description="Count the internal and external links of a web page: a drop-in, faster href-counter" \
      org.opencontainers.image.source="https://github.com/href-counter/href-counter" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /href-counter /href-counter
# nobody:nogroup, numeric: scratch has no /etc/passwd to look names up in.
USER 65534:65534
ENTRYPOINT ["/href-counter"]
