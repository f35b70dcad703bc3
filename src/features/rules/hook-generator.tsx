/**
 * "Generate hook": a dialog with the hookify rule file and the hooks entry for one rule, and the
 * backtest over every stored event of the account, with samples to check for false positives.
 * Nothing is written anywhere: copy or download, then put the file into the repository yourself.
 */
import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import { notify } from '~/components/layout/notifications'
import { Button } from '~/components/ui/button'
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '~/components/ui/dialog'
import { errorMessage } from '~/lib/error-message'
import { type GenerateHookResult, generateHook } from '~/server/functions/hookify'

function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  URL.revokeObjectURL(url)
}

async function copy(label: string, text: string) {
  try {
    await navigator.clipboard.writeText(text)
    notify({ tone: 'success', title: `${label} copied` })
  } catch {
    notify({
      tone: 'destructive',
      title: `Could not copy ${label}`,
      description: 'Select the text and copy it instead.',
    })
  }
}

function FileBlock({ title, path, text, fileName }: { title: string; path: string; text: string; fileName: string }) {
  return (
    <div className="flex min-w-0 flex-col gap-2">
      <h3 className="font-medium text-sm">
        {title} <span className="font-normal text-muted-foreground">({path})</span>
      </h3>
      <textarea
        readOnly
        value={text}
        aria-label={`${title} (${path})`}
        rows={8}
        spellCheck={false}
        className="w-full resize-y rounded-md border bg-muted p-2 font-mono text-xs"
      />
      <div className="flex flex-wrap gap-2">
        <Button size="sm" variant="outline" onClick={() => void copy(title, text)}>
          Copy<span className="sr-only"> {title}</span>
        </Button>
        <Button size="sm" variant="outline" onClick={() => download(fileName, text)}>
          Download<span className="sr-only"> {title}</span>
        </Button>
      </div>
    </div>
  )
}

export function HookGenerator({ sessionId, ruleId, label }: { sessionId: string; ruleId: string; label: string }) {
  const [open, setOpen] = useState(false)
  const [result, setResult] = useState<GenerateHookResult | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function start() {
    setOpen(true)
    setResult(null)
    setError(null)
    try {
      setResult(await generateHook({ data: { sessionId, ruleId } }))
    } catch (failure) {
      setError(errorMessage(failure))
    }
  }

  return (
    <>
      <Button size="sm" variant="outline" onClick={() => void start()}>
        Generate hook<span className="sr-only"> for {label}</span>
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent className="max-h-[90vh] max-w-2xl overflow-y-auto" data-testid="hook-dialog">
          <DialogHeader>
            <DialogTitle>Hook for {label}</DialogTitle>
            <DialogDescription>
              A hook that would have stopped this, and how often it would have fired on your stored sessions.
            </DialogDescription>
          </DialogHeader>
          {error ? (
            <p role="alert" className="text-destructive text-sm">
              {error}
            </p>
          ) : !result ? (
            <p role="status" className="text-muted-foreground text-sm">
              Generating the hook and running the backtest…
            </p>
          ) : !result.hooks ? (
            <p className="text-sm">
              This rule names no command, so no hook on tool calls can enforce it (hooks cannot see what the agent
              says).
            </p>
          ) : (
            <div className="flex min-w-0 flex-col gap-4">
              <p role="status" className="font-medium" data-testid="hook-backtest">
                Would have fired {result.backtest.firedEvents} {result.backtest.firedEvents === 1 ? 'time' : 'times'} in{' '}
                {result.backtest.firedSessions} {result.backtest.firedSessions === 1 ? 'session' : 'sessions'} (of{' '}
                {result.backtest.scannedSessions} scanned).
              </p>
              {result.backtest.samples.length > 0 ? (
                <div className="flex flex-col gap-1">
                  <h3 className="font-medium text-sm">Samples — check each is a real violation</h3>
                  <ul className="flex flex-col gap-1 text-sm">
                    {result.backtest.samples.map((sample) => (
                      <li key={`${sample.sessionId}-${sample.ordinal}`} className="[overflow-wrap:anywhere]">
                        <Link
                          to="/sessions/$sessionId"
                          params={{ sessionId: sample.sessionId }}
                          hash={String(sample.ordinal + 1)}
                          className="underline underline-offset-2"
                        >
                          {sample.sessionTitle} #{sample.ordinal + 1}
                        </Link>{' '}
                        <code className="text-xs">{sample.excerpt}</code>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <FileBlock
                title="Hookify rule"
                path={result.hooks.hookifyPath}
                text={result.hooks.hookifyFile}
                fileName={result.hooks.hookifyPath.split('/').pop() ?? 'hookify.local.md'}
              />
              <FileBlock
                title="Hooks entry"
                path={result.hooks.hooksJsonPath}
                text={result.hooks.hooksJson}
                fileName={`hooks.${result.hooks.name}.json`}
              />
            </div>
          )}
        </DialogContent>
      </Dialog>
    </>
  )
}
