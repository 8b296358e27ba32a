#!/bin/sh
# The builder pattern, as in the tutorial: build an image that compiles, copy the binary out
# of a container created from it, remove the container, build the run image around the binary.
#
#   docker/build.sh            (needs a Docker engine; scripts/images.sh does the same with
#                               buildah when there is none)
set -eu
cd "$(dirname "$0")/.."

echo "Building href-counter:build"
docker build -t href-counter:build -f docker/Dockerfile.build .

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
docker create --name href-counter-extract href-counter:build
docker cp href-counter-extract:/usr/local/bin/href-counter "$ctx/href-counter"
docker rm -f href-counter-extract

echo "Building href-counter:run"
docker build --no-cache -t href-counter:run -f docker/Dockerfile.run "$ctx"
