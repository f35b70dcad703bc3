import { type FormEvent, useState } from 'react'
import type { z } from 'zod'
import { errorMessage } from '~/lib/error-message'
import { safeNextPath } from './safe-next-path'

export type FieldErrors<Field extends string> = Partial<Record<Field, string>>

/**
 * Validates the form with `schema`, shows problems next to their fields (focusing the first), sends
 * the data with `send`, and on success loads `next` as a full page: nothing synced for a previous
 * identity may survive into the new session.
 */
export function useAuthForm<Schema extends z.ZodObject>(
  schema: Schema,
  send: (data: z.output<Schema>) => Promise<unknown>,
  next: string | undefined,
) {
  type Field = Extract<keyof z.output<Schema>, string>
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<Field>>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = event.currentTarget
    const parsed = schema.safeParse(Object.fromEntries(new FormData(form)))
    if (!parsed.success) {
      const errors: FieldErrors<Field> = {}
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field
        errors[field] ??= issue.message
      }
      setFieldErrors(errors)
      setFormError(null)
      const firstInvalid = Object.keys(errors)[0]
      form.querySelector<HTMLElement>(`[name="${firstInvalid}"]`)?.focus()
      return
    }
    setFieldErrors({})
    setFormError(null)
    setSubmitting(true)
    try {
      await send(parsed.data)
      window.location.assign(safeNextPath(next))
    } catch (error) {
      setSubmitting(false)
      setFormError(
        error instanceof TypeError
          ? 'The server could not be reached. Check your connection and try again.'
          : errorMessage(error) || 'Something went wrong. Please try again.',
      )
    }
  }

  return { onSubmit, fieldErrors, formError, submitting }
}
