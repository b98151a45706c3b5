# syntax=docker/dockerfile:1
# The service image (the last stage, built by default) and, for compose and local trials, an
# image of the provider emulators:
#   docker build -t video-rooms-graphql .
#   docker build --target emulators -t video-rooms-emulators .

# Everything installed, the TypeScript compiled into dist/.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# The emulators run through tsx, a dev dependency, so from the build stage. Never in production.
FROM build AS emulators
EXPOSE 4101 4102 4103 4104
CMD ["npm", "run", "emulators", "--", "--host", "0.0.0.0"]

# The service: production dependencies and the compiled output only, run by an unprivileged user.
FROM node:20-slim AS service
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
# Liveness only: readiness (/ready) is the load balancer's or Kubernetes' to ask.
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# As `npm start` runs it (package.json), without npm in between: node is PID 1 and gets SIGTERM
# itself, which starts the drain.
ENV MALLOC_ARENA_MAX=2
CMD ["node", "--heap-growing-percent=35", "--max-semi-space-size=8", "dist/bin/server.js"]
