#!/usr/bin/env bash
# Build the fakenova image from wheels (scripts/docker-image.sh, as `make image` does), run it, and talk
# to it with the real `openstack` CLI.
#
#   scripts/docker-smoke.sh            exit 0: image built, healthy, CLI works; 77: Docker unusable here
#
# Needs: a virtualenv with fakenova's test extras, for the `openstack` CLI (python-openstackclient):
# `make test` makes one in .venv, or `pip install -e '.[test]'`. Docker: a daemon that answers, or root
# with dockerd installed (apt-get install docker.io debootstrap), in which case a private dockerd runs
# under /tmp for this script only. The base image comes as scripts/docker-image.sh says (BASE_IMAGE,
# else a cached debootstrap Debian). Everything this script starts or creates (container, image,
# daemon, its bridge, temp dirs) is removed at exit; the cached base image tarball stays.
#
# Environment:
#   VENV                     virtualenv with fakenova's test extras (default: <repo>/.venv)
#   BASE_IMAGE               base image to build on (default: the local debootstrap image); its python3
#                            must have the same minor version as $VENV's, because the wheels come from there
#   FAKENOVA_CACHE_DIR       where the base image tarball is cached (default: ~/.cache/fakenova)
#   FAKENOVA_DEBIAN_MIRROR   Debian mirror for debootstrap (default: the first one in /etc/apt/sources*)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
IMAGE=fakenova-smoke:$$
CONTAINER=fakenova-smoke-$$

say() { printf '==> %s\n' "$*"; }
unusable() { printf 'docker unusable: %s\n' "$*" >&2; exit 77; }
fail() { printf 'docker-smoke FAILED: %s\n' "$*" >&2; exit 1; }
seconds() { date +%s; }

WORK=$(mktemp -d /tmp/fakenova-smoke.XXXXXX)
DOCKERD_PID=
MADE_BRIDGE=0
IMAGE_BUILT=0
CONTAINER_STARTED=0

cleanup() {
    local status=$?
    set +e
    if [ "$CONTAINER_STARTED" = 1 ]; then
        docker rm -f "$CONTAINER" >/dev/null 2>&1 && say "removed container $CONTAINER"
    fi
    if [ "$IMAGE_BUILT" = 1 ]; then
        docker rmi -f "$IMAGE" >/dev/null 2>&1
        say "removed image $IMAGE"
    fi
    if [ -n "$DOCKERD_PID" ]; then
        kill "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$DOCKERD_PID" 2>/dev/null; then kill -9 "$DOCKERD_PID" 2>/dev/null; fi
        [ "$MADE_BRIDGE" = 1 ] && ip link delete docker0 2>/dev/null
        say "stopped private dockerd (pid $DOCKERD_PID)"
    fi
    # A daemon that died uncleanly can leave overlay mounts behind; unmount before deleting.
    grep -o " $WORK/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$PY" ] || fail "no Python at $PY (set VENV to a virtualenv with fakenova's test extras: make test makes .venv)"
[ -x "$VENV/bin/openstack" ] ||
    fail "no openstack CLI in $VENV/bin: the smoke test needs the test extras (python-openstackclient): pip install -e '.[test]'"
command -v docker >/dev/null || unusable "the docker CLI is not installed (apt-get install docker.io)"

# --- a daemon: the one that answers, else a private one under /tmp ---------------------------------
if docker info >/dev/null 2>&1; then
    say "using the running Docker daemon (${DOCKER_HOST:-default socket})"
else
    command -v dockerd >/dev/null || unusable "no Docker daemon answers and dockerd is not installed"
    [ "$(id -u)" = 0 ] || unusable "no Docker daemon answers and starting one needs root"
    ip link show docker0 >/dev/null 2>&1 || MADE_BRIDGE=1
    mkdir -p "$WORK/docker-data" "$WORK/docker-exec"
    # No iptables rules and no ip_forward change: published ports go through docker-proxy, and the
    # wheel-only build needs no network, so the host is left as it was.
    dockerd --data-root "$WORK/docker-data" --exec-root "$WORK/docker-exec" \
        -H "unix://$WORK/docker.sock" --pidfile "$WORK/dockerd.pid" \
        --iptables=false --ip-forward=false >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    export DOCKER_HOST=unix://$WORK/docker.sock
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        kill -0 "$DOCKERD_PID" 2>/dev/null || break
        sleep 0.5
    done
    if ! docker info >/dev/null 2>&1; then
        unusable "private dockerd did not start: $(tail -n 1 "$WORK/dockerd.log" 2>/dev/null)"
    fi
    say "started private dockerd (pid $DOCKERD_PID, $DOCKER_HOST, storage $(docker info -f '{{.Driver}}'))"
fi

# --- the image, built as `make image` builds it ----------------------------------------------------
dangling_before=$(docker images -q -f dangling=true | sort)
started=$(seconds)
IMAGE_BUILT=1
"$ROOT/scripts/docker-image.sh" "$IMAGE" || exit $?
build_seconds=$(($(seconds) - started))
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
user=$(docker image inspect -f '{{.Config.User}}' "$IMAGE")
case "$user" in "" | root | 0 | 0:*) fail "the image runs as root (USER '$user')" ;; esac
dangling_after=$(docker images -q -f dangling=true | sort)
[ "$dangling_before" = "$dangling_after" ] ||
    fail "the build left dangling images: $(comm -13 <(echo "$dangling_before") <(echo "$dangling_after") | tr '\n' ' ')"
say "no dangling image left by the build; the image runs as user $user"

# --- run it and wait for the healthcheck --------------------------------------------------------------
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CONTAINER_STARTED=1
docker run -d --name "$CONTAINER" -p "127.0.0.1:$PORT:8774" "$IMAGE" >/dev/null 2>"$WORK/run.log" ||
    { cat "$WORK/run.log" >&2; fail "docker run failed"; }
say "docker run -p 127.0.0.1:$PORT:8774 $IMAGE"
health=starting
started=$(seconds)
for _ in $(seq 1 60); do
    health=$(docker inspect -f '{{.State.Health.Status}}' "$CONTAINER" 2>/dev/null || echo gone)
    [ "$health" = starting ] || break
    sleep 1
done
if [ "$health" != healthy ]; then
    docker logs "$CONTAINER" >&2
    fail "container health is '$health', not healthy"
fi
say "container is healthy after $(($(seconds) - started)) s (HEALTHCHECK with urllib)"
"$PY" - "$PORT" <<'EOF' || fail "GET /compute/ through the published port failed"
import json, sys, urllib.request
body = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/compute/", timeout=10))
current = [v for v in body["versions"] if v["id"] == "v2.1"][0]
print(f"==> GET /compute/: v2.1 microversions {current['min_version']}..{current['version']}")
EOF

# --- the real CLI against it --------------------------------------------------------------------------
openstack() {
    # No OS_* from the caller's environment may leak in (OS_CLOUD would pick another cloud).
    env $(env | grep -oE '^OS_[A-Za-z0-9_]+' | sed 's/^/-u /') "$VENV/bin/openstack" \
        --os-auth-url "http://127.0.0.1:$PORT/identity" --os-identity-api-version 3 \
        --os-username demo --os-password demo --os-project-name demo \
        --os-user-domain-name Default --os-project-domain-name Default --os-region-name RegionOne "$@"
}
check() {  # check "what" 'python expression over `data`' -- openstack args...
    local what=$1 expr=$2
    shift 3
    local out
    out=$(openstack "$@" -f json 2>"$WORK/cli.err") || { cat "$WORK/cli.err" >&2; fail "openstack $* failed"; }
    "$PY" -c "import json, sys; data = json.loads(sys.argv[1]); assert $expr, data; print('==> openstack $*: ' + $what)" \
        "$out" || fail "openstack $* gave unexpected output: $out"
}
check '"token " + data["id"][:12] + "... for project " + data["project_id"]' \
    'data["id"] and data["project_id"]' -- token issue
check '", ".join(f["Name"] for f in data)' 'len(data) > 0' -- flavor list
check '"services " + ", ".join(sorted({v["Service Type"] for v in data})) + "; compute microversions up to "
    + [v["Max Microversion"] for v in data if v["Service Type"] == "compute" and v["Max Microversion"]][0]' \
    'any(v["Service Type"] == "compute" and v["Max Microversion"] for v in data)' -- versions show

started=$(seconds)
docker stop "$CONTAINER" >/dev/null
say "docker stop took $(($(seconds) - started)) s; exit code $(docker inspect -f '{{.State.ExitCode}}' "$CONTAINER")"
say "docker smoke test passed (image $((size / 1000000)) MB, built in ${build_seconds} s)"
