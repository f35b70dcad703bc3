# The app image: the built TanStack Start server plus what `pnpm db:migrate` needs.
FROM node:26-trixie-slim AS build
WORKDIR /app
RUN npm install -g --allow-scripts=pnpm pnpm@12.21.0
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/shape-server/package.json ./packages/shape-server/
RUN pnpm install --frozen-lockfile
COPY . .
# node_modules stays whole: the migrate service runs scripts/migrate.ts with tsx.
RUN pnpm exec vite build

FROM node:26-trixie-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/.output ./.output
COPY --from=build /app/node_modules ./node_modules
# Sources and scripts too, so one-off operator commands (db:migrate, import:legacy, export:legacy)
# run from the same image: `docker compose run --rm migrate node --import tsx scripts/import-legacy.ts …`.
COPY --from=build /app/package.json /app/app.config.ts /app/tsconfig.json ./
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/src ./src
USER node
EXPOSE 3000
CMD ["node", ".output/server/index.mjs"]
