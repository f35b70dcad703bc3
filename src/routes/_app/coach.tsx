import { createFileRoute } from '@tanstack/react-router'
import { MessagesSquareIcon } from 'lucide-react'
import { EmptyState } from '~/components/layout/empty-state'
import { PageHeader } from '~/components/layout/page-header'

export const Route = createFileRoute('/_app/coach')({
  head: () => ({ meta: [{ title: 'Coach · Session Coach' }] }),
  component: CoachPage,
})

function CoachPage() {
  return (
    <>
      <PageHeader title="Coach" description="Talk a session through with a coach that knows your repository's rules." />
      <EmptyState icon={MessagesSquareIcon} title="The coach is not available yet">
        <p>
          The session coach arrives in a later release. It will read a session's timeline, check it against the
          repository's AGENTS.md, point out misalignments with evidence, and keep every conversation in Postgres.
        </p>
      </EmptyState>
    </>
  )
}
