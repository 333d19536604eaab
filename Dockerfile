# One recipe for Coffer's images. The three services: `docker build --build-arg SERVICE=file-service .`
# (the default, last stage); the web app: `docker build --target web .`. The build context is the
# repository root because the services depend on the contracts workspace and npm ci needs every
# workspace's package.json to install from the one lock file.
ARG NODE_VERSION=20-bookworm-slim

FROM node:${NODE_VERSION} AS deps
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY contracts/package.json contracts/
COPY customer-service/package.json customer-service/
COPY file-service/package.json file-service/
COPY notification-service/package.json notification-service/
COPY kong/package.json kong/
COPY infra/package.json infra/
COPY e2e/package.json e2e/
COPY fuzz/package.json fuzz/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund

# The web app: the bundle built here (its API types are generated and committed), with Brotli and
# gzip copies of its files, served by web/server/serve.mjs, which needs only its production dependencies.
FROM deps AS web-build
# The look the web app shares with the server-rendered pages.
COPY contracts/pages/base.css contracts/pages/
COPY web web
RUN npm run build -w web \
 && node web/server/precompress.mjs web/dist \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION} AS web
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3004
WORKDIR /app
COPY --from=web-build /app/node_modules node_modules
# The whole workspace: its own node_modules (packages the lock file does not hoist), server/ and dist/.
COPY --from=web-build /app/web web
USER node
CMD ["node", "web/server/serve.mjs"]

FROM deps AS build
ARG SERVICE
# file-service's SHA-256 addon (file-service/native) is C, compiled against the image's node headers.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY contracts contracts
COPY ${SERVICE} ${SERVICE}
RUN npm run build -w @coffer/contracts -w @coffer/${SERVICE} \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}
ARG SERVICE
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/contracts contracts
COPY --from=build /app/${SERVICE} ${SERVICE}
# Owned by the runtime user so a named volume mounted here (signing keys) is writable.
RUN mkdir -p /var/lib/coffer && chown node:node /var/lib/coffer
WORKDIR /app/${SERVICE}
USER node
# The preload starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, before the service's modules load.
CMD ["node", "--enable-source-maps", "--import", "@coffer/contracts/tracing/register", "dist/main.js"]
