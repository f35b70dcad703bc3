import { type ErrorComponentProps, useRouter } from '@tanstack/react-router'
import { RotateCcwIcon, TriangleAlertIcon } from 'lucide-react'
import { Button } from '~/components/ui/button'
import { EmptyState } from './empty-state'

/** Shown in place of a page whose loader or render threw; the rest of the shell keeps working. */
export function RouteErrorPanel({ error, reset }: ErrorComponentProps) {
  const router = useRouter()
  // Raw messages can carry SQL text or parameters, so only development builds show them.
  const detail = import.meta.env.DEV ? (error instanceof Error ? error.message : String(error)) : undefined
  return (
    <EmptyState icon={TriangleAlertIcon} title="This page failed to load" titleLevel={1} tone="destructive">
      <p>Nothing was changed. Try again; if it keeps failing, the server log has the details.</p>
      {detail ? (
        <pre className="mt-3 max-h-40 overflow-auto whitespace-pre-wrap rounded-md bg-muted p-3 text-left font-mono text-foreground text-xs">
          {detail}
        </pre>
      ) : null}
      <div className="mt-4 flex justify-center">
        <Button
          onClick={() => {
            reset()
            void router.invalidate()
          }}
        >
          <RotateCcwIcon aria-hidden />
          Try again
        </Button>
      </div>
    </EmptyState>
  )
}
