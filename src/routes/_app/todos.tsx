import { createFileRoute } from '@tanstack/react-router'
import { ListTodoIcon } from 'lucide-react'
import { EmptyState } from '~/components/layout/empty-state'
import { PageHeader } from '~/components/layout/page-header'

// Placeholder: the todo list is built on TanStack DB collections synced from Postgres.
export const Route = createFileRoute('/_app/todos')({
  head: () => ({ meta: [{ title: 'Todos · Session Coach' }] }),
  component: TodosPage,
})

function TodosPage() {
  return (
    <>
      <PageHeader title="Todos" description="Follow-ups from your sessions, kept in Postgres and synced live." />
      <EmptyState icon={ListTodoIcon} title="Todos are on their way">
        <p>
          The todo list arrives in the next release. Todos will be stored in Postgres and stay in step across every open
          tab and device.
        </p>
      </EmptyState>
    </>
  )
}
