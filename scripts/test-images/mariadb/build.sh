# MariaDB from Debian's mariadb-server, with an entrypoint and a healthcheck.sh that honour the official
# image's contract (sourced by lib.sh's ti_ensure_image; TAG is MAJOR.MINOR).
version=$(chroot "$ROOTFS" /usr/sbin/mariadbd --version | awk '{print $3}')
case $version in "$TAG".*) ;; *) ti_die "the root filesystem has MariaDB $version, not $TAG" ;; esac

share=/usr/share/mariadb
[ -d "$ROOTFS$share" ] || share=/usr/share/mysql
tools=(mariadb mariadb-admin mariadb-dump mariadb-upgrade mariadb-check mariadb-install-db mariadb-tzinfo-to-sql
  mariadb-show my_print_defaults resolveip)
paths=(/usr/sbin/mariadbd "$share" /usr/bin/flock)
for t in "${tools[@]}"; do paths+=("/usr/bin/$t"); done
# Plugins except PAM authentication (it needs PAM and a setuid helper).
for f in "$ROOTFS"/usr/lib/mysql/plugin/*; do
  case $(basename "$f") in auth_pam*) continue ;; esac
  paths+=("${f#"$ROOTFS"}")
done
ti_copy "$ROOTFS" "$STAGE" "${paths[@]}"
# The mysql* names the official image keeps for compatibility.
ln -s mariadbd "$STAGE/usr/sbin/mysqld"
for pair in mysql:mariadb mysqladmin:mariadb-admin mysqldump:mariadb-dump mysql_upgrade:mariadb-upgrade \
  mysqlcheck:mariadb-check mysql_install_db:mariadb-install-db mysql_tzinfo_to_sql:mariadb-tzinfo-to-sql \
  mysqlshow:mariadb-show; do
  ln -s "${pair#*:}" "$STAGE/usr/bin/${pair%%:*}"
done
ti_drop_files_in "$STAGE" "$BASE_STAGE"

ti_users "$STAGE" mysql /home/mysql /bin/bash
mkdir -p "$STAGE/etc/mysql/conf.d" "$STAGE/etc/mysql/mariadb.conf.d" "$STAGE/usr/local/bin" \
  "$STAGE/docker-entrypoint-initdb.d" "$STAGE/var/lib/mysql" "$STAGE/run/mysqld" "$STAGE/home/mysql"
install -m 644 "$TI_DIR/mariadb/conf/my.cnf" "$STAGE/etc/mysql/my.cnf"
install -m 644 "$TI_DIR/mariadb/conf/05-skipcache.cnf" "$STAGE/etc/mysql/conf.d/05-skipcache.cnf"
install -m 644 "$TI_DIR/mariadb/conf/50-server.cnf" "$STAGE/etc/mysql/mariadb.conf.d/50-server.cnf"
install -m 755 "$TI_DIR/mariadb/docker-entrypoint.sh" "$STAGE/usr/local/bin/docker-entrypoint.sh"
install -m 755 "$TI_DIR/mariadb/healthcheck.sh" "$STAGE/usr/local/bin/healthcheck.sh"
ln -s usr/local/bin/docker-entrypoint.sh "$STAGE/docker-entrypoint.sh"
chown 999:999 "$STAGE/var/lib/mysql" "$STAGE/run/mysqld" "$STAGE/home/mysql"
chmod 1777 "$STAGE/run/mysqld"

ti_image "$REF" "$BASE_REF" "$STAGE" "$RECIPE" \
  "Dockbase test image: MariaDB $version from Debian's mariadb-server (not the official image)" "
ENV MARIADB_VERSION=$version LANG=C.UTF-8
VOLUME /var/lib/mysql
ENTRYPOINT [\"docker-entrypoint.sh\"]
EXPOSE 3306
CMD [\"mariadbd\"]"
