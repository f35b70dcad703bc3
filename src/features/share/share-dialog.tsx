/**
 * The owner's "Share…" dialog (session page and explorer menu): expiry, what to include beyond the
 * timeline, then the link — shown this once, since only its hash is stored.
 */
import { CheckIcon, CopyIcon, Share2Icon } from 'lucide-react'
import { type FormEvent, useId, useState } from 'react'
import { Button } from '~/components/ui/button'
import { Checkbox } from '~/components/ui/checkbox'
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '~/components/ui/dialog'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import { errorMessage } from '~/lib/error-message'
import { EXPIRY_CHOICES, shareUrl } from './share-link-state'
import { ShareWithPeople } from './share-members'
import { createLink } from './share-mutations'

const INCLUDES = [
  { key: 'includeCoach', label: 'Coach conversations' },
  { key: 'includeRules', label: 'Rule findings' },
  { key: 'includeUploads', label: 'The raw log (it can hold secrets)' },
] as const

type IncludeKey = (typeof INCLUDES)[number]['key']

export function ShareButton({ sessionId, title }: { sessionId: string; title: string }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <Button variant="outline" size="sm" onClick={() => setOpen(true)}>
        <Share2Icon aria-hidden />
        Share
      </Button>
      <ShareDialog sessionId={sessionId} title={title} open={open} onOpenChange={setOpen} />
    </>
  )
}

export function ShareDialog({
  sessionId,
  title,
  open,
  onOpenChange,
}: {
  sessionId: string
  title: string
  open: boolean
  onOpenChange: (open: boolean) => void
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open ? <ShareDialogContent sessionId={sessionId} title={title} /> : null}
    </Dialog>
  )
}

function ShareDialogContent({ sessionId, title }: { sessionId: string; title: string }) {
  const id = useId()
  const [expiry, setExpiry] = useState<string>('10080')
  const [include, setInclude] = useState<Record<IncludeKey, boolean>>({
    includeCoach: false,
    includeRules: false,
    includeUploads: false,
  })
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [url, setUrl] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      const token = await createLink({
        sessionId,
        expiresInMinutes: expiry === 'never' ? null : Number(expiry),
        ...include,
      })
      setUrl(shareUrl(token))
    } catch (error) {
      setProblem(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }
  const copy = async () => {
    if (!url) return
    try {
      await navigator.clipboard.writeText(url)
      setCopied(true)
    } catch {
      setProblem('Could not copy to the clipboard; select the link and copy it by hand.')
    }
  }

  return (
    <DialogContent closeLabel="Close the share dialog">
      <DialogHeader>
        <DialogTitle>Share “{title}”</DialogTitle>
        <DialogDescription>
          Anyone with the link sees this session's timeline live, read-only, without an account. Revoke it in Settings →
          Share links at any time.
        </DialogDescription>
      </DialogHeader>
      {url ? (
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${id}-url`}>The link (shown only now)</Label>
          <div className="flex gap-2">
            <Input
              id={`${id}-url`}
              readOnly
              value={url}
              onFocus={(event) => event.target.select()}
              data-testid="share-url"
            />
            <Button type="button" variant="outline" onClick={copy}>
              {copied ? <CheckIcon aria-hidden /> : <CopyIcon aria-hidden />}
              <span aria-live="polite">{copied ? 'Copied' : 'Copy'}</span>
            </Button>
          </div>
          {problem ? <p className="text-destructive text-sm">{problem}</p> : null}
        </div>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={`${id}-expiry`}>Expires</Label>
            <select
              id={`${id}-expiry`}
              value={expiry}
              onChange={(event) => setExpiry(event.target.value)}
              className="h-9 rounded-md border border-input bg-card px-2.5 text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40"
            >
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-1 font-medium text-sm">Also include</legend>
            {INCLUDES.map((option) => (
              <div key={option.key} className="flex items-center gap-2">
                <Checkbox
                  id={`${id}-${option.key}`}
                  checked={include[option.key]}
                  onCheckedChange={(checked) =>
                    setInclude((current) => ({ ...current, [option.key]: checked === true }))
                  }
                />
                <Label htmlFor={`${id}-${option.key}`} className="font-normal">
                  {option.label}
                </Label>
              </div>
            ))}
          </fieldset>
          {problem ? (
            <p role="alert" className="text-destructive text-sm">
              {problem}
            </p>
          ) : null}
          <DialogFooter>
            <Button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create link'}
            </Button>
          </DialogFooter>
        </form>
      )}
      <ShareWithPeople sessionId={sessionId} />
    </DialogContent>
  )
}
