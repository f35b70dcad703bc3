import { type ComponentProps, useId } from 'react'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'

/** A labelled input whose problem is shown under it and announced with it (aria-describedby). */
export function AuthField({
  label,
  hint,
  error,
  ...inputProps
}: ComponentProps<typeof Input> & { name: string; label: string; hint?: string; error?: string }) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...inputProps} />
      {error ? (
        <p id={errorId} className="text-destructive text-sm">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="text-muted-foreground text-xs">
          {hint}
        </p>
      ) : null}
    </div>
  )
}
