#!/usr/bin/env bash
# Makes this machine ready for Dockbase's engine and browser tests, idempotently:
#   1. a Docker engine (uses a running one; on Debian as root installs docker.io and starts dockerd),
#   2. a throwaway registry on 127.0.0.1:5000 (Debian's docker-registry),
#   3. the test images in that registry: a REAL Redis server assembled from Debian's redis-server
#      binaries, and small stand-ins for the engines whose servers cannot be built here,
#   4. Chromium for the browser suite.
# When everything is already up it only checks, in well under 10 seconds.
set -euo pipefail

REGISTRY=127.0.0.1:5000
STATE_DIR=${DOCKBASE_TEST_STATE:-/var/tmp/dockbase-test-env}
REDIS_TAG=7.0
# Image references the tests use. "dockbase-test/" and "standin-" say what they are: not official images.
REDIS_IMAGE=$REGISTRY/dockbase-test/redis:$REDIS_TAG
STANDINS="postgres:17:5432 postgres:18:5432 mysql:8.4:3306 mariadb:11.4:3306 mongo:8.0:27017 mongo:8.2:27017"

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
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
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
in_registry() { # repo tag
  curl -fs -o /dev/null --max-time 2 \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY/v2/$1/manifests/$2"
}

# Copies binaries and every library they link into a root folder.
copy_with_libs() { # root binary...
  local root=$1; shift
  local f lib
  for f in "$@"; do
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f"
    for lib in $(ldd "$f" | grep -o '/[^ ]*' | sort -u); do
      mkdir -p "$root$(dirname "$lib")"
      cp -Ln "$lib" "$root$lib"
    done
  done
}

build_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
  local work; work=$(mktemp -d)
  # Layer 1: a shell (for HEALTHCHECK CMD-SHELL) and the C libraries. Layer 2: Redis itself.
  copy_with_libs "$work/base" /bin/sh
  mkdir -p "$work/base/data" "$work/base/tmp" "$work/base/etc"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$work/base/etc/passwd"
  tar -C "$work/base" -c . | docker import - dockbase-test/redis-base:$REDIS_TAG >/dev/null
  copy_with_libs "$work/app" /usr/bin/redis-server /usr/bin/redis-cli
  rm -rf "$work/app/lib" "$work/app/lib64" "$work/app/usr/lib"   # already in the base layer
  copy_with_libs "$work/libs" /usr/bin/redis-server /usr/bin/redis-cli
  cat >"$work/Dockerfile" <<EOF
FROM dockbase-test/redis-base:$REDIS_TAG
COPY libs/ /
COPY app/ /
WORKDIR /data
EXPOSE 6379
LABEL org.opencontainers.image.title="Dockbase test image: Redis from Debian's redis-server (not the official image)"
CMD ["redis-server"]
EOF
  DOCKER_BUILDKIT=0 docker build -q -t "$REDIS_IMAGE" "$work" >/dev/null
  docker push -q "$REDIS_IMAGE" >/dev/null
  rm -rf "$work"
}

build_standin() { # engine tag port
  local engine=$1 tag=$2 port=$3
  command -v busybox >/dev/null && busybox --list | grep -qx httpd || apt_install busybox-static
  local work; work=$(mktemp -d)
  local root=$work/root
  mkdir -p "$root/bin" "$root/usr/local/bin" "$root/www" "$root/tmp"
  cp "$(command -v busybox)" "$root/bin/busybox"
  for applet in sh nc httpd sleep cat echo touch ls hostname date mkdir; do ln -s busybox "$root/bin/$applet"; done
  local secret_check data_dirs
  case $engine in
    postgres) secret_check='[ -n "${POSTGRES_PASSWORD:-}" ] || { echo "Error: Database is uninitialized and superuser password is not specified." >&2; exit 1; }'
              if [ "$tag" -ge 18 ] 2>/dev/null; then data_dirs=/var/lib/postgresql; else data_dirs=/var/lib/postgresql/data; fi ;;
    mysql)    secret_check='[ -n "${MYSQL_ROOT_PASSWORD:-}" ] || { echo "error: database is uninitialized and password option is not specified" >&2; exit 1; }'
              data_dirs=/var/lib/mysql ;;
    mariadb)  secret_check='[ -n "${MARIADB_ROOT_PASSWORD:-}" ] || { echo "error: database is uninitialized and password option is not specified" >&2; exit 1; }'
              data_dirs=/var/lib/mysql ;;
    mongo)    secret_check='[ -n "${MONGO_INITDB_ROOT_USERNAME:-}" ] && [ -n "${MONGO_INITDB_ROOT_PASSWORD:-}" ] || { echo "error: MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD are both required" >&2; exit 1; }'
              data_dirs="/data/db /data/configdb" ;;
    *) die "unknown stand-in $engine" ;;
  esac
  cat >"$root/usr/local/bin/standin-entrypoint" <<EOF
#!/bin/sh
# Dockbase TEST STAND-IN for $engine:$tag. Not a database: it checks the admin secret like the
# official image, marks its data folders, listens on $port and says it is ready.
$secret_check
for d in $data_dirs; do mkdir -p "\$d"; [ -f "\$d/.standin-initialized" ] || date >"\$d/.standin-initialized"; done
echo "dockbase stand-in for $engine:$tag: ready for connections on port $port"
exec httpd -f -p $port -h /www
EOF
  # The official images' health tools, answering "is the port open?" like the real ones.
  local probe="#!/bin/sh
exec nc -w 1 127.0.0.1 $port </dev/null >/dev/null 2>&1"
  for tool in pg_isready mysqladmin healthcheck.sh mongosh; do
    printf '%s\n' "$probe" >"$root/usr/local/bin/$tool"
  done
  # MongoDB's probe is a bash script sending a wire-level hello: the stand-in's "bash" answers the same way.
  if [ "$engine" = mongo ]; then printf '%s\n' "$probe" >"$root/usr/local/bin/bash"; fi
  chmod +x "$root"/usr/local/bin/*
  echo "Dockbase stand-in for $engine" >"$root/www/index.html"
  local ref=$REGISTRY/dockbase-test/standin-$engine:$tag
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/bin:/bin' \
    -c "EXPOSE $port" \
    -c 'ENTRYPOINT ["/usr/local/bin/standin-entrypoint"]' \
    -c "LABEL org.opencontainers.image.title=\"Dockbase test stand-in for $engine (not a database)\"" \
    - "$ref" >/dev/null
  docker push -q "$ref" >/dev/null
  rm -rf "$work"
}

# Images built by an older version of this script are rebuilt.
recipe=$(sha256sum "$0" | cut -c1-16)
fresh() { [ "$(cat "$STATE_DIR/images.recipe" 2>/dev/null)" = "$recipe" ] && in_registry "$1" "$2"; }
if ! fresh dockbase-test/redis "$REDIS_TAG"; then
  log "building the Redis test image $REDIS_IMAGE"
  build_redis
fi
for spec in $STANDINS; do
  IFS=: read -r engine tag port <<<"$spec"
  if ! fresh "dockbase-test/standin-$engine" "$tag"; then
    log "building stand-in $REGISTRY/dockbase-test/standin-$engine:$tag"
    build_standin "$engine" "$tag" "$port"
  fi
done
echo "$recipe" >"$STATE_DIR/images.recipe"
log "test images: $REDIS_IMAGE and stand-ins for postgres, mysql, mariadb, mongo"

# ---- 4. Chromium -----------------------------------------------------------------------------------
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  apt_install chromium
fi
[ -x "$CHROMIUM" ] || die "Chromium missing at $CHROMIUM"
log "chromium: $CHROMIUM"
log "ready"
