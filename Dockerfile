# Dateline API image. tsx runs the TypeScript sources directly, so there is no build stage:
# one stage installs production dependencies, the final one adds the sources and runs as a non-root user.

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
# A bounded heap: V8 otherwise grows it far before collecting (400-600 MB under load, mostly garbage).
# The live data is small; bench/RESULTS.md measures the API under this limit. Raise it for big imports.
ENV NODE_OPTIONS=--max-old-space-size=192
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY migrations ./migrations
COPY src ./src
# Only used when DATABASE_URL is unset (embedded PGlite); mount a volume here to keep that data.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1 (no npm or shell in between), so SIGTERM reaches the graceful shutdown in src/server.ts.
CMD ["node", "--import", "tsx", "src/server.ts"]
