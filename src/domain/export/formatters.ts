/**
 * The five export formats. Each writes its header, one piece per event and a footer, so a large
 * session streams without ever being held whole. Pure: no I/O, unit-tested.
 */
import { eventHeading, eventOutcome, eventSections } from './event-sections'
import type { ExportContext, ExportEvent, ExportFormat, ExportFormatter } from './export-types'
import { sessionFacts } from './session-facts'

// ── Markdown ────────────────────────────────────────────────────────────────

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length))
  return '`'.repeat(Math.max(3, longest + 1))
}

function fenced(text: string, language = '') {
  const fence = fenceFor(text)
  return `${fence}${language}\n${text}\n${fence}`
}

const FENCE_LANGUAGE: Record<string, string> = { command: 'sh', diff: 'diff', input: 'json' }

const markdown: ExportFormatter = {
  extension: 'md',
  contentType: 'text/markdown; charset=utf-8',
  begin(context) {
    const facts = sessionFacts(context).map(([label, value]) => `- **${label}:** ${value}`)
    return `# ${oneLine(context.session.title)}\n\n${facts.join('\n')}\n`
  },
  event(event, _index, context) {
    const lines = [`\n## ${eventHeading(event)}`]
    const details = [
      context.request.timestamps && event.at ? event.at : null,
      context.request.metadata ? eventOutcome(event) : null,
      event.path ? `\`${event.path.replaceAll('`', "'")}\`` : null,
    ].filter(Boolean)
    if (details.length > 0) lines.push(`\n_${details.join(' · ')}_`)
    const sections = eventSections(event)
    if (sections.length === 0) lines.push(`\n${event.summary}`)
    for (const section of sections) {
      if (section.kind === 'text') lines.push(`\n${section.text}`)
      else lines.push(`\n**${section.label}**\n\n${fenced(section.text, FENCE_LANGUAGE[section.kind] ?? 'text')}`)
    }
    return `${lines.join('\n')}\n`
  },
  end: () => '',
}

// ── Plain text ──────────────────────────────────────────────────────────────

function indent(text: string) {
  return text
    .split('\n')
    .map((line) => (line ? `    ${line}` : ''))
    .join('\n')
}

const text: ExportFormatter = {
  extension: 'txt',
  contentType: 'text/plain; charset=utf-8',
  begin(context) {
    const title = oneLine(context.session.title)
    const facts = sessionFacts(context).map(([label, value]) => `${label}: ${value}`)
    return `${title}\n${'='.repeat(Math.min(80, Math.max(3, title.length)))}\n${facts.join('\n')}\n`
  },
  event(event, _index, context) {
    const details = [
      context.request.timestamps && event.at ? event.at : null,
      context.request.metadata ? eventOutcome(event) : null,
      event.path,
    ].filter(Boolean)
    const lines = [`\n${eventHeading(event)}${details.length > 0 ? `  (${details.join(', ')})` : ''}`]
    const sections = eventSections(event)
    if (sections.length === 0) lines.push(indent(event.summary))
    for (const section of sections) {
      lines.push(section.kind === 'text' ? indent(section.text) : `  ${section.label}:\n${indent(section.text)}`)
    }
    return `${lines.join('\n')}\n`
  },
  end: () => '',
}

// ── CSV ─────────────────────────────────────────────────────────────────────

export const CSV_HEADERS = [
  'Timestamp',
  'Event ID',
  'Role',
  'Type',
  'Command/Tool',
  'Content',
  'Duration (ms)',
  'Status',
] as const

/**
 * One RFC 4180 cell. A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR
 * first) gets a leading apostrophe, so opening an export never runs what a log contained.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return ''
  let cell = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell
}

function csvStatus(event: ExportEvent): string | null {
  if (event.exitCode === null) return null
  return event.exitCode === 0 ? 'success' : `exit ${event.exitCode}`
}

const csv: ExportFormatter = {
  extension: 'csv',
  contentType: 'text/csv; charset=utf-8',
  begin: () => `${CSV_HEADERS.join(',')}\r\n`,
  event(event, _index, context) {
    const sections = eventSections(event)
    const content =
      sections.length > 0
        ? sections
            .map((section) => (section.kind === 'text' ? section.text : `${section.label}: ${section.text}`))
            .join('\n\n')
        : event.summary
    const { timestamps, metadata } = context.request
    const cells = [
      timestamps ? event.at : null,
      `#${event.ordinal + 1}`,
      event.role,
      event.type,
      event.command ?? event.name ?? event.path,
      content,
      metadata ? event.durationMs : null,
      metadata ? csvStatus(event) : null,
    ]
    return `${cells.map(csvCell).join(',')}\r\n`
  },
  end: () => '',
}

// ── JSON ────────────────────────────────────────────────────────────────────

/** The original product's export layout (`metadata.schemaVersion` 1.0), with our event fields. */
export function jsonMetadata(context: ExportContext) {
  const { request } = context
  return {
    schemaVersion: '1.0',
    exportedAt: context.exportedAt,
    source: 'Session Coach',
    scope: request.scope,
    filterApplied: request.scope === 'filtered' ? { filter: request.filter, order: request.order } : null,
    isPartial: context.isPartial,
    range: request.scope === 'range' ? { from: request.from, to: request.to } : null,
    selectedEvent: request.scope === 'event' ? request.from : null,
    eventCount: context.eventCount,
    instructions: request.instructions === 'include' ? 'included' : 'redacted',
    options: { timestamps: request.timestamps, metadata: request.metadata },
  }
}

export function jsonEvent(event: ExportEvent, context: ExportContext) {
  const { timestamps, metadata } = context.request
  const base = {
    number: event.ordinal + 1,
    type: event.type,
    role: event.role,
    ...(timestamps ? { at: event.at } : {}),
    summary: event.summary,
  }
  if (metadata) {
    return {
      ...base,
      eventKey: event.eventKey,
      name: event.name,
      command: event.command,
      path: event.path,
      exitCode: event.exitCode,
      durationMs: event.durationMs,
      payload: event.payload,
    }
  }
  const content = Object.fromEntries(eventSections(event).map((section) => [section.label.toLowerCase(), section.text]))
  return {
    ...base,
    ...(event.name ? { name: event.name } : {}),
    ...(event.command ? { command: event.command } : {}),
    ...(event.path ? { path: event.path } : {}),
    content,
  }
}

function jsonSession(context: ExportContext) {
  const { session, request } = context
  const meta = request.metadata
    ? {
        origin: session.origin,
        status: session.status,
        repoName: session.repoName,
        branch: session.branch,
        commitSha: session.commitSha,
        cwd: session.cwd,
        model: session.model,
        cliVersion: session.cliVersion,
        startedAt: session.startedAt,
        lastEventAt: session.lastEventAt,
      }
    : { origin: session.origin, repoName: session.repoName, branch: session.branch }
  return { id: session.id, title: session.title, meta }
}

const json: ExportFormatter = {
  extension: 'json',
  contentType: 'application/json; charset=utf-8',
  begin(context) {
    // The document is written around the events: everything but the final `]}}` comes first.
    const head = JSON.stringify({ metadata: jsonMetadata(context), session: { ...jsonSession(context), events: [] } })
    return `${head.slice(0, -3)}\n`
  },
  event: (event, index, context) => `${index === 0 ? '' : ',\n'}${JSON.stringify(jsonEvent(event, context))}`,
  end: () => '\n]}}\n',
}

// ── HTML ────────────────────────────────────────────────────────────────────

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char])
}

/** Inline styles only; the page loads nothing (its CSP forbids every request), so it reads offline. */
const HTML_STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --card: #f6f8fa; --border: #d1d9e0; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --border: #3d444d; --accent: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 2rem; font-size: .9rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
article { border: 1px solid var(--border); border-radius: .75rem; background: var(--card); padding: .75rem 1rem; margin: 0 0 .75rem; }
article h2 { font-size: .95rem; margin: 0 0 .25rem; }
article h2 a { color: inherit; text-decoration: none; }
.details { color: var(--muted); font-size: .8rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .25rem 0; }
.label { color: var(--muted); font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; margin: .5rem 0 .15rem; }
pre { margin: 0; padding: .6rem .75rem; border-radius: .5rem; background: var(--bg); border: 1px solid var(--border); overflow-x: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: .8rem; margin-top: 2rem; }
`

const html: ExportFormatter = {
  extension: 'html',
  contentType: 'text/html; charset=utf-8',
  begin(context) {
    const title = escapeHtml(oneLine(context.session.title))
    const facts = sessionFacts(context)
      .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
      .join('')
    return [
      '<!doctype html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
      '<meta name="referrer" content="no-referrer">',
      `<title>${title} · Session Coach export</title>`,
      `<style>${HTML_STYLE}</style>`,
      '</head>',
      '<body>',
      '<main>',
      `<h1>${title}</h1>`,
      `<dl class="facts">${facts}</dl>`,
      '',
    ].join('\n')
  },
  event(event, _index, context) {
    const number = event.ordinal + 1
    const details = [
      context.request.timestamps && event.at
        ? `<time datetime="${escapeHtml(event.at)}">${escapeHtml(event.at)}</time>`
        : null,
      context.request.metadata ? escapeHtml(eventOutcome(event) ?? '') || null : null,
      event.path ? `<code>${escapeHtml(event.path)}</code>` : null,
    ].filter(Boolean)
    const sections = eventSections(event)
    const body =
      sections.length === 0
        ? `<p class="text">${escapeHtml(event.summary)}</p>`
        : sections
            .map((section) =>
              section.kind === 'text'
                ? `<div class="text">${escapeHtml(section.text)}</div>`
                : `<p class="label">${escapeHtml(section.label)}</p><pre>${escapeHtml(section.text)}</pre>`,
            )
            .join('\n')
    return [
      `<article id="event-${number}" data-type="${escapeHtml(event.type)}">`,
      `<h2><a href="#event-${number}">${escapeHtml(eventHeading(event))}</a></h2>`,
      details.length > 0 ? `<p class="details">${details.join(' · ')}</p>` : '',
      body,
      '</article>',
      '',
    ].join('\n')
  },
  end(context) {
    return `<footer>Exported from Session Coach on ${escapeHtml(context.exportedAt)}.</footer>\n</main>\n</body>\n</html>\n`
  },
}

function oneLine(value: string) {
  return value.replace(/\s+/g, ' ').trim() || 'Untitled session'
}

export const EXPORT_FORMATTERS: Record<ExportFormat, ExportFormatter> = { markdown, json, csv, text, html }

/** The whole export as one string (tests, small exports); the server streams the same pieces. */
export function formatExport(context: ExportContext, events: Iterable<ExportEvent>): string {
  const formatter = EXPORT_FORMATTERS[context.request.format]
  let out = formatter.begin(context)
  let index = 0
  for (const event of events) out += formatter.event(event, index++, context)
  return out + formatter.end(context)
}
