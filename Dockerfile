# Dockbase, the Docker Desktop extension image.
#
#   base       Node 20 on Debian bookworm with the workspace manifests and lockfile
#   build      builds the UI (ui/dist) and the backend (backend/dist)
#   prod-deps  installs only the backend's production dependencies
#   final      the backend (run as the unprivileged `node` user), the UI at /ui, the extension files at /
#
# better-sqlite3 is a native addon: it is installed on the same image (Debian, glibc) that runs it.
# Building needs a registry that serves node:20-bookworm-slim (`make build-extension`).

FROM node:20-bookworm-slim AS base
# Only used when no prebuilt better-sqlite3 binary can be downloaded for the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
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
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY packages packages
COPY ui ui
COPY backend backend
RUN npm run build -w ui && npm run build -w backend

FROM base AS prod-deps
# Lays the result out as it will sit under / in the final image: /node_modules next to /backend.
RUN npm ci --omit=dev -w backend --no-audit --no-fund \
 && rm -rf node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target \
           node_modules/better-sqlite3/build/Release/.deps node_modules/better-sqlite3/deps \
 && mkdir -p /out/backend \
 && mv node_modules /out/node_modules \
 && if [ -d backend/node_modules ]; then mv backend/node_modules /out/backend/node_modules; fi

FROM node:20-bookworm-slim
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

ENV NODE_ENV=production \
    DOCKBASE_DATA_DIR=/var/lib/dockbase
COPY metadata.json docker.svg docker-compose.yaml /
COPY dockbase-entrypoint.sh /usr/local/bin/dockbase-entrypoint
COPY --from=build /src/ui/dist /ui
COPY --from=build /src/backend/package.json /backend/package.json
COPY --from=build /src/backend/dist /backend/dist
COPY --from=prod-deps /out/ /
# The backend's SQLite file lives in /var/lib/dockbase: docker-compose.yaml mounts a named volume on it,
# which takes this folder's owner when Docker creates the volume.
RUN chmod 755 /usr/local/bin/dockbase-entrypoint \
 && mkdir -p /var/lib/dockbase \
 && chown node:node /var/lib/dockbase
WORKDIR /backend
# The container starts as root only long enough for the entrypoint to hand /run/guest-services (mounted
# by Docker Desktop, root-owned) and /var/lib/dockbase to `node`; the backend itself runs as `node`.
ENTRYPOINT ["/usr/local/bin/dockbase-entrypoint"]
# Listens on /run/guest-services/backend.sock (metadata.json → vm.exposes.socket).
CMD ["node", "/backend/dist/main.js"]
