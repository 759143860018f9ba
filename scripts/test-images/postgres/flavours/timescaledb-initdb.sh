#!/bin/bash
# /docker-entrypoint-initdb.d/000_install_timescaledb.sh of Dockbase's TimescaleDB TEST image, doing what the
# official timescale/timescaledb image's script does on a first start: the extension in `postgres`,
# `template1` (so every later database has it) and $POSTGRES_DB. Run by the entrypoint against its temporary
# server on the unix socket. Debian builds TimescaleDB without telemetry, so TIMESCALEDB_TELEMETRY has
# nothing to switch off here (the official script writes timescaledb.telemetry_level to postgresql.conf).
set -e

for db in postgres template1 "${POSTGRES_DB:-postgres}"; do
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username="$POSTGRES_USER" --dbname="$db" \
    -c 'CREATE EXTENSION IF NOT EXISTS timescaledb CASCADE;'
done
