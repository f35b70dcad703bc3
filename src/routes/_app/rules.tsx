import { createFileRoute } from '@tanstack/react-router'
import { z } from 'zod'
import { PageHeader } from '~/components/layout/page-header'
import { RulesView } from '~/features/rules/rules-view'

const rulesSearch = z.object({ sessionId: z.string().uuid().optional().catch(undefined) })

export const Route = createFileRoute('/_app/rules')({
  head: () => ({ meta: [{ title: 'Rules · Session Coach' }] }),
  validateSearch: rulesSearch,
  // Collections sync in the browser only.
  ssr: false,
  component: RulesPage,
})

function RulesPage() {
  const { sessionId } = Route.useSearch()
  return (
    <>
      <PageHeader
        title="Rules"
        description="What the agent was told (its repository's instruction files), where a session strayed from it, and hooks that would have stopped it."
      />
      <RulesView sessionId={sessionId} />
    </>
  )
}
