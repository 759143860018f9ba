# Placeholder until the packaging issue: builds the UI and backend and runs the backend.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY ui/package.json ui/
COPY backend/package.json backend/
COPY host/package.json host/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
LABEL org.opencontainers.image.title="Dockbase" \
      org.opencontainers.image.description="Local PostgreSQL, MySQL, MariaDB, MongoDB and Redis instances in one tab" \
      org.opencontainers.image.vendor="Dockbase" \
      com.docker.desktop.extension.api.version=">= 0.3.4" \
      com.docker.extension.categories="database"
COPY --from=build /src/ui/dist /ui
COPY metadata.json docker.svg docker-compose.yaml /
CMD ["node", "/backend/dist/main.js"]
