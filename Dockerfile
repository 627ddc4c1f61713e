# syntax=docker/dockerfile:1
#
# One image for every Tessera service; the Kubernetes manifests pick the service with
# `node --heap-growing-percent=200 <service>/src/main.ts`. Node 24 strips TypeScript types
# itself, so there is no build step and the image runs the same sources the tests run.
#
#   docker build -t tessera:dev .
#   docker run --rm tessera:dev --heap-growing-percent=200 gateway/src/main.ts
#
# (the V8 flag every server runs with: shared/src/node-flags.ts says why)

ARG NODE_IMAGE=node:24-slim

# Production dependencies only, resolved exactly from the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# Everything is owned by root and only readable by the runtime user: a compromised process
# cannot rewrite its own code (the pods also mount the root filesystem read-only).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY shared ./shared
COPY gateway ./gateway
COPY world-node ./world-node
COPY auth-service ./auth-service
# Minecraft (gateway), world-node link, auth-service HTTP, Prometheus metrics.
EXPOSE 25565 25600 8081 9464
# The image's `node` user, written numerically so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# node runs as PID 1 and every service installs its own SIGTERM handler (graceful drain), so no
# init shim is needed for signal delivery.
ENTRYPOINT ["node"]
CMD ["--heap-growing-percent=200", "gateway/src/main.ts"]
