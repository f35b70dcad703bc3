import { PlusIcon } from 'lucide-react'
import { type FormEvent, type RefObject, useId, useState } from 'react'
import { Button } from '~/components/ui/button'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import { type SessionChoice, SessionSelect } from './session-select'
import { addTodo } from './todo-mutations'
import { useTodoTextField } from './use-todo-text-field'

export function NewTodoForm({
  sessions,
  sessionsLoading,
  inputRef,
}: {
  sessions: readonly SessionChoice[]
  sessionsLoading: boolean
  /** Owned by the list, which moves focus here when the last visible todo goes away. */
  inputRef: RefObject<HTMLInputElement | null>
}) {
  const field = useTodoTextField('', inputRef)
  const [sessionId, setSessionId] = useState<string | null>(null)
  const ids = { text: useId(), session: useId(), problem: useId() }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const text = field.acceptedText()
    if (text === null) return
    field.setText('')
    addTodo({ text, sessionId }, () => {
      // The add was rolled back: give the text back unless something new was typed meanwhile.
      field.setText((current) => (current === '' ? text : current))
    })
    // Keep typing the next one, whether Enter or the button submitted.
    inputRef.current?.focus()
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Add a todo" className="flex flex-col gap-1.5">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="flex min-w-0 flex-1 flex-col gap-1.5">
          <Label htmlFor={ids.text}>New todo</Label>
          <Input
            id={ids.text}
            ref={inputRef}
            value={field.text}
            onChange={field.onChange}
            placeholder="What needs doing?"
            autoComplete="off"
            aria-invalid={field.problem ? true : undefined}
            aria-describedby={field.problem ? ids.problem : undefined}
          />
        </div>
        <div className="flex items-end gap-2">
          <div className="flex min-w-0 flex-1 flex-col gap-1.5 sm:w-48 sm:flex-none">
            <Label htmlFor={ids.session}>
              Session <span className="font-normal text-muted-foreground">(optional)</span>
            </Label>
            <SessionSelect
              id={ids.session}
              sessions={sessions}
              loading={sessionsLoading}
              value={sessionId}
              onValueChange={setSessionId}
            />
          </div>
          <Button type="submit">
            <PlusIcon aria-hidden />
            Add
          </Button>
        </div>
      </div>
      <p id={ids.problem} role="alert" className="min-h-5 text-destructive text-sm">
        {field.problem}
      </p>
    </form>
  )
}
