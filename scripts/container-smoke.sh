#!/usr/bin/env bash
# Smoke test of the multi-stage image (Dockerfile), everything on 127.0.0.1:
#
#  1. the image, run as `docker run` would (../shared/container/run.sh, buildah), against a
#     fixture page served over HTTP: `-e url=URL` and `URL` as an argument both print the exact
#     compat JSON;
#  2. the image's configuration: USER 65534:65534 (non-root), ENTRYPOINT ["/href-counter"];
#  3. DNS and TLS in an empty root filesystem: the image's rootfs (the binary alone) plus
#     etc/hosts (site.test -> 127.0.0.1), etc/resolv.conf (a name server that does not exist)
#     and a test CA made here with openssl, run with unshare + chroot as uid 65534 (no libc, no
#     NSS, no /etc/ssl) against an HTTPS server for site.test signed by that CA: the exact JSON
#     with --ca-cert and with SSL_CERT_FILE; without the CA, a certificate error and exit 1; an
#     unknown name, a DNS error and exit 1.
#
#   scripts/container-smoke.sh [IMAGE]    default localhost/href-counter:latest, built with
#                                         scripts/images.sh --multi-only when missing
# Needs root, buildah, python3, openssl, unshare, chroot. Variables: SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."

image=${1:-localhost/href-counter:latest}
shared=${SHARED:-../shared}
run=$shared/container/run.sh
bh() { buildah --storage-driver vfs "$@"; }
for tool in buildah python3 openssl unshare chroot; do
    command -v "$tool" >/dev/null || { echo "container-smoke: $tool is missing" >&2; exit 1; }
done
[[ $(id -u) == 0 ]] || { echo "container-smoke: must run as root (buildah vfs, chroot)" >&2; exit 1; }
if ! bh inspect --type image "$image" >/dev/null 2>&1; then
    scripts/images.sh --multi-only
fi

tmp=$(mktemp -d)
pids=()
ctr=
cleanup() {
    for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
    [[ -n $ctr ]] && bh rm "$ctr" >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=0
pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; failures=$((failures + 1)); }
# expect NAME WANT GOT
expect() { if [[ $3 == "$2" ]]; then pass "$1: $3"; else fail "$1: want '$2', got '$3'"; fi; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {   # wait_port PORT: until something accepts on 127.0.0.1:PORT (10 s at most)
    local i
    for i in $(seq 100); do
        python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
            "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "container-smoke: no server on 127.0.0.1:$1" >&2
    return 1
}

# The fixture page. Go-compat counts: internal = /docs/, #main, mailto:, page2.html and the
# duplicated relative link = 5; external = https://example.org/ and //cdn.example.net/ = 2;
# not counted: the invalid escape, the link inside <script> and the self-closing <a/>.
site=$tmp/site
mkdir -p "$site"
cat >"$site/index.html" <<'EOF'
<!doctype html>
<html><head><meta charset="utf-8"><title>fixture</title>
<script>document.write('<a href="/hidden">')</script></head>
<body>
<a href="#main">Skip</a>
<a href="/docs/">Docs</a>
<a href="mailto:team@example.com">Mail</a>
<a href="page2.html">Next</a> <a href="page2.html">Next again</a>
<a href="https://example.org/">Elsewhere</a>
<a href="//cdn.example.net/lib.js">CDN</a>
<a href="%zz">broken</a>
<a href="/self-closing"/>
</body></html>
EOF
want='{"internal":5,"external":2}'

echo "container-smoke: $image"

# 1. The image, run like `docker run --rm --network host`.
http_port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$site" "$http_port" >"$tmp/http.log" 2>&1 &
pids+=($!)
wait_port "$http_port"
url=http://127.0.0.1:$http_port/
got=$("$run" -e "url=$url" "$image" 2>"$tmp/err") || true
expect "docker run -e url=$url IMAGE" "$want" "$got"
got=$("$run" "$image" "$url" 2>"$tmp/err") || true
expect "docker run IMAGE $url" "$want" "$got"
set +e
"$run" -e "url=http://127.0.0.1:$http_port/missing.html" "$image" >/dev/null 2>"$tmp/err"
rc=$?
set -e
expect "a 404 page exits 1" 1 "$rc"

# 2. The image configuration.
expect "User" "65534:65534" "$(bh inspect --type image --format '{{.OCIv1.Config.User}}' "$image")"
expect "Entrypoint" "[/href-counter]" \
    "$(bh inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "$image")"
expect "label org.opencontainers.image.licenses" "MIT OR Apache-2.0" \
    "$(bh inspect --type image \
        --format '{{index .OCIv1.Config.Labels "org.opencontainers.image.licenses"}}' "$image")"

# 3. DNS and TLS in an empty root filesystem: the image's own files, nothing else.
root=$tmp/root
mkdir -p "$root"
ctr=$(bh from --pull=never --quiet "$image")
cp -a "$(bh mount "$ctr")/." "$root/"
bh rm "$ctr" >/dev/null
ctr=
echo "  image rootfs: $(cd "$root" && find . -mindepth 1 | sort | tr '\n' ' ')"
[[ -x $root/href-counter ]] || fail "no /href-counter in the image"

pki=$tmp/pki
mkdir -p "$pki"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=href-counter smoke test CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=site.test" \
    -keyout "$pki/site.key" -out "$pki/site.csr" 2>/dev/null
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:site.test" >"$pki/site.ext"
openssl x509 -req -in "$pki/site.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/site.ext" -out "$pki/site.pem" 2>/dev/null

https_port=$(free_port)
python3 - "$https_port" "$site" "$pki/site.pem" "$pki/site.key" >"$tmp/https.log" 2>&1 <<'EOF' &
import functools, http.server, ssl, sys
port, root, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
EOF
pids+=($!)
wait_port "$https_port"

mkdir -p "$root/etc"
printf '127.0.0.1 site.test\n' >"$root/etc/hosts"
# No name server listens there: site.test can only come from etc/hosts.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$root/etc/resolv.conf"
cp "$pki/ca.pem" "$root/test-ca.pem"
chmod 0755 "$root" "$root/etc"
chmod 0644 "$root/etc/hosts" "$root/etc/resolv.conf" "$root/test-ca.pem"
for d in lib lib64 usr etc/ssl; do
    [[ ! -e $root/$d ]] || fail "the root filesystem has /$d"
done

unshare_bin=$(command -v unshare)
chroot_bin=$(command -v chroot)
# in_root [ENV=V...] -- ARGS: run /href-counter in the root, uid/gid 65534, private mount and PID
# namespaces, host network (the servers are on the host's loopback), an empty environment.
in_root() {
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    env -i ${envs[@]+"${envs[@]}"} "$unshare_bin" --mount --pid --fork --kill-child \
        "$chroot_bin" --userspec=65534:65534 "$root" /href-counter "$@"
}
surl=https://site.test:$https_port/
got=$(in_root -- --ca-cert /test-ca.pem "$surl" 2>"$tmp/err") || true
expect "empty rootfs, uid 65534, --ca-cert: $surl" "$want" "$got"
[[ -s $tmp/err ]] && sed 's/^/        stderr: /' "$tmp/err"
got=$(in_root "url=$surl" SSL_CERT_FILE=/test-ca.pem -- 2>"$tmp/err") || true
expect "empty rootfs, url= and SSL_CERT_FILE" "$want" "$got"
[[ -s $tmp/err ]] && sed 's/^/        stderr: /' "$tmp/err"

set +e
in_root -- --timeout 10 "$surl" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
expect "empty rootfs, no CA: exit status" 1 "$rc"
if grep -qi 'certificate' "$tmp/err"; then pass "no CA: $(cat "$tmp/err")"; else fail "no CA: stderr '$(cat "$tmp/err")' does not mention the certificate"; fi

set +e
in_root -- --ca-cert /test-ca.pem --timeout 10 "https://unknown.test:$https_port/" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
expect "empty rootfs, name not in etc/hosts: exit status" 1 "$rc"
echo "        stderr: $(cat "$tmp/err")"

if [[ $failures -gt 0 ]]; then
    echo "container-smoke: $failures check(s) failed" >&2
    exit 1
fi
echo "container-smoke: all checks passed"
