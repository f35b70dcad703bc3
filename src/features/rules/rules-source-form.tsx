/**
 * Where a session's rules come from: bind its repository (its own folder, or one named here) or
 * clear the binding, and paste or upload an instruction file when the repository is not on this
 * server. Each change re-runs detection; the answer says how many rules and misalignments resulted.
 */
import { type FormEvent, useId, useState } from 'react'
import { notify } from '~/components/layout/notifications'
import { Button } from '~/components/ui/button'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import { MAX_INSTRUCTION_FILE_BYTES } from '~/domain/rules/limits'
import { errorMessage } from '~/lib/error-message'
import { bindRepository, clearRepository, storeSessionRules } from '~/server/functions/rules'

const MAX_FILE_BYTES = MAX_INSTRUCTION_FILE_BYTES

function summary(result: { ruleCount: number; checkableRules: number; misalignments: number }) {
  return `${result.ruleCount} rules (${result.checkableRules} checkable), ${result.misalignments} misalignments.`
}

export function RulesSourceForm({ sessionId, onChanged }: { sessionId: string; onChanged: () => void }) {
  const [name, setName] = useState('AGENTS.md')
  const [markdown, setMarkdown] = useState('')
  const [folder, setFolder] = useState('')
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null)
  const ids = { name: useId(), markdown: useId(), file: useId(), folder: useId() }

  async function run(action: () => Promise<string>) {
    setBusy(true)
    setOutcome(null)
    try {
      setOutcome({ tone: 'ok', text: await action() })
      onChanged()
    } catch (error) {
      setOutcome({ tone: 'error', text: errorMessage(error) })
    } finally {
      setBusy(false)
    }
  }

  function save(event: FormEvent) {
    event.preventDefault()
    void run(async () => {
      const result = await storeSessionRules({ data: { sessionId, name, markdown } })
      return `Stored ${name}: ${summary(result)}`
    })
  }

  async function readFile(file: File | undefined) {
    if (!file) return
    if (file.size > MAX_FILE_BYTES) {
      notify({ tone: 'destructive', title: 'File too large', description: `${file.name} is over 512 KiB.` })
      return
    }
    setName(file.name)
    setMarkdown(await file.text())
  }

  return (
    <section aria-labelledby="rules-source-heading" className="flex flex-col gap-4 rounded-lg border bg-card p-4">
      <h2 id="rules-source-heading" className="font-semibold text-lg">
        Rules for this session
      </h2>
      <div className="flex flex-col gap-2">
        <Label htmlFor={ids.folder}>Repository folder on this server (empty: the session's own folder)</Label>
        <div className="flex flex-wrap gap-2">
          <Input
            id={ids.folder}
            value={folder}
            onChange={(event) => setFolder(event.target.value)}
            placeholder="/home/me/projects/acme-api"
            className="min-w-0 flex-1"
          />
          <Button
            variant="outline"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                const result = await bindRepository({ data: { sessionId, folder: folder.trim() || undefined } })
                return `Bound to ${result.rootDir} (${result.files.length} instruction files): ${summary(result)}`
              })
            }
          >
            Bind repository
          </Button>
          <Button
            variant="ghost"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await clearRepository({ data: { sessionId } })
                return 'Repository binding cleared; its rules were removed (pasted files stay).'
              })
            }
          >
            Clear binding
          </Button>
        </div>
      </div>
      <form onSubmit={save} className="flex flex-col gap-2">
        <div className="flex flex-wrap items-end gap-3">
          <div className="flex min-w-0 flex-1 flex-col gap-1">
            <Label htmlFor={ids.name}>File name</Label>
            <Input id={ids.name} value={name} onChange={(event) => setName(event.target.value)} required />
          </div>
          <div className="flex flex-col gap-1">
            <Label htmlFor={ids.file}>Or upload a file</Label>
            <input
              id={ids.file}
              type="file"
              accept=".md,.mdc,.markdown,.txt,text/markdown,text/plain"
              className="text-sm"
              onChange={(event) => void readFile(event.target.files?.[0])}
            />
          </div>
        </div>
        <Label htmlFor={ids.markdown}>Instruction file (markdown)</Label>
        <textarea
          id={ids.markdown}
          value={markdown}
          onChange={(event) => setMarkdown(event.target.value)}
          rows={8}
          required
          placeholder={'## Safety\n- Never run `rm -rf` without asking.'}
          className="min-h-32 rounded-md border border-input bg-background p-2 font-mono text-sm outline-none focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40"
        />
        <div>
          <Button type="submit" disabled={busy}>
            Save rules
          </Button>
        </div>
      </form>
      <p
        role="status"
        className={outcome?.tone === 'error' ? 'text-destructive text-sm' : 'text-sm'}
        data-testid="rules-source-outcome"
      >
        {outcome?.text ?? ''}
      </p>
    </section>
  )
}
