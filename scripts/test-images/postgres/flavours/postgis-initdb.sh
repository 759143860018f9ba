#!/bin/bash
# /docker-entrypoint-initdb.d/10_postgis.sh of Dockbase's PostGIS TEST image, doing what the official
# postgis/postgis image's initdb script does on a first start: a template database `template_postgis`, and
# PostGIS (with topology, fuzzystrmatch and the TIGER geocoder) in it and in $POSTGRES_DB. Run by the
# entrypoint against its temporary server on the unix socket, as the database's superuser.
set -e
export PGUSER="$POSTGRES_USER"

psql -v ON_ERROR_STOP=1 --no-psqlrc --dbname="$POSTGRES_DB" <<-'EOSQL'
	CREATE DATABASE template_postgis IS_TEMPLATE true;
EOSQL

for db in template_postgis "$POSTGRES_DB"; do
  echo "Loading PostGIS extensions into $db"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --dbname="$db" <<-'EOSQL'
	CREATE EXTENSION IF NOT EXISTS postgis;
	CREATE EXTENSION IF NOT EXISTS postgis_topology;
	-- a new session, so that the settings postgis_topology changed are read again
	\c
	CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
	CREATE EXTENSION IF NOT EXISTS postgis_tiger_geocoder;
EOSQL
done
