# Redis from Debian's redis-server, with the official image's entrypoint behaviour (sourced by lib.sh's
# ti_ensure_image; TAG is MAJOR.MINOR). Dockbase runs it as `redis-server --appendonly yes --requirepass PW`.
version=$(chroot "$ROOTFS" /usr/bin/redis-server --version | sed -n 's/.* v=\([0-9.]*\) .*/\1/p')
case $version in "$TAG".*) ;; *) ti_die "the root filesystem has Redis $version, not $TAG" ;; esac

# redis-server is a name of Debian's redis-check-rdb (one program that looks at the name it runs as).
ti_copy "$ROOTFS" "$STAGE" /usr/bin/redis-check-rdb /usr/bin/redis-check-aof /usr/bin/redis-cli /usr/bin/redis-benchmark
ln -s redis-check-rdb "$STAGE/usr/bin/redis-server"
ti_drop_files_in "$STAGE" "$BASE_STAGE"

ti_users "$STAGE" redis /home/redis /usr/sbin/nologin
mkdir -p "$STAGE/data" "$STAGE/usr/local/bin"
install -m 755 "$TI_DIR/redis/docker-entrypoint.sh" "$STAGE/usr/local/bin/docker-entrypoint.sh"
chown 999:999 "$STAGE/data"

ti_image "$REF" "$BASE_REF" "$STAGE" "$RECIPE" \
  "Dockbase test image: Redis $version from Debian's redis-server (not the official image)" "
ENV REDIS_VERSION=$version
VOLUME /data
WORKDIR /data
ENTRYPOINT [\"docker-entrypoint.sh\"]
EXPOSE 6379
CMD [\"redis-server\"]"
