#!/bin/sh
# Entrypoint of the locally assembled node:*-bookworm-slim stand-in, as in the official image: a first
# argument that is an option, or not a command, is run with node.
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
