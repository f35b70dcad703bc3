/** The lines about the session and the export that head every human-readable format. */
import type { ExportContext } from './export-types'

const AGENTS: Record<string, string> = {
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  'claude-code': 'Claude Code',
  unknown: 'Unknown agent',
}

const SCOPES: Record<string, string> = {
  entire: 'entire session',
  filtered: 'filtered',
  range: 'range',
  event: 'single event',
}

export function describeScope({ request }: Pick<ExportContext, 'request'>): string {
  switch (request.scope) {
    case 'filtered':
      return `filtered (${request.filter ?? 'all'}, ${request.order} first)`
    case 'range':
      return `events #${request.from}–#${request.to}`
    case 'event':
      return `event #${request.from}`
    default:
      return SCOPES[request.scope] ?? request.scope
  }
}

/** Label/value pairs; the session's own details (cwd, commit, model…) only with the metadata option. */
export function sessionFacts(context: ExportContext): [string, string][] {
  const { session, request } = context
  const facts: [string, string | null][] = [
    ['Session', session.id],
    ['Agent', AGENTS[session.origin] ?? session.origin],
    ['Repository', session.repoName ? `${session.repoName}${session.branch ? ` · ${session.branch}` : ''}` : null],
  ]
  if (request.metadata) {
    facts.push(
      ['Commit', session.commitSha],
      ['Working directory', session.cwd],
      ['Model', session.model],
      ['CLI version', session.cliVersion],
      ['Started', session.startedAt],
      ['Last event', session.lastEventAt],
      ['Status', session.status],
    )
  }
  facts.push(
    ['Scope', describeScope(context)],
    ['Events', String(context.eventCount)],
    ['Exported', context.exportedAt],
    ['Instructions', request.instructions === 'include' ? 'included' : 'redacted'],
  )
  if (context.isPartial)
    facts.push(['Note', 'the session was still being written (or stopped early): events may be missing'])
  return facts.filter((fact): fact is [string, string] => fact[1] !== null && fact[1] !== '')
}
