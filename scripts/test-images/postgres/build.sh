# PostgreSQL from Debian's postgresql-MAJOR, with an entrypoint that honours the official image's contract
# (sourced by lib.sh's ti_ensure_image; TAG is the major version).
major=$TAG
bin=/usr/lib/postgresql/$major/bin
[ -x "$ROOTFS$bin/postgres" ] || ti_die "postgresql-$major is not installed in $ROOTFS"
version=$(chroot "$ROOTFS" "$bin/postgres" --version | awk '{print $3}')

# Every server and client program (pg_upgrade and pg_dump included, for the upgrade and backup work), the
# server's modules without the JIT (its LLVM library alone would triple the image), the share files.
libdir=/usr/lib/postgresql/$major/lib
modules=()
for f in "$ROOTFS$libdir"/*; do
  case $(basename "$f") in bitcode | llvmjit*) continue ;; esac
  modules+=("${f#"$ROOTFS"}")
done
ti_copy "$ROOTFS" "$STAGE" "$bin" "${modules[@]}" "/usr/share/postgresql/$major"
rm -rf "$STAGE/usr/share/postgresql/$major/man"
# Like the official image: the server listens on every address once initialised (the sample is what initdb
# copies to postgresql.conf).
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$STAGE/usr/share/postgresql/$major/postgresql.conf.sample"
grep -q "^listen_addresses = '\*'" "$STAGE/usr/share/postgresql/$major/postgresql.conf.sample" || ti_die "listen_addresses not set"
ti_drop_files_in "$STAGE" "$BASE_STAGE"

ti_users "$STAGE" postgres /var/lib/postgresql /bin/bash
mkdir -p "$STAGE/usr/local/bin" "$STAGE/docker-entrypoint-initdb.d" "$STAGE/var/lib/postgresql/data" "$STAGE/run/postgresql"
install -m 755 "$TI_DIR/postgres/docker-entrypoint.sh" "$STAGE/usr/local/bin/docker-entrypoint.sh"
ln -s usr/local/bin/docker-entrypoint.sh "$STAGE/docker-entrypoint.sh"
chown 999:999 "$STAGE/var/lib/postgresql" "$STAGE/var/lib/postgresql/data" "$STAGE/run/postgresql"
# As in the official image: the data folder is world-writable until the entrypoint takes it (0700), so a
# container started with --user can initialise it; the socket folder is shared.
chmod 1777 "$STAGE/var/lib/postgresql/data"
chmod 3777 "$STAGE/run/postgresql"

ti_image "$REF" "$BASE_REF" "$STAGE" "$RECIPE" \
  "Dockbase test image: PostgreSQL $version from Debian's postgresql-$major (not the official image)" "
ENV PG_MAJOR=$major PG_VERSION=$version PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$bin LANG=C.UTF-8 PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
ENTRYPOINT [\"docker-entrypoint.sh\"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD [\"postgres\"]"
