# PostgreSQL from Debian's postgresql-MAJOR, with an entrypoint that honours the official image's contract
# (sourced by lib.sh's ti_ensure_image). NAME picks the flavour and TAG is tagged the way its official image
# is, so that Dockbase's flavour catalog applies with only the repository replaced:
#   postgres-debian     MAJOR           the postgres image
#   postgis-debian      MAJOR-X.Y       postgis/postgis: + postgresql-MAJOR-postgis-3 (PostGIS X.Y), its
#                                       initdb script and update-postgis.sh, PROJ's and GDAL's data
#   pgvector-debian     pgMAJOR         pgvector/pgvector: + postgresql-MAJOR-pgvector
#   timescaledb-debian  X.Y.Z-pgMAJOR   timescale/timescaledb: + postgresql-MAJOR-timescaledb (X.Y.Z),
#                                       preloaded from postgresql.conf.sample, its initdb script; uid 70
#                                       like that image (it is built on postgres:MAJOR-alpine)
# The suite's root filesystem has every flavour's packages installed: each image copies the files of its own
# packages only (dpkg -L), so the postgres image has no extension beyond PostgreSQL's own, like the official.
flavour=${NAME%-debian}
ext_packages=() want=''
uid=999
case $flavour in
  postgres) major=$TAG ;;
  postgis) major=${TAG%%-*} want=${TAG#*-} ext_packages=("postgresql-$major-postgis-3" "postgresql-$major-postgis-3-scripts") ;;
  pgvector) major=${TAG#pg} ext_packages=("postgresql-$major-pgvector") ;;
  timescaledb) major=${TAG##*-pg} want=${TAG%-pg*} ext_packages=("postgresql-$major-timescaledb") uid=70 ;;
  *) ti_die "no PostgreSQL flavour for the image name $NAME" ;;
esac
case $major in '' | *[!0-9]*) ti_die "no PostgreSQL major version in the tag $NAME:$TAG" ;; esac
bin=/usr/lib/postgresql/$major/bin
[ -x "$ROOTFS$bin/postgres" ] || ti_die "postgresql-$major is not installed in $ROOTFS"
version=$(chroot "$ROOTFS" "$bin/postgres" --version | awk '{print $3}')
# The extension's upstream version (Debian's version without its epoch and its +dfsg/-N suffixes).
ext_version=''
if [ ${#ext_packages[@]} -gt 0 ]; then
  ext_version=$(chroot "$ROOTFS" dpkg-query -W -f '${Version}' "${ext_packages[0]}") || ti_die "${ext_packages[0]} is not installed in $ROOTFS"
  ext_version=${ext_version#*:}
  ext_version=${ext_version%%[+~-]*}
fi
if [ -n "${want:-}" ]; then
  case $ext_version in "$want" | "$want".*) ;; *) ti_die "the tag $TAG wants ${ext_packages[0]} $want, the root filesystem has $ext_version" ;; esac
fi

# The packages' files under PostgreSQL's own folders: every server and client program (pg_upgrade and pg_dump
# included, for the upgrade and backup work), the modules without the JIT (its LLVM library alone would
# triple the image), the share files without the manual pages; of an extension's package, not its test files
# for pgxs either.
files=$STAGE.files
{
  chroot "$ROOTFS" dpkg -L "postgresql-$major" "postgresql-client-$major"
  [ ${#ext_packages[@]} -eq 0 ] || chroot "$ROOTFS" dpkg -L "${ext_packages[@]}" | grep -v '/pgxs/'
} | sort -u | grep -E "^/usr/(lib|share)/postgresql/$major/" | grep -Ev '/bitcode(/|$)|/llvmjit|/man/' |
  while read -r f; do [ -d "$ROOTFS$f" ] && [ ! -L "$ROOTFS$f" ] || echo "${f#/}"; done >"$files"
grep -q "^usr/lib/postgresql/$major/bin/postgres\$" "$files" || ti_die "no files of postgresql-$major in $ROOTFS"
tar -C "$ROOTFS" --no-recursion -cf - -T "$files" | tar -C "$STAGE" -xf - || ti_die "copying PostgreSQL's files failed"
# Debian names an extension's default version through alternatives (postgis.control → postgis-3.control):
# the image gets the file the link resolves to.
ext=/usr/share/postgresql/$major/extension
for link in "$ROOTFS$ext"/*.control; do
  [ -L "$link" ] || continue
  target=$(chroot "$ROOTFS" readlink -f "${link#"$ROOTFS"}") || continue
  if grep -qx "${target#/}" "$files"; then cp "$ROOTFS$target" "$STAGE$ext/$(basename "$link")" || ti_die "copying $target failed"; fi
done
# The shared libraries the programs and modules need (for PostGIS: GEOS, PROJ, GDAL, SFCGAL and theirs).
mapfile -t elves < <(grep "^usr/lib/postgresql/$major/" "$files" | sed 's#^#/#')
ti_copy_libs "$ROOTFS" "$STAGE" "${elves[@]}"
rm -f "$files"
if [ "$flavour" = postgis ]; then
  # PROJ's database and grids (ST_Transform) and GDAL's data (rasters), as the official image has them.
  ti_copy "$ROOTFS" "$STAGE" /usr/share/proj /usr/share/gdal
fi
ti_drop_files_in "$STAGE" "$BASE_STAGE"

sample=$STAGE/usr/share/postgresql/$major/postgresql.conf.sample
# Like the official image: the server listens on every address once initialised (the sample is what initdb
# copies to postgresql.conf).
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$sample"
grep -q "^listen_addresses = '\*'" "$sample" || ti_die "listen_addresses not set"

ti_users "$STAGE" postgres /var/lib/postgresql /bin/bash "$uid"
mkdir -p "$STAGE/usr/local/bin" "$STAGE/docker-entrypoint-initdb.d" "$STAGE/var/lib/postgresql/data" "$STAGE/run/postgresql"
install -m 755 "$TI_DIR/postgres/docker-entrypoint.sh" "$STAGE/usr/local/bin/docker-entrypoint.sh"
ln -s usr/local/bin/docker-entrypoint.sh "$STAGE/docker-entrypoint.sh"

env="PG_MAJOR=$major PG_VERSION=$version"
title="PostgreSQL $version from Debian's postgresql-$major"
case $flavour in
  postgis)
    install -m 755 "$TI_DIR/postgres/flavours/postgis-initdb.sh" "$STAGE/docker-entrypoint-initdb.d/10_postgis.sh"
    install -m 755 "$TI_DIR/postgres/flavours/update-postgis.sh" "$STAGE/usr/local/bin/update-postgis.sh"
    full=$(chroot "$ROOTFS" dpkg-query -W -f '${Version}' "${ext_packages[0]}")
    env="$env POSTGIS_MAJOR=3 POSTGIS_VERSION=$full"
    title="$title + PostGIS $ext_version from ${ext_packages[0]}"
    ;;
  pgvector) title="$title + pgvector $ext_version from ${ext_packages[0]}" ;;
  timescaledb)
    # As the official image does: the library is preloaded by every cluster initdb makes.
    sed -ri "s/[#]*\s*(shared_preload_libraries)\s*=\s*'(.*)'/\1 = 'timescaledb,\2'/;s/,'/'/" "$sample"
    grep -q "^shared_preload_libraries = 'timescaledb'" "$sample" || ti_die "shared_preload_libraries not set"
    install -m 755 "$TI_DIR/postgres/flavours/timescaledb-initdb.sh" "$STAGE/docker-entrypoint-initdb.d/000_install_timescaledb.sh"
    title="$title + TimescaleDB $ext_version (Apache-licensed part) from ${ext_packages[0]}"
    ;;
esac
chown "$uid:$uid" "$STAGE/var/lib/postgresql" "$STAGE/var/lib/postgresql/data" "$STAGE/run/postgresql"
# As in the official image: the data folder is world-writable until the entrypoint takes it (0700), so a
# container started with --user can initialise it; the socket folder is shared.
chmod 1777 "$STAGE/var/lib/postgresql/data"
chmod 3777 "$STAGE/run/postgresql"

ti_image "$REF" "$BASE_REF" "$STAGE" "$RECIPE" \
  "Dockbase test image: $title (not the official image)" "
ENV $env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$bin LANG=C.UTF-8 PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
ENTRYPOINT [\"docker-entrypoint.sh\"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD [\"postgres\"]"
