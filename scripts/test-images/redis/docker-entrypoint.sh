#!/bin/sh
# Entrypoint of Dockbase's Redis and Valkey TEST images (Debian's redis-server and valkey-server, not the
# official images), with the official images' behaviour: options or a .conf file as the first argument run
# SERVER-server with them; started as root, SERVER-server runs as the server's user (uid 999) after the
# working folder (/data) is handed over; umask 0077. Valkey's also refuses to start SERVER-server as another
# user in a folder it cannot write, and appends $VALKEY_EXTRA_FLAGS to the command, like its official image.
# The official images build their server with protected mode off; Debian's binaries have it on, so it is
# switched off here unless the command line sets it (Dockbase always sets a password anyway).
set -e
# The server (redis or valkey): the image's builder writes it on this line.
server=redis

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- "$server-server" "$@"
fi

if [ "$1" = "$server-server" ]; then
  case " $* " in
    *" --protected-mode "*) ;;
    *)
      shift
      if [ $# -gt 0 ] && { [ "${1%.conf}" != "$1" ] || [ "$1" = - ]; }; then
        conf=$1
        shift
        set -- "$server-server" "$conf" --protected-mode no "$@"
      else
        set -- "$server-server" --protected-mode no "$@"
      fi
      ;;
  esac
  if [ "$(id -u)" = 0 ]; then
    find . \! -user "$server" -exec chown "$server" '{}' +
    exec gosu "$server" "$0" "$@"
  fi
  if [ "$server" = valkey ] && [ ! -w . ]; then
    echo >&2 "error: directory is not writable by current user ($(id -u))"
    echo >&2 "  Check mount permissions or run as root to allow chown"
    exit 1
  fi
fi

um=$(umask)
if [ "$um" = 0022 ]; then umask 0077; fi

if [ "$server" = valkey ]; then
  # Words, like the official image's (no quoting: several flags in one variable).
  # shellcheck disable=SC2086
  exec "$@" ${VALKEY_EXTRA_FLAGS:-}
fi
exec "$@"
