# Redis from Debian's redis-server, or Valkey from Debian's valkey-server, each with its official image's
# entrypoint behaviour (sourced by lib.sh's ti_ensure_image; NAME is redis-debian or valkey-debian, TAG is
# MAJOR.MINOR as the official images tag them). Dockbase runs them as `redis-server --appendonly yes
# --requirepass PW` and `valkey-server --appendonly yes --requirepass PW`.
server=${NAME%-debian}
case $server in redis | valkey) ;; *) ti_die "no Redis-like server for the image name $NAME" ;; esac
version=$(chroot "$ROOTFS" "/usr/bin/$server-server" --version | sed -n 's/.* v=\([0-9.]*\) .*/\1/p')
case $version in "$TAG".*) ;; *) ti_die "the root filesystem has $server $version, not $TAG" ;; esac

# $server-server is a name of Debian's $server-check-rdb (one program that looks at the name it runs as).
ti_copy "$ROOTFS" "$STAGE" "/usr/bin/$server-check-rdb" "/usr/bin/$server-check-aof" "/usr/bin/$server-cli" "/usr/bin/$server-benchmark"
ln -s "$server-check-rdb" "$STAGE/usr/bin/$server-server"
if [ "$server" = valkey ]; then
  # As the official image has them: valkey-sentinel (the same program), and the redis-* names that Valkey's
  # `make install` links to the valkey-* programs (USE_REDIS_SYMLINKS, on by default).
  ln -s valkey-check-rdb "$STAGE/usr/bin/valkey-sentinel"
  for tool in server cli benchmark check-aof check-rdb sentinel; do ln -s "valkey-$tool" "$STAGE/usr/bin/redis-$tool"; done
fi
ti_drop_files_in "$STAGE" "$BASE_STAGE"

ti_users "$STAGE" "$server" "/home/$server" /usr/sbin/nologin
mkdir -p "$STAGE/data" "$STAGE/usr/local/bin"
# The entrypoint serves both: it names the server on its `server=` line.
sed "s/^server=redis\$/server=$server/" "$TI_DIR/redis/docker-entrypoint.sh" >"$STAGE/usr/local/bin/docker-entrypoint.sh"
grep -qx "server=$server" "$STAGE/usr/local/bin/docker-entrypoint.sh" || ti_die "the entrypoint does not name $server"
chmod 755 "$STAGE/usr/local/bin/docker-entrypoint.sh"
chown 999:999 "$STAGE/data"

if [ "$server" = redis ]; then
  ti_image "$REF" "$BASE_REF" "$STAGE" "$RECIPE" \
    "Dockbase test image: Redis $version from Debian's redis-server (not the official image)" "
ENV REDIS_VERSION=$version
VOLUME /data
WORKDIR /data
ENTRYPOINT [\"docker-entrypoint.sh\"]
EXPOSE 6379
CMD [\"redis-server\"]"
else
  # The official Valkey image: /data and /run/valkey owned by valkey with mode 1777, no VOLUME line.
  mkdir -p "$STAGE/run/valkey"
  chown 999:999 "$STAGE/run/valkey"
  chmod 1777 "$STAGE/data" "$STAGE/run/valkey"
  ti_image "$REF" "$BASE_REF" "$STAGE" "$RECIPE" \
    "Dockbase test image: Valkey $version from Debian's valkey-server (not the official image)" "
ENV VALKEY_VERSION=$version
WORKDIR /data
ENTRYPOINT [\"docker-entrypoint.sh\"]
EXPOSE 6379
CMD [\"valkey-server\"]"
fi
