# Dockbase, the Docker Desktop extension image.
#
#   docker-cli Docker's CLI image (DOCKER_CLI_IMAGE): only its docker client is taken
#   base       Node (NODE_IMAGE) with the workspace manifests and lockfile
#   build      builds the UI (ui/dist) and the backend (backend/dist)
#   prod-deps  the backend's production dependencies only: pure JavaScript (SQLite is Node's own
#              node:sqlite; the better-sqlite3 addon is an optional dependency for Node 20 and left out)
#   runtime    the node and docker binaries and exactly the libraries they link, laid out as they sit under /
#   final      FROM scratch: node, docker, the backend, the UI at /ui, the extension files at /. No shell, no
#              package manager. The backend starts as root only to take /run/guest-services and its data
#              folder, then drops to DOCKBASE_USER itself (backend/src/privileges.ts).
#
# NODE_IMAGE is the official Node LTS image pinned by digest (multi-arch: the same digest serves linux/amd64
# and linux/arm64). CI builds against a locally assembled stand-in (scripts/build-extension.sh).
#
# DOCKER_CLI_IMAGE is Docker's official CLI image: the backend runs `docker` against the engine (long
# operations, such as upgrades and imports, run in the backend, not in the page), through the socket the
# compose file mounts at /var/run/docker.sock. Only /usr/local/bin/docker is taken from it (a static binary in
# the official image; a dynamic one brings the libraries ldd names). The release pins it by digest like
# NODE_IMAGE (docker:<major>-cli@sha256:<digest>, multi-arch); it is left as a tag here because no registry
# that could tell the digest is reachable where this was written. CI builds against a stand-in holding the
# machine's own docker client at the same path (scripts/build-extension.sh).
#
# Behind a TLS-intercepting proxy, give npm the proxy's CA as a BuildKit secret (nothing else changes):
#   docker build --secret id=ca,src=/path/to/corporate-ca.pem .        (make build-extension CA_CERT=…)

ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
ARG DOCKER_CLI_IMAGE=docker:28-cli

# COPY --from cannot name a build argument: this stage names the image.
FROM ${DOCKER_CLI_IMAGE} AS docker-cli

FROM ${NODE_IMAGE} AS base
WORKDIR /src
# Every workspace manifest must be present for `npm ci` to accept the workspace lockfile.
COPY package.json package-lock.json ./
COPY packages/api/package.json packages/api/
COPY packages/core/package.json packages/core/
COPY packages/docker-cli/package.json packages/docker-cli/
COPY ui/package.json ui/
COPY backend/package.json backend/
COPY host/package.json host/
COPY cli/package.json cli/

FROM base AS build
# No install scripts: nothing here needs one (esbuild and rolldown ship their binaries as packages), and
# the optional native addon is not built.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY scripts/bundle.mjs scripts/
COPY packages packages
COPY ui ui
COPY backend backend
RUN npm run build -w ui && npm run build -w backend

FROM base AS prod-deps
# Lays the result out as it will sit under / in the final image: /node_modules next to /backend.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci --omit=dev --omit=optional -w backend --ignore-scripts --no-audit --no-fund \
 && mkdir -p /out/backend \
 && mv node_modules /out/node_modules \
 && if [ -d backend/node_modules ]; then mv backend/node_modules /out/backend/node_modules; fi

FROM base AS runtime
# node, docker and the shared libraries they link (whatever the architecture: ldd names them; a static docker
# links none, and ldd then fails, which is fine), plus the accounts, /tmp and the backend's data folder,
# owned by the unprivileged user the backend drops to. docker runs once inside /out (chroot): the libraries it
# needs are there.
COPY --from=docker-cli /usr/local/bin/docker /out/usr/local/bin/docker
RUN set -eu; \
    mkdir -p /out/usr/local/bin /out/etc /out/tmp /out/var/lib/dockbase /out/run/guest-services; \
    cp /usr/local/bin/node /out/usr/local/bin/node; \
    for lib in $(ldd /usr/local/bin/node | grep -o '/[^ ]*') $(ldd /out/usr/local/bin/docker 2>/dev/null | grep -o '/[^ ]*'); do \
      mkdir -p "/out$(dirname "$lib")"; cp -L "$lib" "/out$lib"; \
    done; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000::/home/node:/sbin/nologin\n' > /out/etc/passwd; \
    printf 'root:x:0:\nnode:x:1000:\n' > /out/etc/group; \
    chmod 1777 /out/tmp; \
    chown 1000:1000 /out/var/lib/dockbase; \
    /out/usr/local/bin/node --version; \
    chroot /out /usr/local/bin/docker --version

FROM scratch
LABEL org.opencontainers.image.title="Dockbase" \
      org.opencontainers.image.description="Local PostgreSQL, MySQL, MariaDB, MongoDB and Redis instances for development, in one Docker Desktop tab." \
      org.opencontainers.image.vendor="Dockbase" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/dockbase/dockbase" \
      com.docker.desktop.extension.api.version=">= 0.3.4" \
      com.docker.desktop.extension.icon="https://raw.githubusercontent.com/dockbase/dockbase/main/docker.svg" \
      com.docker.extension.screenshots='[{"alt":"Database instances, light theme","url":"https://raw.githubusercontent.com/dockbase/dockbase/main/docs/screenshots/instances-light.png"},{"alt":"Database instances, dark theme","url":"https://raw.githubusercontent.com/dockbase/dockbase/main/docs/screenshots/instances-dark.png"},{"alt":"Creating an instance while its image is pulled, light theme","url":"https://raw.githubusercontent.com/dockbase/dockbase/main/docs/screenshots/create-pull-light.png"},{"alt":"Creating an instance while its image is pulled, dark theme","url":"https://raw.githubusercontent.com/dockbase/dockbase/main/docs/screenshots/create-pull-dark.png"},{"alt":"Deleting an instance, light theme","url":"https://raw.githubusercontent.com/dockbase/dockbase/main/docs/screenshots/delete-light.png"},{"alt":"Deleting an instance, dark theme","url":"https://raw.githubusercontent.com/dockbase/dockbase/main/docs/screenshots/delete-dark.png"}]' \
      com.docker.extension.detailed-description='<p>Dockbase runs the databases you develop against as plain Docker containers, managed from one tab.</p><ul><li>PostgreSQL, MySQL, MariaDB, MongoDB and Redis: pick an engine and a version, give the instance a name, a port and a password.</li><li>Start, stop, restart and delete instances, watch them and connect to them.</li><li>Nothing hidden: instances are ordinary containers marked with <code>io.dockbase.*</code> labels, and a container you created by hand is never touched.</li></ul>' \
      com.docker.extension.publisher-url="https://github.com/dockbase/dockbase" \
      com.docker.extension.additional-urls='[{"title":"Documentation","url":"https://github.com/dockbase/dockbase#readme"},{"title":"Source code","url":"https://github.com/dockbase/dockbase"},{"title":"Report an issue","url":"https://github.com/dockbase/dockbase/issues"}]' \
      com.docker.extension.changelog='<p>0.1.0, the first release:</p><ul><li>PostgreSQL, MySQL, MariaDB, MongoDB and Redis instances from one tab.</li><li>Create, start, stop, restart, delete, watch and connect to an instance.</li><li>Light and dark themes that follow Docker Desktop.</li></ul>' \
      com.docker.extension.categories="database,utility-tools"

ENV PATH=/usr/local/bin \
    NODE_ENV=production \
    DOCKBASE_DATA_DIR=/var/lib/dockbase \
    DOCKBASE_USER=1000:1000
COPY --from=runtime /out/ /
COPY metadata.json docker.svg docker-compose.yaml /
COPY --from=build /src/ui/dist /ui
COPY --from=build /src/backend/package.json /backend/package.json
COPY --from=build /src/backend/dist /backend/dist
COPY --from=prod-deps /out/ /
WORKDIR /backend
# Starts as root: Docker Desktop mounts /run/guest-services owned by root, and the backend must create its
# socket there. The backend hands that folder and /var/lib/dockbase (the compose file's named volume) to
# DOCKBASE_USER, then drops root for good before it opens anything else, keeping the docker socket's group
# (the compose file mounts the engine's socket at /var/run/docker.sock) so that it can still run docker.
# Listens on /run/guest-services/backend.sock (metadata.json → vm.exposes.socket).
CMD ["node", "/backend/dist/main.js"]
