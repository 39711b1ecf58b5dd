# Debian (glibc), not Alpine: argon2 ships prebuilt glibc binaries in its npm package, so no compiler is needed.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
# @scarf/scarf (pulled in by @nestjs/swagger) phones home at install time otherwise.
ENV SCARF_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Every dependency, dev tools included: the build needs @nestjs/cli and typescript.
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci

# Production dependencies only, straight from the lockfile (builds in parallel with `build`).
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM deps AS build
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
# Files stay owned by root: the `node` user can read and run them, not rewrite them.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node as PID 1 does not reap zombies or forward signals by default: run with `docker run --init`
# (compose sets `init: true`). On SIGTERM the app drains its connections and closes its stores
# (src/common/graceful-shutdown.ts): give the orchestrator's grace period at least 15 s.
CMD ["node", "dist/main.js"]
