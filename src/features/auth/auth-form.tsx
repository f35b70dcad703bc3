import { TriangleAlertIcon } from 'lucide-react'
import type { FormEvent, ReactNode } from 'react'
import { Alert, AlertDescription } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'

/** The frame both auth forms share: the server's answer on top, the fields, one submit button. */
export function AuthForm({
  onSubmit,
  formError,
  submitting,
  submitLabel,
  submittingLabel,
  children,
}: {
  onSubmit: (event: FormEvent<HTMLFormElement>) => void
  formError: string | null
  submitting: boolean
  submitLabel: string
  submittingLabel: string
  children: ReactNode
}) {
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      {formError ? (
        <Alert variant="destructive">
          <TriangleAlertIcon aria-hidden />
          <AlertDescription>{formError}</AlertDescription>
        </Alert>
      ) : null}
      {children}
      <Button type="submit" disabled={submitting} className="mt-1 w-full">
        {submitting ? submittingLabel : submitLabel}
      </Button>
    </form>
  )
}
