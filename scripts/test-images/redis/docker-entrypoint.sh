#!/bin/sh
# Entrypoint of Dockbase's Redis TEST image (Debian's redis-server, not the official image), with the
# official image's behaviour: options or a .conf file as the first argument run redis-server with them;
# started as root, redis-server runs as `redis` (uid 999) after /data is handed over; umask 0077.
# The official image builds Redis with protected mode off; Debian's binary has it on, so it is switched off
# here unless the command line sets it (Dockbase always sets a password anyway).
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

if [ "$1" = redis-server ]; then
  case " $* " in
    *" --protected-mode "*) ;;
    *)
      shift
      if [ $# -gt 0 ] && { [ "${1%.conf}" != "$1" ] || [ "$1" = - ]; }; then
        conf=$1
        shift
        set -- redis-server "$conf" --protected-mode no "$@"
      else
        set -- redis-server --protected-mode no "$@"
      fi
      ;;
  esac
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec gosu redis "$0" "$@"
  fi
fi

um=$(umask)
if [ "$um" = 0022 ]; then umask 0077; fi

exec "$@"
