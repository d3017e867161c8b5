# The `aisre` command line for the demo stack: the telemetry simulator (`simulate --serve`) and the
# provisioning generator (`provision`). Built from the repository root (see docker-compose.yaml).
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, from the lock file, so editing the source does not reinstall them.
# Installed inside the image, never mounted from the host: tsx's esbuild binary is per platform.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY src ./src

# The simulator serves Prometheus text format on this port (docker/prometheus.yml scrapes it).
EXPOSE 9464
# tsx as an --import hook runs the TypeScript command line as it is, with no build step.
ENTRYPOINT ["node", "--import", "tsx", "src/cli/aisre.ts"]
CMD ["--help"]
