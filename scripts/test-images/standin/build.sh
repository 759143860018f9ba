# A STAND-IN for an engine whose server Debian does not ship (MySQL, MongoDB): not a database. It checks the
# admin secret like the official image, marks its data folders, listens on the engine's port and says it is
# ready; its health tools answer "is the port open?". Sourced by lib.sh's ti_ensure_image (NAME is
# standin-ENGINE, TAG the version it stands in for). One layer: busybox from this machine.
engine=${NAME#standin-}
case $engine in
  mysql) port=3306 data_dirs=/var/lib/mysql
    secret_check='[ -n "${MYSQL_ROOT_PASSWORD:-}" ] || { echo "error: database is uninitialized and password option is not specified" >&2; exit 1; }' ;;
  mongo) port=27017 data_dirs="/data/db /data/configdb"
    secret_check='[ -n "${MONGO_INITDB_ROOT_USERNAME:-}" ] && [ -n "${MONGO_INITDB_ROOT_PASSWORD:-}" ] || { echo "error: MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD are both required" >&2; exit 1; }' ;;
  *) ti_die "no stand-in for $engine" ;;
esac
{ command -v busybox >/dev/null && busybox --list | grep -qx httpd; } || apt_install busybox-static
root=$STAGE
mkdir -p "$root/bin" "$root/usr/local/bin" "$root/www" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$(command -v busybox)" "$root/bin/busybox"
for applet in sh nc httpd sleep cat echo touch ls hostname date mkdir; do ln -s busybox "$root/bin/$applet"; done
cat >"$root/usr/local/bin/standin-entrypoint" <<SCRIPT
#!/bin/sh
# Dockbase TEST STAND-IN for $engine:$TAG. Not a database: it checks the admin secret like the
# official image, marks its data folders, listens on $port and says it is ready.
$secret_check
for d in $data_dirs; do mkdir -p "\$d"; [ -f "\$d/.standin-initialized" ] || date >"\$d/.standin-initialized"; done
echo "dockbase stand-in for $engine:$TAG: ready for connections on port $port"
exec httpd -f -p $port -h /www
SCRIPT
# The official images' health tools, answering "is the port open?" like the real ones.
for tool in mysqladmin mongosh; do
  printf '#!/bin/sh\nexec nc -w 1 127.0.0.1 %s </dev/null >/dev/null 2>&1\n' "$port" >"$root/usr/local/bin/$tool"
done
# MongoDB's steady probe is a bash script sending a wire-level hello: the stand-in's "bash" answers the same way.
if [ "$engine" = mongo ]; then
  printf '#!/bin/sh\nexec nc -w 1 127.0.0.1 %s </dev/null >/dev/null 2>&1\n' "$port" >"$root/usr/local/bin/bash"
fi
chmod 755 "$root"/usr/local/bin/*
echo "Dockbase stand-in for $engine" >"$root/www/index.html"
chmod 755 "$root"
tar --numeric-owner -C "$root" -c . | docker import \
  -c 'ENV PATH=/usr/local/bin:/bin' \
  -c "EXPOSE $port" \
  -c 'ENTRYPOINT ["/usr/local/bin/standin-entrypoint"]' \
  -c "LABEL $RECIPE_LABEL=\"$RECIPE\" org.opencontainers.image.title=\"Dockbase test stand-in for $engine (not a database)\"" \
  - "$REF" >/dev/null
