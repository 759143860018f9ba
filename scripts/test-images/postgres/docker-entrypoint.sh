#!/usr/bin/env bash
# Entrypoint of Dockbase's PostgreSQL TEST image (Debian's postgresql-MAJOR, not the official image). It
# honours the official image's contract (docker-library/postgres), so that what Dockbase does with the
# official image can be proven with this one:
#   - POSTGRES_PASSWORD is required on an empty data folder (unless POSTGRES_HOST_AUTH_METHOD=trust); the
#     official error message otherwise. POSTGRES_USER (default postgres), POSTGRES_DB (default: the user),
#     POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR, POSTGRES_HOST_AUTH_METHOD; *_FILE variants.
#   - PGDATA=/var/lib/postgresql/data; started as root it hands the data folder to `postgres` (uid 999) and
#     re-executes itself as that user with gosu; started as another user (--user) it runs as that user.
#   - First initialisation: initdb --auth-host=scram-sha-256 --auth-local=trust (then POSTGRES_INITDB_ARGS),
#     `host all all all <method>` appended to pg_hba.conf, a temporary server on the unix socket only, the
#     database, /docker-entrypoint-initdb.d/* (*.sh run or sourced, *.sql, *.sql.gz, *.sql.xz through
#     psql), the temporary server stopped, then `postgres` with listen_addresses='*' from the config.
#     (The official image leaves host connections from 127.0.0.1 on trust; this one asks a password there
#     too, so that a wrong password is refused inside the container as well.)
# Secrets are never evaluated by a shell nor pasted into SQL: the password reaches initdb through a
# pipe (--pwfile), the database name through psql's own quoting (:"db"). POSTGRES_INITDB_ARGS is split into
# words (no eval, no globbing): arguments with spaces are not supported there.
set -Eeo pipefail
shopt -s nullglob

note() { printf '%s [Entrypoint]: %s\n' "$(date -u '+%F %T UTC')" "$*"; }
warn() { note "$@" >&2; }
error() { printf '%s\n' "$@" >&2; exit 1; }

# file_env VAR [DEFAULT]: VAR, or the content of the file VAR_FILE names, or DEFAULT.
file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-} val
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    error "error: both $var and $file_var are set (but are exclusive)"
  fi
  val=$def
  if [ -n "${!var:-}" ]; then
    val=${!var}
  elif [ -n "${!file_var:-}" ]; then
    val=$(<"${!file_var}")
  fi
  export "$var"="$val"
  unset "$file_var"
}

want_help() {
  local arg
  for arg; do
    case $arg in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
  done
  return 1
}

setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=}"
  DATABASE_ALREADY_EXISTS=
  if [ -s "$PGDATA/PG_VERSION" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

create_db_directories() {
  local user; user=$(id -u)
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql || :
  chmod 03775 /var/run/postgresql || :
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
    mkdir -p "$POSTGRES_INITDB_WALDIR"
    if [ "$user" = 0 ]; then find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +; fi
    chmod 700 "$POSTGRES_INITDB_WALDIR"
  fi
  if [ "$user" = 0 ]; then
    find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
  fi
}

verify_minimum_env() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    error 'Error: Database is uninitialized and superuser password is not specified.' \
      '       You must specify POSTGRES_PASSWORD to a non-empty value for the' \
      '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".' \
      '' \
      '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all' \
      '       connections without a password. This is *not* recommended.' \
      '' \
      '       See PostgreSQL documentation about "trust":' \
      '       https://www.postgresql.org/docs/current/auth-trust.html'
  fi
  if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
    warn 'WARNING: POSTGRES_HOST_AUTH_METHOD has been set to "trust". This will allow anyone with access to the Postgres port to access your database without a password, even if POSTGRES_PASSWORD is set.'
  fi
}

init_database_dir() {
  local args=(--username="$POSTGRES_USER" --auth-host=scram-sha-256 --auth-local=trust)
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then args+=(--waldir="$POSTGRES_INITDB_WALDIR"); fi
  local extra=()
  # Words, never evaluated: no globbing, no command substitution.
  set -f
  # shellcheck disable=SC2206
  extra=($POSTGRES_INITDB_ARGS)
  set +f
  if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ] && [ -z "$POSTGRES_PASSWORD" ]; then
    args=(--username="$POSTGRES_USER" --auth=trust)
    initdb "${args[@]}" "${extra[@]}"
  else
    # --pwfile refuses an empty file, hence the newline; the password travels through a pipe.
    initdb "${args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") "${extra[@]}"
  fi
}

setup_hba_conf() {
  local method=$POSTGRES_HOST_AUTH_METHOD
  if [ -z "$method" ]; then method=$(postgres -C password_encryption); fi
  {
    printf '\n'
    if [ "$method" = trust ]; then printf '# warning trust is enabled for all connections\n'; fi
    printf 'host all all all %s\n' "$method"
  } >>"$PGDATA/pg_hba.conf"
}

# psql as the superuser over the unix socket, stopping at the first error.
process_sql() {
  local runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [ -n "$POSTGRES_DB" ]; then runner+=(--dbname "$POSTGRES_DB"); fi
  PGHOST='' PGHOSTADDR='' "${runner[@]}" "$@"
}

temp_server_start() {
  if [ "$1" = postgres ]; then shift; fi
  set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
  PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

temp_server_stop() {
  PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

setup_db() {
  local exists
  exists=$(POSTGRES_DB='' process_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'EOSQL'
		SELECT 1 FROM pg_database WHERE datname = :'db' ;
	EOSQL
  )
  if [ -z "$exists" ]; then
    POSTGRES_DB='' process_sql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
    printf '\n'
  fi
}

process_init_files() {
  printf '\n'
  local f
  for f; do
    case $f in
      *.sh)
        if [ -x "$f" ]; then
          note "$0: running $f"
          "$f"
        else
          note "$0: sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql) note "$0: running $f"; process_sql -f "$f"; printf '\n' ;;
      *.sql.gz) note "$0: running $f"; gunzip -c "$f" | process_sql; printf '\n' ;;
      *.sql.xz) note "$0: running $f"; xzcat "$f" | process_sql; printf '\n' ;;
      *) note "$0: ignoring $f" ;;
    esac
  done
}

main() {
  if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi
  if [ "$1" = postgres ] && ! want_help "$@"; then
    setup_env
    create_db_directories
    if [ "$(id -u)" = 0 ]; then
      exec gosu postgres "${BASH_SOURCE[0]}" "$@"
    fi
    if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
      verify_minimum_env
      # Fails early (before initdb) when the init folder cannot be read.
      ls /docker-entrypoint-initdb.d/ >/dev/null
      init_database_dir
      setup_hba_conf "$@"
      # Sourced init scripts may use it, as with the official image.
      export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
      temp_server_start "$@"
      setup_db
      process_init_files /docker-entrypoint-initdb.d/*
      temp_server_stop
      unset PGPASSWORD
      printf '\n'
      note 'PostgreSQL init process complete; ready for start up.'
      printf '\n'
    else
      printf '\n'
      note 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
      printf '\n'
    fi
  fi
  exec "$@"
}

main "$@"
