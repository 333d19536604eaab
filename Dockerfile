# One image recipe for the three services: `docker build --build-arg SERVICE=file-service .`
# The build context is the repository root because the services depend on the contracts workspace.
ARG NODE_VERSION=20-bookworm-slim

FROM node:${NODE_VERSION} AS build
ARG SERVICE
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
RUN npm ci --no-audit --no-fund
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
CMD ["node", "--enable-source-maps", "dist/main.js"]
