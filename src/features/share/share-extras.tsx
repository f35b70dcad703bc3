/**
 * What a share link shows beyond the timeline, only when its owner included it: coach threads
 * (read-only, no composer), rules findings, and the uploaded log with a download of its raw bytes.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { DownloadIcon } from 'lucide-react'
import { Button } from '~/components/ui/button'
import { formatCount } from '~/lib/format'
import { SHARE_TOKEN_PARAM } from '~/sync/share-catalog'
import { shareCollection } from './share-collections'

interface Include {
  uploads: boolean
  rules: boolean
  coach: boolean
}

export function ShareExtras({ token, sessionId, include }: { token: string; sessionId: string; include: Include }) {
  return (
    <>
      {include.coach ? <SharedCoach token={token} sessionId={sessionId} /> : null}
      {include.rules ? <SharedFindings token={token} sessionId={sessionId} /> : null}
      {include.uploads ? <SharedUploads token={token} sessionId={sessionId} /> : null}
    </>
  )
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-2 rounded-xl border bg-card p-4 shadow-xs">
      <h2 id={id} className="font-medium">
        {title}
      </h2>
      {children}
    </section>
  )
}

function SharedCoach({ token, sessionId }: { token: string; sessionId: string }) {
  const threads = useLiveQuery((q) => q.from({ thread: shareCollection('chat_threads', token, sessionId) }))
  const messages = useLiveQuery((q) =>
    q
      .from({ message: shareCollection('chat_messages', token, sessionId) })
      .orderBy(({ message }) => message.seq, 'asc'),
  )
  const threadRows = threads.data ?? []
  return (
    <Section id="share-coach-heading" title="Coach conversations">
      {threadRows.length === 0 ? (
        <p className="text-muted-foreground text-sm">No coach conversations.</p>
      ) : (
        threadRows.map((thread) => (
          <details key={thread.id} className="rounded-md border p-2">
            <summary className="cursor-pointer text-sm">
              {thread.title} ({formatCount(thread.messageCount)} messages)
            </summary>
            <ol className="mt-2 flex flex-col gap-2">
              {(messages.data ?? [])
                .filter((message) => message.threadId === thread.id)
                .map((message) => (
                  <li key={message.id} className="text-sm">
                    <span className="font-medium">{message.role}: </span>
                    <span className="whitespace-pre-wrap break-words">{message.content}</span>
                  </li>
                ))}
            </ol>
          </details>
        ))
      )}
    </Section>
  )
}

function SharedFindings({ token, sessionId }: { token: string; sessionId: string }) {
  const findings = useLiveQuery((q) => q.from({ finding: shareCollection('misalignments', token, sessionId) }))
  const rows = findings.data ?? []
  return (
    <Section id="share-findings-heading" title="Rule findings">
      {rows.length === 0 ? (
        <p className="text-muted-foreground text-sm">No rule findings.</p>
      ) : (
        <ul className="flex flex-col gap-1">
          {rows.map((finding) => (
            <li key={finding.id} className="text-sm">
              <span className="font-medium">{finding.title}</span> · {finding.severity} · {finding.status}
              <p className="text-muted-foreground">{finding.summary}</p>
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

function SharedUploads({ token, sessionId }: { token: string; sessionId: string }) {
  const uploads = useLiveQuery((q) => q.from({ upload: shareCollection('session_uploads', token, sessionId) }))
  const rows = uploads.data ?? []
  const href = `/api/share/raw?${SHARE_TOKEN_PARAM}=${encodeURIComponent(token)}`
  return (
    <Section id="share-uploads-heading" title="Uploaded log">
      {rows.length === 0 ? (
        <p className="text-muted-foreground text-sm">This session's log was not uploaded (it was read from disk).</p>
      ) : (
        <ul className="flex flex-col gap-1">
          {rows.map((upload) => (
            <li key={upload.id} className="text-sm">
              {upload.originalName} · {formatCount(upload.sizeBytes)} bytes
            </li>
          ))}
        </ul>
      )}
      <Button asChild size="sm" variant="outline" className="w-fit">
        <a href={href} rel="noreferrer" download>
          <DownloadIcon aria-hidden />
          Download the raw log
        </a>
      </Button>
    </Section>
  )
}
