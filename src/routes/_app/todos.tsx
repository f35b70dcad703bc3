import { createFileRoute } from '@tanstack/react-router'
import { sessionsCollection } from '~/collections/sessions-collection'
import { todosCollection } from '~/collections/todos-collection'
import { PageHeader } from '~/components/layout/page-header'
import { TodosSkeleton } from '~/features/todos/todos-skeleton'
import { TodosView } from '~/features/todos/todos-view'

export const Route = createFileRoute('/_app/todos')({
  head: () => ({ meta: [{ title: 'Todos · Session Coach' }] }),
  // Collections sync in the browser only: the server sends the skeleton, the client fills it in.
  ssr: false,
  loader: async () => {
    // A failed first sync is the page's error state (TodosView), not a route error.
    await Promise.allSettled([todosCollection.preload(), sessionsCollection.preload()])
  },
  pendingComponent: TodosPending,
  component: TodosPage,
})

function Header() {
  return (
    <PageHeader
      title="Todos"
      description="Follow-ups from your sessions, kept in Postgres and synced live to every open tab."
    />
  )
}

function TodosPending() {
  return (
    <>
      <Header />
      <TodosSkeleton />
    </>
  )
}

function TodosPage() {
  return (
    <>
      <Header />
      <TodosView />
    </>
  )
}
