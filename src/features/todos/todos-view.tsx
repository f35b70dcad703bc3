/**
 * The todo list: everything on screen comes from `todosCollection` (and `sessionsCollection` for
 * the picker) through live queries, and every change goes through `todo-mutations.ts`. This is
 * the reference slice later features copy: collection → useLiveQuery → optimistic mutation.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { CircleCheckBigIcon, ListTodoIcon, RotateCcwIcon, TriangleAlertIcon } from 'lucide-react'
import { useMemo, useRef } from 'react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { type SyncFailure, useSyncFailure } from '~/collections/sync-failures'
import { todosCollection } from '~/collections/todos-collection'
import { EmptyState } from '~/components/layout/empty-state'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import type { Todo } from '~/db/schema'
import { formatCount } from '~/lib/format'
import { usePreference } from '~/lib/preferences'
import { NewTodoForm } from './new-todo-form'
import { type TodoFilter, todoFilterPreference } from './preferences'
import { sessionChoices } from './session-select'
import { TodoFilterControl } from './todo-filter'
import { TodoItem, todoToggleId } from './todo-item'
import { deleteTodoWithUndo, setTodoCompleted } from './todo-mutations'
import { TodosSkeleton } from './todos-skeleton'

const matchesFilter: Record<TodoFilter, (todo: Todo) => boolean> = {
  all: () => true,
  open: (todo) => !todo.completed,
  done: (todo) => todo.completed,
}

const reloadPage = () => window.location.reload()

function failureText(failure: SyncFailure | undefined) {
  if (failure?.status === 401) {
    return {
      title: 'Your session expired',
      body: 'This browser is no longer signed in, so todos stopped updating. Reload the page to sign in again.',
    }
  }
  return {
    title: 'Todos could not be synced',
    body: `${failure?.message ?? 'The sync service refused the request.'} Reload the page to try again.`,
  }
}

export function TodosView() {
  const todosQuery = useLiveQuery((q) =>
    q
      .from({ todo: todosCollection })
      .orderBy(({ todo }) => todo.createdAt, 'desc')
      .orderBy(({ todo }) => todo.id),
  )
  const sessionsQuery = useLiveQuery((q) =>
    q.from({ session: sessionsCollection }).orderBy(({ session }) => session.createdAt, 'desc'),
  )
  const failure = useSyncFailure('todos')
  const todoFilter = usePreference(todoFilterPreference)
  const newTodoInputRef = useRef<HTMLInputElement>(null)

  const todos = todosQuery.data ?? []
  const sessions = useMemo(() => sessionChoices(sessionsQuery.data ?? []), [sessionsQuery.data])
  const sessionsLoading = !sessionsQuery.isReady && !sessionsQuery.isError
  const counts = useMemo(() => {
    const done = todos.filter((todo) => todo.completed).length
    return { all: todos.length, open: todos.length - done, done }
  }, [todos])
  const visible = todos.filter(matchesFilter[todoFilter])

  if (todosQuery.isError || (failure && !todosQuery.isReady)) {
    const text = failureText(failure)
    return (
      <EmptyState
        icon={TriangleAlertIcon}
        tone="destructive"
        title={text.title}
        actions={
          <Button onClick={reloadPage}>
            <RotateCcwIcon aria-hidden />
            Reload
          </Button>
        }
      >
        <p>{text.body}</p>
      </EmptyState>
    )
  }
  if (!todosQuery.isReady) return <TodosSkeleton />

  /** Focus must not fall to <body> when the focused row disappears (deleted, or filtered out). */
  function focusNeighbourOf(todo: Todo) {
    const index = visible.findIndex((candidate) => candidate.id === todo.id)
    const neighbour = visible[index + 1] ?? visible[index - 1]
    const target = neighbour ? document.getElementById(todoToggleId(neighbour.id)) : newTodoInputRef.current
    target?.focus()
  }

  function toggle(todo: Todo, completed: boolean) {
    if (!matchesFilter[todoFilter]({ ...todo, completed })) focusNeighbourOf(todo)
    setTodoCompleted(todo, completed)
  }

  function remove(todo: Todo) {
    focusNeighbourOf(todo)
    deleteTodoWithUndo(todo, {
      onUndo: () => requestAnimationFrame(() => document.getElementById(todoToggleId(todo.id))?.focus()),
    })
  }

  return (
    <div className="flex flex-col gap-3">
      {failure ? (
        <Alert variant="destructive">
          <TriangleAlertIcon aria-hidden />
          <AlertTitle>{failureText(failure).title}</AlertTitle>
          <AlertDescription>
            <p>{failureText(failure).body}</p>
            <Button size="sm" variant="outline" onClick={reloadPage}>
              <RotateCcwIcon aria-hidden />
              Reload
            </Button>
          </AlertDescription>
        </Alert>
      ) : null}
      <NewTodoForm sessions={sessions} sessionsLoading={sessionsLoading} inputRef={newTodoInputRef} />
      {todos.length === 0 ? (
        <EmptyState icon={ListTodoIcon} title="No todos yet">
          <p>
            Add the first one above. Todos are kept in Postgres and show up in every open tab and on every device
            straight away.
          </p>
        </EmptyState>
      ) : (
        <section aria-labelledby="todo-list-heading" className="flex flex-col gap-3">
          <div>
            <h2 id="todo-list-heading" className="sr-only">
              Your todos
            </h2>
            <TodoFilterControl
              value={todoFilter}
              counts={counts}
              onValueChange={(filter) => todoFilterPreference.set(filter)}
            />
            {/* The filter shows the counts; this says them out loud when they change. */}
            <p role="status" className="sr-only">
              {formatCount(counts.open)} open, {formatCount(counts.done)} done
            </p>
          </div>
          {visible.length === 0 ? (
            <div className="flex items-center gap-3 rounded-xl border border-dashed px-4 py-6 text-muted-foreground text-sm">
              <CircleCheckBigIcon className="size-5 shrink-0" aria-hidden />
              {todoFilter === 'open' ? 'Nothing open: everything is done.' : 'Nothing done yet.'}
            </div>
          ) : (
            <ul aria-label="Todos" className="divide-y rounded-xl border bg-card shadow-xs">
              {visible.map((todo) => (
                <TodoItem
                  key={todo.id}
                  todo={todo}
                  saving={!todo.$synced}
                  sessions={sessions}
                  sessionsLoading={sessionsLoading}
                  onToggle={toggle}
                  onDelete={remove}
                />
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  )
}
