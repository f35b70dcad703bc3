/**
 * Settings → Share links: every link of the account, live (created, expiry, views, last viewed),
 * with Revoke. Revoking cuts off open viewers within seconds (docs/security.md, "Share links").
 */
import { useLiveQuery } from '@tanstack/react-db'
import { LinkIcon } from 'lucide-react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { type ShareLinkRow, shareLinksCollection } from '~/collections/share-links-collection'
import { Badge } from '~/components/ui/badge'
import { Button } from '~/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '~/components/ui/card'
import { Skeleton } from '~/components/ui/skeleton'
import { formatInstant } from '~/features/sessions/session-list'
import { shareLinkStatus } from './share-link-state'
import { revokeLink } from './share-mutations'

const STATUS_VARIANT = { active: 'success', revoked: 'outline', expired: 'outline' } as const

function When({ value }: { value: Date | null }) {
  return value ? <time dateTime={value.toISOString()}>{formatInstant(value)} UTC</time> : <span>—</span>
}

export function ShareLinksSettings() {
  const links = useLiveQuery((q) =>
    q.from({ link: shareLinksCollection }).orderBy(({ link }) => link.createdAt, 'desc'),
  )
  const sessions = useLiveQuery((q) => q.from({ session: sessionsCollection }))
  const titles = new Map((sessions.data ?? []).map((session) => [session.id, session.title]))
  const rows = (links.data ?? []) as ShareLinkRow[]
  return (
    <Card>
      <CardHeader>
        <CardTitle id="share-links-heading">Share links</CardTitle>
        <CardDescription>
          Read-only links to single sessions. Create them from a session's Share button or the explorer's menu.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {!links.isReady ? (
          <Skeleton className="h-16 w-full" />
        ) : rows.length === 0 ? (
          <p className="flex items-center gap-2 text-muted-foreground text-sm">
            <LinkIcon className="size-4" aria-hidden />
            No share links yet.
          </p>
        ) : (
          <ul aria-labelledby="share-links-heading" className="flex flex-col divide-y">
            {rows.map((link) => {
              const status = shareLinkStatus(link)
              const title = titles.get(link.sessionId) ?? 'A deleted session'
              return (
                <li
                  key={link.id}
                  className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between"
                  data-testid="share-link-row"
                >
                  <div className="flex min-w-0 flex-col gap-1">
                    <span className="flex flex-wrap items-center gap-2">
                      <span className="min-w-0 break-words font-medium">{title}</span>
                      <Badge variant={STATUS_VARIANT[status]}>{status}</Badge>
                    </span>
                    <span className="text-muted-foreground text-xs">
                      Created <When value={link.createdAt} /> · expires{' '}
                      {link.expiresAt ? <When value={link.expiresAt} /> : 'never'} · {link.viewCount}{' '}
                      {link.viewCount === 1 ? 'view' : 'views'}, last <When value={link.lastViewedAt} />
                      {[link.includeCoach && 'coach', link.includeRules && 'rules', link.includeUploads && 'raw log']
                        .filter(Boolean)
                        .map((part) => ` · with ${part}`)
                        .join('')}
                    </span>
                  </div>
                  {status === 'active' ? (
                    <Button
                      size="sm"
                      variant="outline"
                      className="w-fit"
                      aria-label={`Revoke the link to “${title}”`}
                      onClick={() => void revokeLink(link.id)}
                    >
                      Revoke
                    </Button>
                  ) : null}
                </li>
              )
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  )
}
