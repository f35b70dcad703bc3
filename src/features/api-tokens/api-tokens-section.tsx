/**
 * Settings → API tokens: create (the secret is shown once), list with last use, revoke. The list
 * comes from the `api_tokens` shape like every other authoritative state; see docs/operations.md.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { CheckIcon, CopyIcon, KeyRoundIcon, RotateCcwIcon, TriangleAlertIcon } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import { type ApiTokenRow, apiTokensCollection, revokeApiTokenAndWait } from '~/collections/api-tokens-collection'
import { useSyncFailure } from '~/collections/sync-failures'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { Badge } from '~/components/ui/badge'
import { Button } from '~/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '~/components/ui/card'
import { Input } from '~/components/ui/input'
import { Skeleton } from '~/components/ui/skeleton'
import { formatDate, formatRelative } from '~/features/explorer/session-format'
import { errorMessage } from '~/lib/error-message'
import { collectionIdOf } from '~/sync/catalog'
import { type ApiTokenState, apiTokenState } from './api-token-format'
import { NewApiTokenForm } from './new-api-token-form'

const STATE_BADGES: Record<ApiTokenState, { label: string; variant: 'success' | 'destructive' | 'warning' }> = {
  active: { label: 'Active', variant: 'success' },
  revoked: { label: 'Revoked', variant: 'destructive' },
  expired: { label: 'Expired', variant: 'warning' },
}

export function ApiTokensSection() {
  const [created, setCreated] = useState<{ name: string; token: string }>()
  return (
    <Card>
      <CardHeader>
        <CardTitle id="api-tokens-heading">API tokens</CardTitle>
        <CardDescription>
          For programs that send sessions to this server, such as <code>pnpm agent-push</code> on another machine. A
          token acts as you, only for the scopes you give it; it cannot sign in or change settings.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-6">
        {created ? <CreatedTokenNotice created={created} onDone={() => setCreated(undefined)} /> : null}
        <NewApiTokenForm onCreated={setCreated} />
        <ApiTokenList />
      </CardContent>
    </Card>
  )
}

function CreatedTokenNotice({ created, onDone }: { created: { name: string; token: string }; onDone: () => void }) {
  const [copied, setCopied] = useState(false)
  const inputRef = useRef<HTMLInputElement>(null)
  useEffect(() => inputRef.current?.select(), [])
  return (
    <Alert data-testid="created-token">
      <KeyRoundIcon aria-hidden />
      <AlertTitle>Copy your new token “{created.name}” now</AlertTitle>
      <AlertDescription className="flex w-full flex-col gap-2">
        <p>It is shown only this once; the server keeps nothing it could show you again.</p>
        <div className="flex w-full flex-col gap-2 sm:flex-row">
          <Input
            ref={inputRef}
            readOnly
            value={created.token}
            aria-label="New API token"
            className="min-w-0 flex-1 font-mono text-xs"
            onFocus={(event) => event.currentTarget.select()}
          />
          <div className="flex gap-2">
            <Button
              type="button"
              variant="outline"
              onClick={async () => {
                await navigator.clipboard?.writeText(created.token).catch(() => {})
                setCopied(true)
              }}
            >
              {copied ? <CheckIcon aria-hidden /> : <CopyIcon aria-hidden />}
              {copied ? 'Copied' : 'Copy'}
            </Button>
            <Button type="button" onClick={onDone}>
              Done
            </Button>
          </div>
        </div>
      </AlertDescription>
    </Alert>
  )
}

function ApiTokenList() {
  const query = useLiveQuery((q) =>
    q.from({ token: apiTokensCollection }).orderBy(({ token }) => token.createdAt, 'desc'),
  )
  const failure = useSyncFailure(collectionIdOf('api_tokens'))
  const now = Date.now()

  if (query.isError || (failure && !query.isReady)) {
    return (
      <Alert variant="destructive">
        <TriangleAlertIcon aria-hidden />
        <AlertTitle>Your API tokens could not be loaded</AlertTitle>
        <AlertDescription>
          <p>{failure?.message ?? 'The sync service refused the request.'} Reload the page to try again.</p>
          <Button size="sm" variant="outline" onClick={() => window.location.reload()}>
            <RotateCcwIcon aria-hidden />
            Reload
          </Button>
        </AlertDescription>
      </Alert>
    )
  }
  if (!query.isReady) {
    return (
      <div className="flex flex-col gap-2" role="status" aria-busy="true">
        <span className="sr-only">Loading API tokens…</span>
        <Skeleton className="h-14 w-full" />
        <Skeleton className="h-14 w-full" />
      </div>
    )
  }
  const tokens = query.data ?? []
  return (
    <section aria-labelledby="api-token-list-heading" className="flex flex-col gap-2">
      <h3 id="api-token-list-heading" className="font-medium text-sm">
        Your tokens
      </h3>
      {tokens.length === 0 ? (
        <p className="text-muted-foreground text-sm" data-testid="api-tokens-empty">
          No API tokens yet. Create one above to let agent-push or a script send sessions here.
        </p>
      ) : (
        <ul className="flex flex-col gap-2">
          {tokens.map((token) => (
            <ApiTokenItem key={token.id} token={token} now={now} />
          ))}
        </ul>
      )}
    </section>
  )
}

function ApiTokenItem({ token, now }: { token: ApiTokenRow; now: number }) {
  const state = apiTokenState(token, now)
  const badge = STATE_BADGES[state]
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const nameId = `api-token-${token.id}`

  async function revoke() {
    setBusy(true)
    setError(undefined)
    try {
      await revokeApiTokenAndWait(token.id)
      setConfirming(false)
    } catch (failure) {
      setError(`Could not revoke: ${errorMessage(failure)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <li
      aria-labelledby={nameId}
      data-testid="api-token"
      className="flex flex-col gap-2 rounded-lg border bg-card px-3 py-2.5 sm:flex-row sm:items-center sm:justify-between"
    >
      <div className="flex min-w-0 flex-col gap-1">
        <div className="flex flex-wrap items-center gap-2">
          <span id={nameId} className="truncate font-medium text-sm">
            {token.name}
          </span>
          <code className="text-muted-foreground text-xs">{token.prefix}…</code>
          <Badge variant={badge.variant}>{badge.label}</Badge>
          {token.scopes.map((scope) => (
            <Badge key={scope} variant="outline">
              {scope}
            </Badge>
          ))}
        </div>
        <p className="text-muted-foreground text-xs">
          Created {formatDate(token.createdAt)} ·{' '}
          {token.expiresAt ? `expires ${formatDate(token.expiresAt)}` : 'never expires'} ·{' '}
          {token.lastUsedAt ? `last used ${formatRelative(token.lastUsedAt, now)}` : 'never used'}
        </p>
        {error ? (
          <p role="alert" className="text-destructive text-xs">
            {error}
          </p>
        ) : null}
      </div>
      {state === 'revoked' ? null : confirming ? (
        <div className="flex shrink-0 gap-2">
          <Button size="sm" variant="destructive" disabled={busy} onClick={revoke}>
            Revoke now
          </Button>
          <Button size="sm" variant="outline" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <Button
          size="sm"
          variant="outline"
          className="shrink-0"
          aria-label={`Revoke ${token.name}`}
          onClick={() => setConfirming(true)}
        >
          Revoke
        </Button>
      )}
    </li>
  )
}
