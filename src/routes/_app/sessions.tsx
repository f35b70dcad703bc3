import { createFileRoute } from '@tanstack/react-router'
import { ScrollTextIcon } from 'lucide-react'
import { EmptyState } from '~/components/layout/empty-state'
import { PageHeader } from '~/components/layout/page-header'

export const Route = createFileRoute('/_app/sessions')({
  head: () => ({ meta: [{ title: 'Sessions · Session Coach' }] }),
  component: SessionsPage,
})

function SessionsPage() {
  return (
    <>
      <PageHeader
        title="Sessions"
        description="Agent session logs as searchable timelines, grouped by repository and branch."
      />
      <EmptyState icon={ScrollTextIcon} title="No sessions yet">
        <p>
          Session ingest arrives in a later release: upload Codex CLI, Gemini CLI or Claude Code logs, or let Session
          Coach discover them on this machine. Each session will be stored in Postgres and show up here as it is
          written.
        </p>
      </EmptyState>
    </>
  )
}
