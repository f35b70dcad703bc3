import { createFileRoute } from '@tanstack/react-router'
import { serveShapeRoute, shapeMethodNotAllowed } from '~/server/shapes/shape-route'

/**
 * `/api/shape`: GET and POST on this exact path are answered before the router is built
 * (`src/server.ts`); this route serves what still reaches the router, with the same function.
 */
export const Route = createFileRoute('/api/shape')({
  server: {
    handlers: {
      GET: serveShapeRoute,
      POST: serveShapeRoute,
      PUT: shapeMethodNotAllowed,
      PATCH: shapeMethodNotAllowed,
      DELETE: shapeMethodNotAllowed,
      OPTIONS: shapeMethodNotAllowed,
    },
  },
})
