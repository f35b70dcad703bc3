import { createFileRoute } from '@tanstack/react-router'
import { handleChunk } from '~/server/ingest/push/push-routes'

/** `POST /api/ingest/chunks` — append a chunk of a log at a byte offset (docs/ingest.md, "Pushed logs"). */
export const Route = createFileRoute('/api/ingest/chunks')({
  server: { handlers: { POST: ({ request, context }) => handleChunk(request, context) } },
})
