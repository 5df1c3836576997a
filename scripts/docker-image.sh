#!/usr/bin/env bash
# Build the fakenova image to keep, without Docker Hub: `make image` runs this.
#
#   scripts/docker-image.sh [TAG]        default TAG: fakenova:latest
#
# Needs a Docker daemon that answers (DOCKER_HOST is honoured) and a virtualenv with fakenova installed
# ($VENV, default <repo>/.venv; `make image` makes it). No package index is needed inside the build:
#
# - The base image: $BASE_IMAGE if set (present, or pulled from wherever your daemon pulls), else a
#   local Debian bookworm with python3 made by debootstrap from your Debian mirror (needs root and
#   debootstrap, about a minute once), tagged fakenova-local/debian-python3:bookworm and cached as a
#   tarball in $FAKENOVA_CACHE_DIR (default ~/.cache/fakenova) so later builds load it in seconds.
# - The wheels: fakenova and its dependencies are built on this machine with $VENV's Python, and the
#   image installs only those (WHEEL_ONLY=1). Some dependencies are compiled for one Python minor
#   version, so the base image's python3 must have the same minor as $VENV's (bookworm: 3.11); the
#   script checks that before building.
# - No image is left behind but TAG: the build stage gets a tag of its own that is removed at the end
#   (the classic builder would otherwise leave it as a dangling <none> image).
#
# Exit status: 0 built; 1 failed; 77 Docker cannot be used here (no CLI, no daemon, no base image).
# Environment: VENV, BASE_IMAGE, FAKENOVA_CACHE_DIR, FAKENOVA_DEBIAN_MIRROR (default: the first Debian
# archive in /etc/apt/sources*).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TAG=${1:-fakenova:latest}
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
CACHE_DIR=${FAKENOVA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fakenova}
LOCAL_BASE=fakenova-local/debian-python3:bookworm
BASE_CACHE=$CACHE_DIR/debian-bookworm-python3-v2.tar.gz
BUILD_STAGE=fakenova-build-stage:$$

say() { printf '==> %s\n' "$*"; }
unusable() { printf 'docker unusable: %s\n' "$*" >&2; exit 77; }
fail() { printf 'docker-image FAILED: %s\n' "$*" >&2; exit 1; }
seconds() { date +%s; }

WORK=$(mktemp -d /tmp/fakenova-image.XXXXXX)
BUILD_STAGE_TAGGED=0
cleanup() {
    local status=$?
    set +e
    [ "$BUILD_STAGE_TAGGED" = 1 ] && docker rmi -f "$BUILD_STAGE" >/dev/null 2>&1
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$PY" ] || fail "no Python at $PY (run make image, or set VENV to a virtualenv with fakenova installed)"
command -v docker >/dev/null || unusable "the docker CLI is not installed (apt-get install docker.io)"
docker info >/dev/null 2>&1 ||
    unusable "no Docker daemon answers at ${DOCKER_HOST:-the default socket} (start dockerd, or set DOCKER_HOST)"

# --- the base image: given, already there, cached, or made with debootstrap ------------------------
debian_mirror() {
    if [ -n "${FAKENOVA_DEBIAN_MIRROR:-}" ]; then echo "$FAKENOVA_DEBIAN_MIRROR"; return; fi
    # deb822 "URIs:" lines or one-line "deb URL" entries; the first plain Debian archive wins.
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
        grep -oE '(URIs:|deb) +https?://[^ ]*/debian/?( |$)' | grep -oE 'https?://[^ ]*' | head -n 1 ||
        true
}

make_local_base() {
    command -v debootstrap >/dev/null || unusable "no base image and debootstrap is not installed (or set BASE_IMAGE)"
    [ "$(id -u)" = 0 ] || unusable "no base image and debootstrap needs root (or set BASE_IMAGE)"
    local mirror started
    mirror=$(debian_mirror)
    mirror=${mirror:-http://deb.debian.org/debian}
    say "making $LOCAL_BASE with debootstrap from $mirror (about a minute)"
    started=$(seconds)
    if ! debootstrap --variant=minbase --include=python3,python3-venv bookworm "$WORK/rootfs" "$mirror" \
            >"$WORK/debootstrap.log" 2>&1; then
        unusable "debootstrap failed: $(tail -n 1 "$WORK/debootstrap.log")"
    fi
    # Package lists, caches, docs, man pages and translations: about 50 MB nobody reads in a container.
    (cd "$WORK/rootfs" && rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb \
        var/log/*.log usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/*)
    tar -C "$WORK/rootfs" -c . | docker import -c 'CMD ["bash"]' - "$LOCAL_BASE" >/dev/null
    rm -rf "$WORK/rootfs"
    mkdir -p "$CACHE_DIR"
    docker save "$LOCAL_BASE" | gzip -1 >"$BASE_CACHE.partial" && mv "$BASE_CACHE.partial" "$BASE_CACHE"
    say "made $LOCAL_BASE in $(($(seconds) - started)) s; cached at $BASE_CACHE ($(du -h "$BASE_CACHE" | cut -f1))"
}

if [ -n "${BASE_IMAGE:-}" ]; then
    docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || docker pull -q "$BASE_IMAGE" >/dev/null 2>&1 ||
        unusable "base image $BASE_IMAGE is not here and cannot be pulled"
elif docker image inspect "$LOCAL_BASE" >/dev/null 2>&1; then
    BASE_IMAGE=$LOCAL_BASE
elif [ -s "$BASE_CACHE" ]; then
    say "loading $LOCAL_BASE from $BASE_CACHE"
    gzip -dc "$BASE_CACHE" | docker load -q >/dev/null || fail "cannot load $BASE_CACHE (delete it to rebuild)"
    BASE_IMAGE=$LOCAL_BASE
else
    make_local_base
    BASE_IMAGE=$LOCAL_BASE
fi
say "base image: $BASE_IMAGE"

# The wheels are made by $VENV's Python, so the image's Python must be the same minor version.
host_python=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
image_python=$(docker run --rm --entrypoint python3 "$BASE_IMAGE" \
    -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || fail "$BASE_IMAGE has no python3"
[ "$host_python" = "$image_python" ] ||
    fail "$BASE_IMAGE has Python $image_python but the wheels would be built with Python $host_python ($PY);" \
        "use a base with Python $host_python, or a venv made with python$image_python (make image PYTHON=python$image_python after make clean)"

# --- the wheels and the build context --------------------------------------------------------------
# Build from a clean copy of the tree so stale build/ output in the checkout cannot leak into the wheel.
mkdir -p "$WORK/src" "$WORK/context/wheels"
tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist --exclude=./wheels \
    --exclude='*.egg-info' --exclude=__pycache__ --exclude=.pytest_cache --exclude=.hypothesis \
    --exclude=./tests -c . | tar -C "$WORK/src" -x
say "building wheels for fakenova and its dependencies with $PY (Python $host_python)"
"$PY" -m pip wheel --quiet --disable-pip-version-check -w "$WORK/context/wheels" "$WORK/src" \
    >"$WORK/wheel.log" 2>&1 || { cat "$WORK/wheel.log" >&2; fail "pip wheel failed"; }
cp "$ROOT/Dockerfile" "$ROOT/.dockerignore" "$WORK/context/"
say "$(find "$WORK/context/wheels" -name '*.whl' | wc -l) wheels in the build context"

say "docker build --build-arg BASE_IMAGE=$BASE_IMAGE --build-arg WHEEL_ONLY=1 -t $TAG"
started=$(seconds)
build() {
    docker build --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg WHEEL_ONLY=1 "$@" "$WORK/context" \
        >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "docker build failed"; }
}
# The build stage is tagged first so that it can be removed by name afterwards; the second build reuses
# its layers from the cache.
BUILD_STAGE_TAGGED=1
build --target build -t "$BUILD_STAGE"
build -t "$TAG"
docker rmi "$BUILD_STAGE" >/dev/null && BUILD_STAGE_TAGGED=0
size=$(docker image inspect -f '{{.Size}}' "$TAG")
base_size=$(docker image inspect -f '{{.Size}}' "$BASE_IMAGE")
say "built $TAG in $(($(seconds) - started)) s: $((size / 1000000)) MB ($(((size - base_size) / 1000000)) MB over $BASE_IMAGE)"
