#!/usr/bin/env bash
# healthcheck.sh of Dockbase's MariaDB TEST image, with the official image's options and meaning:
#   healthcheck.sh [--su=USER | --su USER | --su-mysql] [--datadir=DIR] [--no-defaults]
#                  [--defaults-file=F] [--defaults-extra-file=F] [--defaults-group-suffix=S]
#                  [--no-connect] --TEST...
# Tests run in the order given; all must pass:
#   connect                    the server accepts connections (over TCP: a server with networking off,
#                              like the entrypoint's temporary one, fails); access denied still counts
#   innodb_initialized         InnoDB has finished its start-up (crash recovery included)
#   innodb_buffer_pool_loaded  the buffer pool dump has been loaded
#   mariadbupgrade             no mariadb-upgrade holds the lock on DATADIR/mariadb_upgrade_info
# The SQL user comes from DATADIR/.my-healthcheck.cnf when it exists (the entrypoint creates it with a
# `healthcheck` user that has only USAGE), so the probe never needs the root password.
# Without any test passing --connect's check, the result is connect's (as in the official script).
set -Eeuo pipefail

datadir=/var/lib/mysql
nodefaults=
def_file=
def_extra_file=
def_group_suffix=
connect_status=

# The client's option-file options, in the array `opts`.
client_options() {
  opts=()
  if [ -n "$nodefaults" ]; then opts+=(--no-defaults); fi
  if [ -n "$def_file" ]; then opts+=(--defaults-file="$def_file"); fi
  if [ -n "$def_extra_file" ]; then opts+=(--defaults-extra-file="$def_extra_file"); fi
  if [ -n "$def_group_suffix" ]; then opts+=(--defaults-group-suffix="$def_group_suffix"); fi
}

process_sql() {
  client_options
  mariadb "${opts[@]}" --skip-ssl --protocol socket -B "$@"
}

connect() {
  local s
  # On the socket: the server says whether it listens on the network (the temporary init server does not).
  s=$(process_sql --skip-column-names -e 'select @@skip_networking' 2>/dev/null || true)
  case $s in
    0 | 1) connect_status=$s; return "$s" ;;
  esac
  # Otherwise over TCP: any answer from the server, even a refusal of the user, means it is up.
  client_options
  s=$(mariadb "${opts[@]}" --skip-ssl -h localhost --protocol tcp --skip-column-names --batch \
    -e 'select @@skip_networking' 2>&1 || true)
  case $s in
    1 | "ERROR 2002 (HY000):"*) connect_status=1 ;;
    0 | "ERROR 1820 (HY000)"* | "ERROR 4151 (HY000):"* | "ERROR 1226 (42000)"* | ERROR\ 1[0-9][0-9][0-9]\ \(28000\):*) connect_status=0 ;;
    *) echo "Unknown error $s" >&2; connect_status=1 ;;
  esac
  return "$connect_status"
}

innodb_initialized() {
  [ "$(process_sql --skip-column-names -e "select 1 from information_schema.ENGINES WHERE engine='innodb' AND support in ('YES', 'DEFAULT', 'ENABLED')")" = 1 ]
}

innodb_buffer_pool_loaded() {
  [[ $(process_sql --skip-column-names -e "select VARIABLE_VALUE from information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='Innodb_buffer_pool_load_status'") =~ 'load completed' ]]
}

mariadbupgrade() {
  local f="$datadir/mariadb_upgrade_info"
  if [ -r "$f" ]; then
    flock --exclusive --nonblock -n 9 9<"$f"
    return $?
  fi
  return 0
}

if [ $# -eq 0 ]; then
  echo "At least one argument required" >&2
  exit 1
fi
if [ -f "$datadir/.my-healthcheck.cnf" ]; then def_extra_file=$datadir/.my-healthcheck.cnf; fi

test=
while [ $# -gt 0 ]; do
  case $1 in
    --su=*) u=${1#*=}; shift; exec gosu "$u" "${BASH_SOURCE[0]}" "$@" ;;
    --su) shift; u=$1; shift; exec gosu "$u" "${BASH_SOURCE[0]}" "$@" ;;
    --su-mysql) shift; exec gosu mysql "${BASH_SOURCE[0]}" "$@" ;;
    --datadir=*)
      datadir=${1#*=}
      if [ -f "$datadir/.my-healthcheck.cnf" ]; then def_extra_file=$datadir/.my-healthcheck.cnf; fi ;;
    --datadir)
      shift; datadir=$1
      if [ -f "$datadir/.my-healthcheck.cnf" ]; then def_extra_file=$datadir/.my-healthcheck.cnf; fi ;;
    --no-defaults) def_file= def_extra_file= def_group_suffix= nodefaults=1 ;;
    --defaults-file=*) def_file=${1#*=}; nodefaults= ;;
    --defaults-extra-file=*) def_extra_file=${1#*=}; nodefaults= ;;
    --defaults-group-suffix=*) def_group_suffix=${1#*=}; nodefaults= ;;
    --no-connect) connect_status=0 ;;
    --connect | --innodb_initialized | --innodb_buffer_pool_loaded | --mariadbupgrade) test=${1#--} ;;
    --*) echo "healthcheck unknown option or test '${1#--}'" >&2; exit 1 ;;
    *) echo "Unknown healthcheck option $1" >&2; exit 1 ;;
  esac
  if [ -n "$test" ]; then
    if ! "$test"; then
      echo "healthcheck $test failed" >&2
      exit 1
    fi
    test=
  fi
  shift
done
if [ "$connect_status" != 0 ]; then
  # No connect test passed: the other tests' success may come from the temporary server; ask connect.
  connect
  exit $?
fi
