/** Which provider and model answer, the model picker, and the context budget of the next prompt. */
import { CircleAlertIcon, CpuIcon } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { ContextSummary } from '~/domain/coach/stream-protocol'
import { errorMessage } from '~/lib/error-message'
import { usePreference } from '~/lib/preferences'
import { getCoachProviderStatus } from '~/server/functions/coach'
import { coachModelPreference } from './preferences'

export type ProviderStatus = Awaited<ReturnType<typeof getCoachProviderStatus>>

export function useProviderStatus() {
  const [status, setStatus] = useState<ProviderStatus | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    getCoachProviderStatus()
      .then((answer) => !cancelled && setStatus(answer))
      .catch((error) => !cancelled && setFailure(errorMessage(error)))
    return () => {
      cancelled = true
    }
  }, [])
  return { status, failure }
}

/** The model to ask for: the remembered pick if the provider still offers it, else its default. */
export function useChosenModel(status: ProviderStatus | null) {
  const remembered = usePreference(coachModelPreference)
  if (!status) return null
  return status.models.includes(remembered) ? remembered : status.defaultModel
}

export function ProviderBar({
  status,
  failure,
  model,
  context,
}: {
  status: ProviderStatus | null
  failure: string | null
  model: string | null
  context: ContextSummary | null
}) {
  return (
    <div className="flex flex-col gap-2 text-xs">
      <div className="flex flex-wrap items-center gap-2">
        <span className="inline-flex items-center gap-1 rounded-full border px-2 py-0.5" data-testid="provider-status">
          <CpuIcon className="size-3.5" aria-hidden />
          {status ? (
            <>
              {status.provider} · {model ?? 'no model'}
            </>
          ) : failure ? (
            'provider unknown'
          ) : (
            'checking provider…'
          )}
        </span>
        {status && status.models.length > 1 ? (
          <label className="inline-flex items-center gap-1">
            <span className="text-muted-foreground">Model</span>
            <select
              value={model ?? ''}
              onChange={(event) => coachModelPreference.set(event.target.value)}
              className="h-7 rounded-md border border-input bg-card px-1.5 text-xs"
            >
              {status.models.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {context ? (
          <span
            className="text-muted-foreground"
            data-testid="context-budget"
            title={context.sections
              .map((s) => `${s.heading}: ${s.tokens} tokens${s.trimmed ? ' (trimmed)' : ''}`)
              .join('\n')}
          >
            Context: {context.usedTokens.toLocaleString('en')} / {context.budgetTokens.toLocaleString('en')} tokens
            {context.sections.length
              ? ` · ${context.sections.map((s) => `${s.heading}${s.trimmed ? ' (trimmed)' : ''}`).join(', ')}`
              : ''}
          </span>
        ) : null}
      </div>
      {status?.problem || failure ? (
        <p className="inline-flex items-start gap-1 text-destructive" role="alert">
          <CircleAlertIcon className="mt-0.5 size-3.5 shrink-0" aria-hidden />
          {status?.problem ?? failure}
        </p>
      ) : null}
    </div>
  )
}
