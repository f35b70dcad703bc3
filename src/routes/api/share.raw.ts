import { createFileRoute } from '@tanstack/react-router'
import { getDatabaseClient } from '~/server/database'
import { serveShareRaw } from '~/server/share/share-shape'

/** `GET /api/share/raw?share=<token>` — the shared session's raw log, when the link includes it. */
export const Route = createFileRoute('/api/share/raw')({
  server: {
    handlers: {
      GET: ({ request }) => serveShareRaw(request, getDatabaseClient().db),
    },
  },
})
