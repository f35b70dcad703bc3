import { createFileRoute } from '@tanstack/react-router'
import { getDatabaseClient } from '~/server/database'
import { downloadRawLog } from '~/server/ingest/raw-download'
import { shareLinksRepository } from '~/server/repositories/share-links-repository'
import { endedLinkResponse } from '~/server/share/share-shape'
import { SHARE_TOKEN_PARAM } from '~/sync/share-catalog'

/**
 * `GET /api/share/raw?share=<token>` — the shared session's raw log, only when its owner included
 * uploads on the link (raw logs can hold secrets, so they are off by default).
 */
export const Route = createFileRoute('/api/share/raw')({
  server: {
    handlers: {
      GET: async ({ request }) => {
        const db = getDatabaseClient().db
        const token = new URL(request.url).searchParams.get(SHARE_TOKEN_PARAM) ?? ''
        const resolved = await shareLinksRepository.resolveToken(db, token)
        if (resolved.state !== 'valid') return endedLinkResponse(resolved.state)
        if (!resolved.link.includeUploads) {
          return Response.json(
            { message: 'This share link does not include the raw log.' },
            { status: 403, headers: { 'cache-control': 'no-store' } },
          )
        }
        return downloadRawLog(db, resolved.link.accountId, resolved.link.sessionId)
      },
    },
  },
})
