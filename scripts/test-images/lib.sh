# Helpers for the test images, sourced by scripts/test-env.sh and by each builder (bash).
#
# A real server's image is two layers plus metadata:
#   base    one per Debian suite (scripts/test-images/base): shells, gosu, the C libraries, time zones,
#           the C.UTF-8 locale. Shared by every image of the suite, so the registry stores it once.
#   engine  what the server needs and the base lacks: its binaries, the libraries `ldd` lists, its share
#           files, its entrypoint, users and folders, added from a tar so owners and modes are exact.
# Everything comes from a Debian root filesystem made by debootstrap, cached under $STATE_DIR/rootfs by
# the hash of its recipe; images carry their recipe hash as a label, which is what "fresh" checks.

TI_DIR=${TI_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
STATE_DIR=${STATE_DIR:-${DOCKBASE_TEST_STATE:-/var/tmp/dockbase-test-env}}
REGISTRY=${REGISTRY:-127.0.0.1:5000}
RECIPE_LABEL=io.dockbase.test.recipe

ti_log() { printf '[test-env] %s\n' "$*"; }
ti_die() { printf '[test-env] ERROR: %s\n' "$*" >&2; exit 1; }

# Short hash of recipe files' contents and names (files or folders under scripts/test-images, named by their
# path relative to it, so that every checkout computes the same hash) plus any extra words.
#   ti_hash FILE_OR_DIR... [-- WORD...]
# Every file under scripts/test-images is read once per run (one sha256sum), then the sums are reused.
declare -gA TI_SUMS=()
declare -ga TI_PATHS=()
ti_load_sums() {
  [ ${#TI_PATHS[@]} -gt 0 ] && return 0
  local sum path
  while read -r sum path; do
    TI_SUMS[$path]=$sum
    TI_PATHS+=("$path")
  done < <(cd "$TI_DIR" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
ti_hash() {
  ti_load_sums
  local lines=() f rel p words=()
  while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; words=("$@"); break; fi
    f=$1; shift
    rel=./${f#"$TI_DIR"/}
    if [ -n "${TI_SUMS[$rel]:-}" ]; then
      lines+=("${TI_SUMS[$rel]} $rel")
    else
      for p in "${TI_PATHS[@]}"; do
        case $p in "$rel"/*) lines+=("${TI_SUMS[$p]} $p") ;; esac
      done
      [ ${#lines[@]} -gt 0 ] || ti_die "ti_hash: $f is not a recipe file under $TI_DIR"
    fi
  done
  local h
  read -r h _ < <(printf '%s\n' "${lines[@]}" "${words[@]}" | sha256sum)
  echo "${h:0:16}"
}

# The recipe label of NAME:TAG in the local registry, or nothing when the image is not there.
ti_registry_recipe() { # repo tag
  local manifest digest
  manifest=$(curl -fs --max-time 5 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY/v2/$1/manifests/$2") || return 0
  digest=$(printf '%s' "$manifest" | tr -d ' \n' | grep -o '"config":{[^}]*}' | grep -o 'sha256:[0-9a-f]*' | head -1)
  [ -n "$digest" ] || return 0
  curl -fs --max-time 5 "http://$REGISTRY/v2/$1/blobs/$digest" | grep -o "\"$RECIPE_LABEL\":\"[0-9a-f]*\"" | cut -d'"' -f4 | head -1
}

# Root filesystems: ti_rootfs_minbase, ti_rootfs_packages.
# shellcheck source=scripts/test-images/rootfs.sh
source "$TI_DIR/rootfs.sh"

# Where a path lives on a merged-/usr Debian system (/lib/x → /usr/lib/x).
ti_canonical() {
  case $1 in
    /lib/* | /lib64/* | /bin/* | /sbin/*) echo "/usr$1" ;;
    *) echo "$1" ;;
  esac
}

# Copies paths (files, folders, symlinks as symlinks) from ROOTFS into DEST at the same place, plus every
# shared library that the ELF files among them need, as `ldd` inside ROOTFS resolves them.
#   ti_copy ROOTFS DEST PATH...
ti_copy() {
  local root=$1 dest=$2; shift 2
  local p target
  for p in "$@"; do
    [ -e "$root$p" ] || [ -L "$root$p" ] || ti_die "$p is not in $root"
    target=$(ti_canonical "$p")
    if [ -d "$root$p" ] && [ ! -L "$root$p" ]; then
      mkdir -p "$dest$target"
      cp -a "$root$p/." "$dest$target/"
    else
      mkdir -p "$dest$(dirname "$target")"
      cp -a "$root$p" "$dest$target"
    fi
  done
  ti_copy_libs "$root" "$dest" "$@"
}

# Copies the shared libraries the ELF files under PATHs need (recursively resolved by ldd).
ti_copy_libs() { # root dest path...
  local root=$1 dest=$2; shift 2
  local lib real target
  # One chroot for all files: ldd each regular ELF file, print every resolved library path and the file it
  # is in the end (resolved inside the root filesystem: links through /etc/alternatives are absolute).
  chroot "$root" /bin/sh -c '
    find "$@" -type f 2>/dev/null | while read -r f; do
      head -c 4 "$f" 2>/dev/null | grep -q ELF || continue
      ldd "$f" 2>/dev/null | grep -o "/[^ ]*" || true
    done | sort -u | while read -r lib; do echo "$lib $(readlink -f "$lib")"; done' sh "$@" | while read -r lib real; do
    target=$(ti_canonical "$(dirname "$lib")")/$(basename "$lib")
    [ -e "$dest$target" ] && continue
    mkdir -p "$dest$(dirname "$target")"
    cp "$root$real" "$dest$target" || { echo "cannot copy $lib ($real) from $root" >&2; exit 1; }
  done || ti_die "copying the shared libraries failed"
}

# Removes from DIR every file that BASE already has at the same path (the base layer provides it).
ti_drop_files_in() { # dir base
  local dir=$1 base=$2 rel
  (cd "$dir" && find . \( -type f -o -type l \) -print) | while read -r rel; do
    if [ -e "$base/$rel" ] || [ -L "$base/$rel" ]; then rm -f "$dir/$rel"; fi
  done
  find "$dir" -mindepth 1 -type d -empty -delete
}

# Writes passwd and group files with root and one service user: uid/gid 999 like the official Debian-based
# images, or UID (70 is the postgres user of the official Alpine-based images).
ti_users() { # dest user home shell [uid]
  local id=${5:-999}
  mkdir -p "$1/etc"
  printf 'root:x:0:0:root:/root:/bin/bash\n%s:x:%s:%s::%s:%s\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' "$2" "$id" "$id" "$3" "$4" >"$1/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\nnogroup:x:65534:\n' "$2" "$id" >"$1/etc/group"
  chmod 644 "$1/etc/passwd" "$1/etc/group"
}

# Makes a Docker image from a base image and a staging folder:
#   ti_image REF BASE STAGE RECIPE TITLE [DOCKERFILE-LINES]
# The folder goes in as a tar (ADD keeps owners and modes); DOCKERFILE-LINES follow it.
ti_image() {
  local ref=$1 base=$2 stage=$3 recipe=$4 title=$5 tail=${6:-}
  local ctx; ctx=$(mktemp -d)
  chmod 755 "$stage"
  tar --numeric-owner -C "$stage" -cf "$ctx/layer.tar" .
  {
    echo "FROM $base"
    echo "ADD layer.tar /"
    printf '%s\n' "$tail"
    echo "LABEL $RECIPE_LABEL=\"$recipe\" org.opencontainers.image.title=\"$title\""
  } >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$ref" "$ctx" >/dev/null 2>"$ctx/build.log" ||
    { cat "$ctx/build.log" >&2; rm -rf "$ctx"; ti_die "docker build $ref failed"; }
  rm -rf "$ctx"
}

# ---- Drivers ---------------------------------------------------------------------------------------------

# The recipe hash of a suite's base layer and of an image: only files of this repository, so checking
# whether an image is fresh never needs a root filesystem.
ti_base_recipe() { # suite
  ti_hash "$TI_DIR/lib.sh" "$TI_DIR/rootfs.sh" "$TI_DIR/base" -- base "$1" "$(ti_suite_packages "$1")"
}
ti_image_recipe() { # name tag builder suite
  local suite_part=-
  [ "$4" = - ] || suite_part=$(ti_base_recipe "$4")
  ti_hash "$TI_DIR/lib.sh" "$TI_DIR/$3" -- image "$1" "$2" "$3" "$4" "$suite_part"
}

# Makes sure the suite's base image exists locally (dockbase-test/debian-base:SUITE) and its staging
# folder is cached; prints "REF STAGE".
ti_ensure_base() { # suite
  local suite=$1 recipe ref stage rootfs
  recipe=$(ti_base_recipe "$suite")
  ref=dockbase-test/debian-base:$suite
  stage=$STATE_DIR/base/$suite-$recipe
  if [ ! -e "$stage.complete" ]; then
    rootfs=$(ti_rootfs_packages "$suite") || exit 1
    rm -rf "$stage" && mkdir -p "$stage"
    (ROOTFS=$rootfs STAGE=$stage && source "$TI_DIR/base/build.sh") || ti_die "building the $suite base layer failed"
    touch "$stage.complete"
    ti_prune "$STATE_DIR/base/$suite-*" "$stage"
    ti_prune "$STATE_DIR/base/$suite-*.complete" "$stage.complete"
  fi
  if [ "$(docker image inspect --format "{{index .Config.Labels \"$RECIPE_LABEL\"}}" "$ref" 2>/dev/null)" != "$recipe" ]; then
    chmod 755 "$stage"
    tar --numeric-owner -C "$stage" -c . | docker import \
      -c "LABEL $RECIPE_LABEL=\"$recipe\" org.opencontainers.image.title=\"Dockbase test images: base layer from Debian $suite\"" \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "$ref" >/dev/null || ti_die "docker import $ref failed"
  fi
  echo "$ref $stage"
}

# The manifest digests of REPO:TAG... in the registry, one HEAD request each in one curl: "REPO:TAG DIGEST"
# lines (no digest when the image is missing).
ti_registry_digests() {
  [ $# -gt 0 ] || return 0
  local args=() ref
  for ref; do args+=(-o /dev/null "http://$REGISTRY/v2/${ref%%:*}/manifests/${ref#*:}"); done
  curl -s -I --max-time 10 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -w '%{url_effective} %{http_code} %header{docker-content-digest}\n' "${args[@]}" |
    sed -n "s#^http://$REGISTRY/v2/\(.*\)/manifests/\([^ ]*\) 200 \(sha256:[0-9a-f]*\).*#\1:\2 \3#p"
}

# What this machine knows it pushed: "REPO:TAG RECIPE DIGEST" lines in $STATE_DIR/test-images.state. A warm
# check is then one HEAD per image (is that digest still there?) instead of reading each image's config.
TI_STATE=$STATE_DIR/test-images.state
ti_state_record() { # repo:tag recipe
  local digest tmp
  digest=$(ti_registry_digests "$1" | awk '{print $2}')
  [ -n "$digest" ] || return 0
  tmp=$(mktemp -p "$STATE_DIR")
  { grep -v "^$1 " "$TI_STATE" 2>/dev/null || true; echo "$1 $2 $digest"; } >"$tmp"
  mv "$tmp" "$TI_STATE"
}

# Whether REPO:TAG in the registry is the image built from RECIPE (one HEAD request when this machine pushed
# it; otherwise the label in the registry decides, and the answer is remembered).
ti_fresh() { # repo:tag recipe
  local ref=$1 recipe=$2 known_recipe='' known_digest='' digest
  if [ -f "$TI_STATE" ]; then read -r _ known_recipe known_digest < <(grep "^$ref " "$TI_STATE" || true); fi
  digest=$(ti_registry_digests "$ref" | awk '{print $2}')
  [ -n "$digest" ] || return 1
  [ "$known_recipe" = "$recipe" ] && [ "$known_digest" = "$digest" ] && return 0
  [ "$(ti_registry_recipe "${ref%%:*}" "${ref#*:}")" = "$recipe" ] || return 1
  ti_state_record "$ref" "$recipe"
}

# Prints the images.txt lines (name tag builder suite) of the images that must be (re)built.
ti_stale_images() {
  ti_load_sums
  local -A want=() line=() known_recipe=() known_digest=() present=()
  local name tag builder suite _ ref recipe digest
  while read -r name tag builder suite _; do
    case $name in '' | '#'*) continue ;; esac
    ref=dockbase-test/$name:$tag
    want[$ref]=$(ti_image_recipe "$name" "$tag" "$builder" "$suite")
    line[$ref]="$name $tag $builder $suite"
  done <"$TI_DIR/images.txt"
  if [ -f "$TI_STATE" ]; then
    while read -r ref recipe digest; do known_recipe[$ref]=$recipe; known_digest[$ref]=$digest; done <"$TI_STATE"
  fi
  while read -r ref digest; do present[$ref]=$digest; done < <(ti_registry_digests "${!want[@]}")
  for ref in "${!want[@]}"; do
    if [ -n "${present[$ref]:-}" ] && [ "${known_recipe[$ref]:-}" = "${want[$ref]}" ] && [ "${known_digest[$ref]:-}" = "${present[$ref]}" ]; then
      continue
    fi
    # Not pushed from here (or the state was lost): the label in the registry decides.
    if [ -n "${present[$ref]:-}" ] && [ "$(ti_registry_recipe "${ref%%:*}" "${ref#*:}")" = "${want[$ref]}" ]; then
      ti_state_record "$ref" "${want[$ref]}"
      continue
    fi
    echo "${line[$ref]}"
  done
}

# Builds NAME:TAG with its builder and pushes it to the local registry, unless the registry already
# holds it with the same recipe. Prints nothing when it was fresh.
ti_ensure_image() { # name tag builder suite
  local name=$1 tag=$2 builder=$3 suite=$4 recipe ref
  recipe=$(ti_image_recipe "$name" "$tag" "$builder" "$suite")
  ref=$REGISTRY/dockbase-test/$name:$tag
  [ "$(ti_registry_recipe "dockbase-test/$name" "$tag")" = "$recipe" ] && return 0
  ti_log "building $ref ($builder${suite:+, Debian $suite})"
  local started=$SECONDS rootfs='' base_ref='' base_stage='' stage old_id
  old_id=$(docker image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
  if [ "$suite" != - ]; then
    rootfs=$(ti_rootfs_packages "$suite") || exit 1
    read -r base_ref base_stage < <(ti_ensure_base "$suite") || exit 1
    [ -n "$base_stage" ] || ti_die "no base layer for $suite"
  fi
  stage=$(mktemp -d)
  (ROOTFS=$rootfs STAGE=$stage BASE_REF=$base_ref BASE_STAGE=$base_stage REF=$ref TAG=$tag RECIPE=$recipe NAME=$name &&
    source "$TI_DIR/$builder/build.sh") || { rm -rf "$stage"; ti_die "building $ref failed"; }
  rm -rf "$stage"
  docker push -q "$ref" >/dev/null || ti_die "docker push $ref failed"
  ti_state_record "dockbase-test/$name:$tag" "$recipe"
  # The image this one replaces is left without a name: remove it (unless a container still uses it).
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$ref")" ]; then
    docker image rm "$old_id" >/dev/null 2>&1 || true
  fi
  ti_log "built $ref in $((SECONDS - started)) s ($(docker image inspect --format '{{.Size}}' "$ref" | awk '{printf "%.0f MB", $1 / 1e6}'))"
}
