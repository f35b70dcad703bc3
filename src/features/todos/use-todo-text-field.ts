import { type ChangeEvent, type RefObject, useState } from 'react'
import { checkTodoText } from '~/domain/todo-text'

/**
 * State of a todo text input (new todo, inline edit): the text, and the problem shown under it
 * until the next keystroke. `acceptedText()` is what a submit handler calls first.
 */
export function useTodoTextField(initialText: string, inputRef: RefObject<HTMLInputElement | null>) {
  const [text, setText] = useState(initialText)
  const [problem, setProblem] = useState<string | null>(null)

  return {
    text,
    setText,
    problem,
    onChange(event: ChangeEvent<HTMLInputElement>) {
      setText(event.target.value)
      if (problem) setProblem(null)
    },
    /** The trimmed text; or null after showing why it cannot be saved and focusing the field. */
    acceptedText(): string | null {
      const checked = checkTodoText(text)
      if (checked.ok) {
        setProblem(null)
        return checked.text
      }
      setProblem(checked.message)
      inputRef.current?.focus()
      return null
    },
  }
}
