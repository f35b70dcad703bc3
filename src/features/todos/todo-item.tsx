import { Link2Icon, PencilIcon, Trash2Icon } from 'lucide-react'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { Badge } from '~/components/ui/badge'
import { Button } from '~/components/ui/button'
import { Checkbox } from '~/components/ui/checkbox'
import { Input } from '~/components/ui/input'
import type { Todo } from '~/db/schema'
import { shortTodoText } from '~/domain/todo-text'
import { cn } from '~/lib/utils'
import { type SessionChoice, SessionSelect } from './session-select'
import { editTodo } from './todo-mutations'
import { useTodoTextField } from './use-todo-text-field'

/** DOM id of a todo's checkbox: the list moves focus there after deletes and undos. */
export const todoToggleId = (todoId: string) => `todo-toggle-${todoId}`

export function TodoItem({
  todo,
  saving,
  sessions,
  sessionsLoading,
  onToggle,
  onDelete,
}: {
  todo: Todo
  /** An optimistic change to this row has not been confirmed by the server yet. */
  saving: boolean
  sessions: readonly SessionChoice[]
  sessionsLoading: boolean
  onToggle: (todo: Todo, completed: boolean) => void
  onDelete: (todo: Todo) => void
}) {
  const [editing, setEditing] = useState(false)
  const editButtonRef = useRef<HTMLButtonElement>(null)
  const returnFocusToEdit = useRef(false)
  const label = shortTodoText(todo.text)
  const session = todo.sessionId ? sessions.find((candidate) => candidate.id === todo.sessionId) : undefined

  useEffect(() => {
    if (!editing && returnFocusToEdit.current) {
      returnFocusToEdit.current = false
      editButtonRef.current?.focus()
    }
  }, [editing])

  const finishEditing = () => {
    returnFocusToEdit.current = true
    setEditing(false)
  }

  if (editing) {
    return (
      <li className="px-4 py-3">
        <TodoEditor
          todo={todo}
          sessions={sessions}
          sessionsLoading={sessionsLoading}
          onSave={(changes) => {
            editTodo(todo, changes)
            finishEditing()
          }}
          onCancel={finishEditing}
        />
      </li>
    )
  }

  return (
    <li className="flex items-start gap-3 px-4 py-3">
      <Checkbox
        id={todoToggleId(todo.id)}
        checked={todo.completed}
        onCheckedChange={(checked) => onToggle(todo, checked === true)}
        className="mt-0.5"
      />
      <div className="flex min-w-0 flex-1 flex-col gap-1.5">
        <label
          htmlFor={todoToggleId(todo.id)}
          className={cn(
            'cursor-pointer text-sm leading-5 [overflow-wrap:anywhere]',
            todo.completed && 'text-muted-foreground line-through decoration-muted-foreground/60',
          )}
        >
          {todo.text}
        </label>
        {todo.sessionId ? (
          <Badge variant="outline" className="max-w-full text-muted-foreground">
            <Link2Icon aria-hidden />
            <span className="truncate">{session ? session.title : 'Linked session'}</span>
          </Badge>
        ) : null}
      </div>
      {saving ? <span className="mt-0.5 shrink-0 text-muted-foreground text-xs">Saving…</span> : null}
      <div className="-my-1.5 flex shrink-0 items-center">
        <Button
          ref={editButtonRef}
          variant="ghost"
          size="icon"
          aria-label={`Edit “${label}”`}
          title="Edit"
          onClick={() => setEditing(true)}
        >
          <PencilIcon aria-hidden />
        </Button>
        <Button
          variant="ghost"
          size="icon"
          aria-label={`Delete “${label}”`}
          title="Delete"
          className="hover:bg-destructive/10 hover:text-destructive"
          onClick={() => onDelete(todo)}
        >
          <Trash2Icon aria-hidden />
        </Button>
      </div>
    </li>
  )
}

function TodoEditor({
  todo,
  sessions,
  sessionsLoading,
  onSave,
  onCancel,
}: {
  todo: Todo
  sessions: readonly SessionChoice[]
  sessionsLoading: boolean
  onSave: (changes: { text: string; sessionId: string | null }) => void
  onCancel: () => void
}) {
  const inputRef = useRef<HTMLInputElement>(null)
  const field = useTodoTextField(todo.text, inputRef)
  const [sessionId, setSessionId] = useState(todo.sessionId)
  const problemId = useId()

  useEffect(() => {
    inputRef.current?.focus()
    inputRef.current?.select()
  }, [])

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const text = field.acceptedText()
    if (text !== null) onSave({ text, sessionId })
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={`Edit “${shortTodoText(todo.text)}”`}
      className="flex flex-col gap-2"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault()
          onCancel()
        }
      }}
    >
      <Input
        ref={inputRef}
        aria-label="Todo text"
        value={field.text}
        onChange={field.onChange}
        aria-invalid={field.problem ? true : undefined}
        aria-describedby={field.problem ? problemId : undefined}
      />
      <div className="flex flex-wrap items-center gap-2">
        <SessionSelect
          aria-label="Session"
          sessions={sessions}
          loading={sessionsLoading}
          value={sessionId}
          onValueChange={setSessionId}
          className="min-w-40 flex-1 sm:flex-none"
        />
        <div className="ml-auto flex gap-2">
          <Button type="button" variant="ghost" size="sm" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" size="sm">
            Save
          </Button>
        </div>
      </div>
      {field.problem ? (
        <p id={problemId} role="alert" className="text-destructive text-sm">
          {field.problem}
        </p>
      ) : null}
    </form>
  )
}
