import { createFileRoute } from '@tanstack/react-router'
import { handleOffsets } from '~/server/ingest/push/push-routes'

/** `GET /api/ingest/offsets?machine=…` — how much of each pushed log the server has (to resume). */
export const Route = createFileRoute('/api/ingest/offsets')({
  server: { handlers: { GET: ({ request, context }) => handleOffsets(request, context) } },
})
