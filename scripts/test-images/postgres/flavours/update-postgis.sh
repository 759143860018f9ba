#!/bin/bash
# update-postgis.sh of Dockbase's PostGIS TEST image, like the official postgis/postgis image's: brings the
# PostGIS extensions of template_postgis, $POSTGRES_DB and the databases named as arguments to the version
# this image has (after a newer image was started on older data). Run it as the superuser inside the
# container: `docker exec CONTAINER update-postgis.sh`.
set -e
export PGUSER="${POSTGRES_USER:-postgres}"
version=${POSTGIS_VERSION%%+*}

for db in template_postgis "${POSTGRES_DB:-$PGUSER}" "$@"; do
  echo "Updating PostGIS extensions '$db' to $version"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --dbname="$db" --set v="$version" <<-'EOSQL'
	CREATE EXTENSION IF NOT EXISTS postgis VERSION :'v';
	ALTER EXTENSION postgis UPDATE TO :'v';
	CREATE EXTENSION IF NOT EXISTS postgis_topology VERSION :'v';
	ALTER EXTENSION postgis_topology UPDATE TO :'v';
	CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
	CREATE EXTENSION IF NOT EXISTS postgis_tiger_geocoder VERSION :'v';
	ALTER EXTENSION postgis_tiger_geocoder UPDATE TO :'v';
EOSQL
done
