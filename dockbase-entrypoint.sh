#!/bin/sh
# The extension image's entrypoint: runs its command (the backend) as the unprivileged user `node`.
#
# Docker Desktop mounts /run/guest-services, where the backend creates backend.sock, when the container
# starts, and it may be owned by root; so may the data volume. Started as root (the image's default), this
# hands both folders to `node`, then drops root for good. Started as any other user (`docker run --user`),
# it runs the command unchanged.
set -eu

if [ "$(id -u)" = 0 ]; then
  { mkdir -p /run/guest-services /var/lib/dockbase && chown node:node /run/guest-services /var/lib/dockbase; } ||
    echo "dockbase: could not hand /run/guest-services and /var/lib/dockbase to user node" >&2
  exec setpriv --reuid=node --regid=node --init-groups --no-new-privs -- "$@"
fi
exec "$@"
