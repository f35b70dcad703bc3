/** Every rule of the account by session and by repository, with the file and line it came from. */
import { ScrollTextIcon } from 'lucide-react'
import { EmptyState } from '~/components/layout/empty-state'
import { isCheckable } from '~/domain/rules/instruction-rule'
import type { RuleInventoryRow } from '~/server/functions/rules'
import { SeverityBadge } from './severity-badge'

type View = 'session' | 'repository'

function groupsOf(rows: readonly RuleInventoryRow[], view: View) {
  const groups = new Map<string, { title: string; rows: RuleInventoryRow[] }>()
  for (const row of rows) {
    const key = view === 'session' ? row.sessionId : (row.repoRoot ?? 'pasted')
    const title =
      view === 'session'
        ? `${row.sessionTitle}${row.boundRoot ? ` — ${row.boundRoot}` : ''}`
        : (row.repoRoot ?? 'Pasted or uploaded files')
    const group = groups.get(key) ?? { title, rows: [] }
    // The repository view lists each rule once even when several sessions share the repository.
    if (
      view === 'session' ||
      !group.rows.some((r) => r.sourcePath === row.sourcePath && r.sourceLine === row.sourceLine)
    ) {
      group.rows.push(row)
    }
    groups.set(key, group)
  }
  return [...groups.entries()]
}

export function RuleInventory({
  rows,
  view,
  state,
}: {
  rows: readonly RuleInventoryRow[]
  view: View
  state: 'loading' | 'ready' | { error: string }
}) {
  if (state === 'loading') {
    return (
      <p role="status" className="text-muted-foreground text-sm">
        Loading rules…
      </p>
    )
  }
  if (typeof state === 'object') {
    return (
      <p role="alert" className="text-destructive text-sm">
        Could not load the rules: {state.error}
      </p>
    )
  }
  if (rows.length === 0) {
    return (
      <EmptyState icon={ScrollTextIcon} title="No rules yet">
        <p>
          Rules come from a session's repository (AGENTS.md, CLAUDE.md, GEMINI.md, .ruler, .cursor/rules, docs/agents)
          or from an instruction file you add to a session above.
        </p>
      </EmptyState>
    )
  }
  return (
    <div className="flex flex-col gap-4" data-testid="rule-inventory">
      {groupsOf(rows, view).map(([key, group]) => (
        <section key={key} aria-label={group.title} className="flex flex-col gap-2">
          <h3 className="font-medium [overflow-wrap:anywhere]">
            {group.title} <span className="text-muted-foreground text-sm">({group.rows.length} rules)</span>
          </h3>
          <ul className="flex flex-col divide-y rounded-lg border bg-card">
            {group.rows.map((row) => (
              <li
                key={`${row.sessionId}-${row.ruleId}`}
                className="flex flex-col gap-1 p-3 text-sm"
                data-testid="inventory-rule"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <SeverityBadge severity={row.severity} />
                  <span className="font-medium [overflow-wrap:anywhere]">{row.heading}</span>
                  {isCheckable({ ...row, forbiddenPhrases: row.forbiddenPhrases }) ? null : (
                    <span className="text-muted-foreground text-xs">not checked</span>
                  )}
                </div>
                <p className="text-muted-foreground [overflow-wrap:anywhere]">{row.summary}</p>
                <p className="text-muted-foreground text-xs [overflow-wrap:anywhere]">
                  {row.sourcePath ?? 'unknown file'}
                  {row.sourceLine ? `:${row.sourceLine}` : ''}
                  {row.forbiddenCommands.length > 0 ? ` · forbids ${row.forbiddenCommands.join(', ')}` : ''}
                  {row.requiredCommands.length > 0 ? ` · asks for ${row.requiredCommands.join(', ')}` : ''}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  )
}
