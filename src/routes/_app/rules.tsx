import { createFileRoute } from '@tanstack/react-router'
import { ShieldCheckIcon } from 'lucide-react'
import { EmptyState } from '~/components/layout/empty-state'
import { PageHeader } from '~/components/layout/page-header'

export const Route = createFileRoute('/_app/rules')({
  head: () => ({ meta: [{ title: 'Rules · Session Coach' }] }),
  component: RulesPage,
})

function RulesPage() {
  return (
    <>
      <PageHeader title="Rules" description="The AGENTS.md rules that sessions are checked against." />
      <EmptyState icon={ShieldCheckIcon} title="No rules loaded">
        <p>
          Rules arrive in a later release. Once a session is bound to a repository, its AGENTS.md rules will be listed
          here with their severity and the sessions that broke them.
        </p>
      </EmptyState>
    </>
  )
}
