# The app image: the built TanStack Start server (`.output` is self-contained) plus the operator
# commands that run from it — `scripts/migrate.ts` (the compose `migrate` service),
# `scripts/create-user.ts` and the legacy cutover tool (`cli/legacy/`) — with production
# dependencies only: no embedded Postgres, no build, test or dev tools. Keep the Node major in
# step with NODE_LTS_VERSION in scripts/node-runtime.mjs.
FROM node:26-trixie-slim AS build
WORKDIR /app
RUN npm install -g --allow-scripts=pnpm pnpm@12.21.0
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/shape-server/package.json ./packages/shape-server/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm exec vite build
# `dependencies` are exactly what runs outside the bundle (tsx, drizzle-orm, postgres, zod,
# stream-json); everything vite bundles or only builds and tests use is a devDependency.
RUN rm -rf node_modules packages/*/node_modules \
  && pnpm install --frozen-lockfile --prod --filter session-coach \
  && rm -rf cli/legacy/tests

FROM node:26-trixie-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/.output ./.output
COPY --from=build /app/node_modules ./node_modules
# tsx resolves the `~/` imports through tsconfig.json.
COPY --from=build /app/package.json /app/app.config.ts /app/tsconfig.json ./
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/scripts/migrate.ts /app/scripts/create-user.ts ./scripts/
COPY --from=build /app/src ./src
COPY --from=build /app/cli/legacy ./cli/legacy
USER node
EXPOSE 3000
# Node ≥ 25 would warn at every start that server code probed `localStorage`; the server has none.
CMD ["node", "--no-experimental-webstorage", ".output/server/index.mjs"]
