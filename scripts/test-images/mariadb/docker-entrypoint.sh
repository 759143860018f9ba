#!/usr/bin/env bash
# Entrypoint of Dockbase's MariaDB TEST image (Debian's mariadb-server, not the official image). It honours
# the official image's contract (MariaDB/mariadb-docker), so that what Dockbase does with the official image
# can be proven with this one:
#   - An empty /var/lib/mysql needs MARIADB_ROOT_PASSWORD (or MARIADB_ROOT_PASSWORD_HASH,
#     MARIADB_ALLOW_EMPTY_ROOT_PASSWORD, MARIADB_RANDOM_ROOT_PASSWORD); every MARIADB_* has its MYSQL_*
#     alias and a *_FILE variant. Optional: MARIADB_DATABASE, MARIADB_USER + MARIADB_PASSWORD (or _HASH),
#     MARIADB_ROOT_HOST (default %), MARIADB_INITDB_SKIP_TZINFO.
#   - Started as root it hands the data folder to `mysql` (uid 999) and re-executes itself as that user.
#   - First initialisation: mariadb-install-db, a temporary server with networking off, root@localhost and
#     root@'%' with the password, healthcheck@127.0.0.1/::1/localhost (USAGE) with a random password kept
#     in $DATADIR/.my-healthcheck.cnf for healthcheck.sh, the database and user,
#     /docker-entrypoint-initdb.d/* (*.sh run or sourced, *.sql, *.sql.gz, *.sql.xz), then the real server.
#   - MARIADB_AUTO_UPGRADE=1: when the data folder comes from an older MariaDB (mariadb_upgrade_info), a
#     temporary server runs mariadb-upgrade (after a gzip'd dump of the system tables, unless
#     MARIADB_DISABLE_UPGRADE_BACKUP=1; the official image uses zstd).
# Secrets never pass through eval: they reach the server only inside SQL string literals, escaped for them
# (backslash, quote, newline), read by the client from standard input.
set -Eeo pipefail
shopt -s nullglob

note() { printf '%s [Note] [Entrypoint]: %s\n' "$(date -u '+%F %T')" "$*"; }
warn() { printf '%s [Warn] [Entrypoint]: %s\n' "$(date -u '+%F %T')" "$*" >&2; }
error() { printf '%s [ERROR] [Entrypoint]: %s\n' "$(date -u '+%F %T')" "$*" >&2; exit 1; }

# file_env VAR [DEFAULT]: VAR, or the content of the file VAR_FILE names, or DEFAULT.
file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-} val
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then error "Both $var and $file_var are set (but are exclusive)"; fi
  val=$def
  if [ -n "${!var:-}" ]; then
    val=${!var}
  elif [ -n "${!file_var:-}" ]; then
    val=$(<"${!file_var}")
  fi
  export "$var"="$val"
  unset "$file_var"
}

# MYSQL_X and MARIADB_X name the same setting; MARIADB_X wins, and both end up with its value.
alias_env() { # MYSQL_NAME [DEFAULT]
  local mysql=$1 maria="MARIADB_${1#MYSQL_}"
  file_env "$mysql" "${2:-}"
  file_env "$maria" "${!mysql}"
  if [ -n "${!maria:-}" ]; then export "$mysql"="${!maria}"; fi
}

want_help() {
  local arg
  for arg; do
    case $arg in -'?' | --help | --print-defaults | -V | --version) return 0 ;; esac
  done
  return 1
}

check_config() {
  local errors
  if ! errors=$("$@" --verbose --help 2>&1 >/dev/null); then
    error "mariadbd failed while attempting to check config: $* --verbose --help: $errors"
  fi
}

# A value of the server's configuration as `mariadbd --verbose --help` shows it (defaults included).
get_config() { # name mariadbd-args...
  local conf=$1; shift
  "$@" --verbose --help 2>/dev/null | awk -v conf="$conf" '$1 == conf && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

setup_env() {
  DATADIR=$(get_config datadir "$@")
  SOCKET=$(get_config socket "$@")
  PORT=$(get_config port "$@")
  alias_env MYSQL_ROOT_HOST '%'
  alias_env MYSQL_DATABASE
  alias_env MYSQL_USER
  alias_env MYSQL_PASSWORD
  alias_env MYSQL_ROOT_PASSWORD
  file_env MARIADB_PASSWORD_HASH
  file_env MARIADB_ROOT_PASSWORD_HASH
  : "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:=${MYSQL_ALLOW_EMPTY_PASSWORD:-}}"
  export MYSQL_ALLOW_EMPTY_PASSWORD="$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" MARIADB_ALLOW_EMPTY_ROOT_PASSWORD
  : "${MARIADB_RANDOM_ROOT_PASSWORD:=${MYSQL_RANDOM_ROOT_PASSWORD:-}}"
  export MYSQL_RANDOM_ROOT_PASSWORD="$MARIADB_RANDOM_ROOT_PASSWORD" MARIADB_RANDOM_ROOT_PASSWORD
  : "${MARIADB_INITDB_SKIP_TZINFO:=${MYSQL_INITDB_SKIP_TZINFO:-}}"
  export MYSQL_INITDB_SKIP_TZINFO="$MARIADB_INITDB_SKIP_TZINFO" MARIADB_INITDB_SKIP_TZINFO
  DATABASE_ALREADY_EXISTS=
  if [ -d "$DATADIR/mysql" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

create_db_directories() {
  mkdir -p "$DATADIR"
  if [ "$(id -u)" = 0 ]; then
    find "$DATADIR" \! -user mysql \( -exec chown mysql: '{}' + -o -true \)
    if [ "${SOCKET:0:1}" != @ ]; then
      find "${SOCKET%/*}" -maxdepth 0 \! -user mysql \( -exec chown mysql: '{}' \; -o -true \)
    fi
  fi
}

verify_minimum_env() {
  if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ROOT_PASSWORD_HASH" ] &&
    [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    error $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
  fi
  if [ -n "$MARIADB_ROOT_PASSWORD_HASH" ] &&
    { [ -n "$MARIADB_ROOT_PASSWORD" ] || [ -n "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] || [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; }; then
    error "Cannot specify MARIADB_ROOT_PASSWORD_HASH and another MARIADB_ROOT_PASSWORD* option."
  fi
  if [ -n "$MARIADB_PASSWORD" ] && [ -n "$MARIADB_PASSWORD_HASH" ]; then
    error "Cannot specify MARIADB_PASSWORD_HASH and MARIADB_PASSWORD option."
  fi
}

server_version() { mariadbd --version | awk '{print $3}'; }

init_database_dir() {
  note "Initializing database files"
  local args=()
  # mariadb-install-db passes other options to mariadbd, but cannot take ones with whitespace.
  for arg in "${@:2}"; do
    if [[ $arg =~ [[:space:]] ]]; then
      warn "Not passing argument '$arg' to mariadb-install-db because mariadb-install-db does not support arguments with whitespace."
    else
      args+=("$arg")
    fi
  done
  mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal "${args[@]}" \
    --cross-bootstrap --skip-test-db --old-mode='UTF8_IS_UTF8MB3' --default-time-zone=SYSTEM \
    --enforce-storage-engine= --skip-log-bin --expire-logs-days=0 \
    --loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0
  note "Database files initialized"
}

# The client on the unix socket as root; MYSQL_PWD carries the password (never the command line).
exec_client() {
  if [ -n "$MYSQL_DATABASE" ]; then set -- --database="$MYSQL_DATABASE" "$@"; fi
  mariadb --protocol=socket -uroot -hlocalhost --socket="$SOCKET" "$@"
}

# SQL from standard input: process_sql [--dont-use-mysql-root-password] [client-args]
process_sql() {
  if [ "$1" = --dont-use-mysql-root-password ]; then
    shift
    MYSQL_PWD='' exec_client "$@"
  else
    MYSQL_PWD=$MARIADB_ROOT_PASSWORD exec_client "$@"
  fi
}

temp_server_start() {
  local ssl=(--skip-ssl)
  # 11.4 and later make TLS certificates on their own; empty paths keep a configured one from loading.
  # (10.11 would try to load an empty path.)
  if [ "$(server_version | cut -d. -f1)" -ge 11 ]; then ssl+=(--ssl-cert='' --ssl-key='' --ssl-ca=''); fi
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF \
    --expire-logs-days=0 --skip-slave-start --loose-innodb_buffer_pool_load_at_startup=0 \
    "${ssl[@]}" &
  MARIADB_PID=$!
  note "Waiting for server startup"
  local extra=() i
  if [ -z "$DATABASE_ALREADY_EXISTS" ]; then extra+=(--dont-use-mysql-root-password); fi
  for i in {30..0}; do
    if process_sql "${extra[@]}" --database=mysql --skip-ssl <<<'SELECT 1' &>/dev/null; then break; fi
    sleep 1
  done
  if [ "$i" = 0 ]; then error "Unable to start server."; fi
}

temp_server_stop() {
  kill "$MARIADB_PID"
  wait "$MARIADB_PID"
}

# The string, escaped to sit inside a single-quoted SQL literal: \ → \\, newline → \n, ' → \'.
sql_escape_string_literal() {
  local newline=$'\n' escaped=${1//\\/\\\\}
  escaped=${escaped//$newline/\\n}
  printf '%s' "${escaped//\'/\\\'}"
}

# The name, escaped to sit between backticks.
sql_escape_identifier() { printf '%s' "${1//\`/\`\`}"; }

random_password() { head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-32; }

create_healthcheck_users() {
  local grant=${MARIADB_HEALTHCHECK_GRANTS:-USAGE} pass host
  pass=$(random_password)
  for host in 127.0.0.1 ::1 localhost; do
    printf "CREATE USER IF NOT EXISTS healthcheck@'%s' IDENTIFIED BY '%s';\n" "$host" "$pass"
    printf "SET PASSWORD FOR healthcheck@'%s' = PASSWORD('%s');\n" "$host" "$pass"
    printf "GRANT %s ON *.* TO healthcheck@'%s';\n" "$grant" "$host"
  done
  (umask 0077 && printf '[mariadb-client]\nport=%s\nsocket=%s\nuser=healthcheck\npassword=%s\n' "$PORT" "$SOCKET" "$pass" >"$DATADIR/.my-healthcheck.cnf")
}

setup_db() {
  if [ -z "$MARIADB_INITDB_SKIP_TZINFO" ]; then
    mariadb-tzinfo-to-sql --skip-write-binlog /usr/share/zoneinfo | process_sql --dont-use-mysql-root-password --database=mysql
  fi
  if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    MARIADB_ROOT_PASSWORD=$(random_password)
    export MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD=$MARIADB_ROOT_PASSWORD
    note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  local rootPass='' rootCreate='' rootLocalhost='' createDatabase='' createUser='' userGrants='' healthcheck
  rootPass=$(sql_escape_string_literal "$MARIADB_ROOT_PASSWORD")
  if [ -n "$MARIADB_ROOT_HOST" ] && [ "$MARIADB_ROOT_HOST" != localhost ]; then
    local identified="IDENTIFIED BY '$rootPass'"
    if [ -n "$MARIADB_ROOT_PASSWORD_HASH" ]; then identified="IDENTIFIED BY PASSWORD '$MARIADB_ROOT_PASSWORD_HASH'"; fi
    rootCreate="CREATE USER 'root'@'$MARIADB_ROOT_HOST' $identified;
GRANT ALL ON *.* TO 'root'@'$MARIADB_ROOT_HOST' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO 'root'@'$MARIADB_ROOT_HOST' WITH GRANT OPTION;"
  fi
  if [ -z "$MARIADB_ROOT_PASSWORD_HASH" ]; then
    rootLocalhost="SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$rootPass');"
  fi
  healthcheck=$(create_healthcheck_users)
  if [ -n "$MARIADB_DATABASE" ]; then
    note "Creating database $MARIADB_DATABASE"
    createDatabase="CREATE DATABASE IF NOT EXISTS \`$(sql_escape_identifier "$MARIADB_DATABASE")\`;"
  fi
  if [ -n "$MARIADB_USER" ] && { [ -n "$MARIADB_PASSWORD" ] || [ -n "$MARIADB_PASSWORD_HASH" ]; }; then
    note "Creating user $MARIADB_USER"
    local user; user=$(sql_escape_string_literal "$MARIADB_USER")
    if [ -n "$MARIADB_PASSWORD_HASH" ]; then
      createUser="CREATE USER '$user'@'%' IDENTIFIED BY PASSWORD '$MARIADB_PASSWORD_HASH';"
    else
      createUser="CREATE USER '$user'@'%' IDENTIFIED BY '$(sql_escape_string_literal "$MARIADB_PASSWORD")';"
    fi
    if [ -n "$MARIADB_DATABASE" ]; then
      note "Giving user $MARIADB_USER access to schema $MARIADB_DATABASE"
      local pattern; pattern=$(sql_escape_identifier "$MARIADB_DATABASE")
      userGrants="GRANT ALL ON \`${pattern//_/\\_}\`.* TO '$user'@'%';"
    fi
  fi
  note "Securing system users (equivalent to running mysql_secure_installation)"
  # --binary-mode: the statements go to the server byte for byte (passwords with any characters).
  process_sql --dont-use-mysql-root-password --database=mysql --binary-mode <<-EOSQL
	SET @orig_sql_log_bin = @@SESSION.SQL_LOG_BIN;
	SET @@SESSION.SQL_LOG_BIN = 0;
	SET @@SESSION.SQL_MODE = REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
	DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
	EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\'', @@hostname, '\'');
	${rootLocalhost}
	${rootCreate}
	${healthcheck}
	SET @@SESSION.SQL_LOG_BIN = @orig_sql_log_bin;
	${createDatabase}
	${createUser}
	${userGrants}
	EOSQL
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
      *.sql) note "$0: running $f"; process_sql <"$f"; printf '\n' ;;
      *.sql.gz) note "$0: running $f"; gunzip -c "$f" | process_sql; printf '\n' ;;
      *.sql.xz) note "$0: running $f"; xzcat "$f" | process_sql; printf '\n' ;;
      *) warn "$0: ignoring $f" ;;
    esac
  done
}

mariadb_init() {
  # Fails early (before anything is written) when the init folder cannot be read.
  ls /docker-entrypoint-initdb.d/ >/dev/null
  init_database_dir "$@"
  note "Starting temporary server"
  temp_server_start "$@"
  note "Temporary server started."
  setup_db
  process_init_files /docker-entrypoint-initdb.d/*
  if [ -n "$MARIADB_ROOT_PASSWORD_HASH" ]; then
    note "Setting root@localhost password hash"
    process_sql --dont-use-mysql-root-password --binary-mode <<-EOSQL
	SET @@SESSION.SQL_LOG_BIN = 0;
	SET PASSWORD FOR 'root'@'localhost' = '${MARIADB_ROOT_PASSWORD_HASH}';
	EOSQL
  fi
  note "Stopping temporary server"
  temp_server_stop
  note "Temporary server stopped"
  printf '\n'
  note "MariaDB init process done. Ready for start up."
  printf '\n'
}

upgrade_needed() {
  if [ ! -f "$DATADIR/mariadb_upgrade_info" ]; then
    note "MariaDB upgrade information missing, assuming required"
    return 0
  fi
  local new old
  IFS='.-' read -ra new <<<"$(server_version)"
  IFS='.-' read -ra old <"$DATADIR/mariadb_upgrade_info" || true
  if [ "${#new[@]}" -lt 2 ] || [ "${#old[@]}" -lt 2 ] || [ "${old[0]}" -lt "${new[0]}" ] ||
    { [ "${old[0]}" -eq "${new[0]}" ] && [ "${old[1]}" -lt "${new[1]}" ]; }; then
    return 0
  fi
  if [ ! -f "$DATADIR/.my-healthcheck.cnf" ]; then
    note "MariaDB heathcheck configation file missing, assuming desirable"
    return 0
  fi
  note "MariaDB upgrade not required"
  return 1
}

backup_system() {
  if [ "${MARIADB_DISABLE_UPGRADE_BACKUP:-}" = 1 ]; then
    note "MariaDB upgrade backup disabled due to \$MARIADB_DISABLE_UPGRADE_BACKUP=1 setting"
    return
  fi
  local old=unknown_version
  if [ -r "$DATADIR/mariadb_upgrade_info" ]; then read -r -d '' old <"$DATADIR/mariadb_upgrade_info" || true; fi
  local file="system_mysql_backup_${old:-unknown_version}.sql.gz"
  note "Backing up system database to $file"
  mariadb-dump --skip-lock-tables --replace --databases mysql --socket="$SOCKET" | gzip >"$DATADIR/$file" ||
    error "Unable backup system database for upgrade from $old."
  note "Backing up complete"
}

mariadb_upgrade() {
  if [ -z "${MARIADB_AUTO_UPGRADE:-}" ] || [ "$MARIADB_AUTO_UPGRADE" = 0 ]; then
    note "MariaDB upgrade (mariadb-upgrade or creating healthcheck users) required, but skipped due to \$MARIADB_AUTO_UPGRADE setting"
    return
  fi
  note "Starting temporary server"
  temp_server_start "$@" --skip-grant-tables --loose-innodb_buffer_pool_dump_at_shutdown=0
  note "Temporary server started."
  backup_system
  if [ ! -f "$DATADIR/.my-healthcheck.cnf" ]; then
    note "Creating healthcheck users"
    local users
    users=$(create_healthcheck_users)
    process_sql --dont-use-mysql-root-password --binary-mode <<-EOSQL
	SET @@SESSION.SQL_LOG_BIN = 0;
	SET @@SESSION.SQL_MODE = REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
	FLUSH PRIVILEGES;
	$users
	EOSQL
    note "Stopping temporary server"
    temp_server_stop
    note "Temporary server stopped"
    if upgrade_needed; then
      # FLUSH PRIVILEGES cannot be undone: a fresh temporary server for the upgrade.
      note "Restarting temporary server for upgrade"
      temp_server_start "$@" --skip-grant-tables --loose-innodb_buffer_pool_dump_at_shutdown=0
    else
      return 0
    fi
  fi
  note "Starting mariadb-upgrade"
  mariadb-upgrade --upgrade-system-tables
  note "Finished mariadb-upgrade"
  note "Stopping temporary server"
  temp_server_stop
  note "Temporary server stopped"
}

main() {
  if [ "${1:0:1}" = - ]; then set -- mariadbd "$@"; fi
  if { [ "$1" = mariadbd ] || [ "$1" = mysqld ]; } && ! want_help "$@"; then
    note "Entrypoint script for MariaDB Server $(server_version) started."
    check_config "$@"
    setup_env "$@"
    create_db_directories
    if [ "$(id -u)" = 0 ]; then
      note "Switching to dedicated user 'mysql'"
      exec gosu mysql "${BASH_SOURCE[0]}" "$@"
    fi
    if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
      verify_minimum_env
      mariadb_init "$@"
    elif upgrade_needed; then
      mariadb_upgrade "$@"
    fi
  fi
  exec "$@"
}

main "$@"
