# TenantVault: one image for both processes. The default command serves the HTTP API;
# docker-compose.yml's `worker` service runs `node dist/worker/main.js` instead and its
# `migrate` service runs `npm run db:migrate` (prisma migrate deploy).
#
# Stages: deps (all packages, for the build) -> build (prisma generate, tsc, workflow
# bundle); prod-deps (production packages only) -> runtime (prod-deps + build output).
# Debian slim, not Alpine: @temporalio/core-bridge ships glibc-only native binaries.
# Needs BuildKit (the default builder of current Docker and of `docker compose build`)
# for the npm cache mounts.

ARG NODE_VERSION=20.20.2

# ---- deps: every package in the lockfile, dev tools included --------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs its install script here. Prisma runs its query
# compiler and schema engine as WebAssembly (no engine download), and Temporal's
# core-bridge ships prebuilt binaries inside the npm package.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund

# ---- build: generated Prisma client, compiled JS, prebuilt workflow bundle ------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY src ./src
# `prisma generate` never connects, but resolves the datasource URL; a placeholder keeps
# it from falling back to downloading native engines (see src/db/generate.mjs).
RUN DATABASE_URL=postgresql://build@localhost/unused npm run build

# ---- prod-deps: production packages only (what `npm prune --omit=dev` would leave) -----
# Installed from the lockfile in its own stage so that no dev package ever lands in a
# runtime layer. `prisma` is a regular dependency, so `prisma migrate deploy` works here.
FROM node:${NODE_VERSION}-bookworm-slim AS prod-deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime ---------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# The worker's NativeConnection (Temporal's Rust core) verifies TLS against the OS trust
# store, which slim images lack; without ca-certificates TLS to Temporal Cloud fails.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Files stay root-owned and read-only to the app user.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/healthcheck ./deploy/healthcheck
# `node` (uid 1000) is the unprivileged user that the official Node images create.
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
