import { createFileRoute } from '@tanstack/react-router'
import { shapeMethodNotAllowed } from '~/server/shapes/shape-route'
import { serveShareShapeRoute } from '~/server/share/share-shape-route'

/**
 * `/api/share/shape`: GET and POST on this exact path are answered before the router is built
 * (`src/server.ts`); this route serves what still reaches the router, with the same function.
 */
export const Route = createFileRoute('/api/share/shape')({
  server: {
    handlers: {
      GET: serveShareShapeRoute,
      POST: serveShareShapeRoute,
      PUT: shapeMethodNotAllowed,
      PATCH: shapeMethodNotAllowed,
      DELETE: shapeMethodNotAllowed,
      OPTIONS: shapeMethodNotAllowed,
    },
  },
})
