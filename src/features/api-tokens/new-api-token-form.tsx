/** Create an API token: name, scopes, expiry. The secret is shown once by `CreatedTokenNotice`. */
import { KeyRoundIcon, LoaderCircleIcon } from 'lucide-react'
import { type FormEvent, useId, useState } from 'react'
import { createApiTokenAndWait } from '~/collections/api-tokens-collection'
import { Button } from '~/components/ui/button'
import { Checkbox } from '~/components/ui/checkbox'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import { API_TOKEN_NAME_MAX, createApiTokenInput } from '~/domain/api-tokens/api-token-input'
import {
  API_TOKEN_EXPIRY_DAYS,
  API_TOKEN_SCOPE_LABELS,
  API_TOKEN_SCOPES,
  type ApiTokenScope,
} from '~/domain/api-tokens/api-token-scopes'
import { errorMessage } from '~/lib/error-message'
import { expiryLabel } from './api-token-format'

const DEFAULT_EXPIRY = 90

export function NewApiTokenForm({ onCreated }: { onCreated: (created: { name: string; token: string }) => void }) {
  const ids = useId()
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<ApiTokenScope[]>(['ingest'])
  const [expiry, setExpiry] = useState<string>(String(DEFAULT_EXPIRY))
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent) {
    event.preventDefault()
    const parsed = createApiTokenInput.safeParse({
      name,
      scopes,
      expiresInDays: expiry === 'never' ? null : Number(expiry),
    })
    if (!parsed.success) {
      setError(parsed.error.issues[0].message)
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const created = await createApiTokenAndWait(parsed.data)
      onCreated({ name: parsed.data.name, token: created.token })
      setName('')
    } catch (failure) {
      setError(`The token could not be created: ${errorMessage(failure)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby={`${ids}-heading`} className="flex flex-col gap-4" noValidate>
      <h3 id={`${ids}-heading`} className="font-medium text-sm">
        New token
      </h3>
      <div className="grid gap-4 sm:grid-cols-[1fr_auto]">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${ids}-name`}>Name</Label>
          <Input
            id={`${ids}-name`}
            value={name}
            maxLength={API_TOKEN_NAME_MAX}
            placeholder="e.g. laptop agent-push"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${ids}-error` : undefined}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${ids}-expiry`}>Expires after</Label>
          <select
            id={`${ids}-expiry`}
            value={expiry}
            onChange={(event) => setExpiry(event.target.value)}
            className="h-9 rounded-md border border-input bg-card px-3 text-sm shadow-xs outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            {API_TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={String(days)} value={days === null ? 'never' : String(days)}>
                {expiryLabel(days)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 font-medium text-sm">Scopes</legend>
        {API_TOKEN_SCOPES.map((scope) => (
          <div key={scope} className="flex items-center gap-2">
            <Checkbox
              id={`${ids}-scope-${scope}`}
              checked={scopes.includes(scope)}
              onCheckedChange={(checked) =>
                setScopes((current) =>
                  checked === true ? [...new Set([...current, scope])] : current.filter((s) => s !== scope),
                )
              }
            />
            <Label htmlFor={`${ids}-scope-${scope}`} className="font-normal">
              {API_TOKEN_SCOPE_LABELS[scope]}
            </Label>
          </div>
        ))}
      </fieldset>
      {error ? (
        <p id={`${ids}-error`} role="alert" className="text-destructive text-sm">
          {error}
        </p>
      ) : null}
      <div>
        <Button type="submit" disabled={busy}>
          {busy ? <LoaderCircleIcon className="animate-spin" aria-hidden /> : <KeyRoundIcon aria-hidden />}
          Create token
        </Button>
      </div>
    </form>
  )
}
