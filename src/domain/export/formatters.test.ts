import { describe, expect, it } from 'vitest'
import { isInstructionEvent, prepareEvent, REDACTED_INSTRUCTIONS } from './event-sections'
import { exportFileName } from './export-file-name'
import type { ExportContext, ExportEvent, ExportRequest } from './export-types'
import { CSV_HEADERS, csvCell, EXPORT_FORMATTERS, escapeHtml, fenceFor, formatExport } from './formatters'

function event(ordinal: number, fields: Partial<ExportEvent> = {}): ExportEvent {
  return {
    ordinal,
    eventKey: `key-${ordinal}`,
    type: 'Message',
    role: 'user',
    at: `2026-03-02T10:00:${String(ordinal).padStart(2, '0')}.000Z`,
    name: null,
    command: null,
    path: null,
    exitCode: null,
    durationMs: null,
    summary: `event ${ordinal}`,
    payload: { role: 'user', content: `text of ${ordinal}` },
    ...fields,
  }
}

const SHELL = event(1, {
  type: 'LocalShellCall',
  role: 'assistant',
  command: 'rg -n "paginate" src',
  exitCode: 2,
  durationMs: 830,
  summary: 'Shell rg',
  payload: {
    command: 'rg -n "paginate" src',
    cwd: '/home/dev/acme',
    stdout: 'src/routes/invoices.ts:42: // TODO',
    line: 8,
  },
})
const DEVELOPER = event(2, {
  role: 'developer',
  payload: { role: 'developer', content: 'You are Codex. Secret policy.' },
})
const AGENTS = event(3, {
  payload: { role: 'user', content: '# AGENTS.md instructions for /repo\n\nNever push to main.' },
})
const HOSTILE = event(4, {
  role: 'assistant',
  payload: { role: 'assistant', content: '<script>alert(1)</script> ```` fence & "quotes"' },
})

function context(request: Partial<ExportRequest> = {}, eventCount = 5): ExportContext {
  return {
    session: {
      id: '0b7c8f3e-2a41-4d5e-9f6a-123456789abc',
      title: 'Why is CI red on main?',
      origin: 'codex',
      status: 'complete',
      repoName: 'acme-api',
      branch: 'feature/billing',
      commitSha: 'a1b2c3d',
      cwd: '/home/dev/acme',
      model: 'gpt-5.1-codex',
      cliVersion: '0.104.0',
      startedAt: '2026-03-02T10:00:00.000Z',
      lastEventAt: '2026-03-02T10:05:00.000Z',
    },
    request: {
      format: 'markdown',
      scope: 'entire',
      filter: null,
      types: null,
      order: 'oldest',
      from: null,
      to: null,
      timestamps: false,
      metadata: false,
      instructions: 'redact',
      ...request,
    },
    exportedAt: '2026-11-29T09:05:07.000Z',
    eventCount,
    isPartial: false,
  }
}

const ALL = [event(0), SHELL, DEVELOPER, AGENTS, HOSTILE]
const exported = (request: Partial<ExportRequest>) => {
  const ctx = context(request)
  return formatExport(
    ctx,
    ALL.map((e) => prepareEvent(e, ctx.request)),
  )
}

describe('instructions', () => {
  it('are system/developer prompts and text injected as user messages', () => {
    expect(ALL.map(isInstructionEvent)).toEqual([false, false, true, true, false])
    expect(
      isInstructionEvent(event(5, { payload: { content: '<environment_context>cwd</environment_context>' } })),
    ).toBe(true)
    expect(isInstructionEvent(event(6, { payload: { content: 'hi', meta: true } }))).toBe(true)
  })

  it('are redacted by default in every format, and kept only when asked for', () => {
    for (const format of ['markdown', 'json', 'csv', 'text', 'html'] as const) {
      const out = exported({ format, metadata: true })
      expect(out, format).not.toContain('Secret policy')
      expect(out, format).not.toContain('Never push to main')
      expect(out, format).toContain(REDACTED_INSTRUCTIONS)
      expect(exported({ format, instructions: 'include' }), format).toContain('Never push to main')
    }
  })
})

describe('markdown', () => {
  it('heads with the session, numbers events as the timeline does, fences commands and output', () => {
    const out = exported({ format: 'markdown' })
    expect(out.startsWith('# Why is CI red on main?\n')).toBe(true)
    expect(out).toContain('- **Repository:** acme-api · feature/billing')
    expect(out).toContain('## #2 · LocalShellCall · assistant')
    expect(out).toContain('```sh\nrg -n "paginate" src\n```')
    expect(out).toContain('**Output**\n\n```text\nsrc/routes/invoices.ts:42: // TODO\n```')
    expect(out).not.toContain('2026-03-02T10:00:01')
    expect(out).not.toContain('/home/dev/acme')
  })

  it('adds timestamps and metadata when asked', () => {
    const out = exported({ format: 'markdown', timestamps: true, metadata: true })
    expect(out).toContain('_2026-03-02T10:00:01.000Z · exit 2, 830 ms_')
    expect(out).toContain('- **Working directory:** /home/dev/acme')
  })

  it('never lets content close its fence', () => {
    expect(fenceFor('no ticks')).toBe('```')
    expect(fenceFor('a ```` b')).toBe('`````')
  })
})

describe('csv', () => {
  it("has the original's header row and escapes cells", () => {
    const out = exported({ format: 'csv', timestamps: true, metadata: true })
    const [header] = out.split('\r\n')
    expect(header).toBe(CSV_HEADERS.join(','))
    expect(out).toContain('2026-03-02T10:00:01.000Z,#2,assistant,LocalShellCall,"rg -n ""paginate"" src",')
    expect(out).toContain(',830,exit 2\r\n')
  })

  it('leaves timestamps and metadata cells empty without the options, and defuses formulas', () => {
    const out = exported({ format: 'csv' })
    expect(out.split('\r\n')[2]).toMatch(/^,#2,assistant,LocalShellCall,.*,,$/s)
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvCell('-1')).toBe("'-1")
    expect(csvCell(42)).toBe('42')
    expect(csvCell('a\nb')).toBe('"a\nb"')
    expect(csvCell(null)).toBe('')
  })
})

describe('json', () => {
  it("is one document in the original's layout, with or without metadata", () => {
    const withMeta = JSON.parse(exported({ format: 'json', timestamps: true, metadata: true }))
    expect(withMeta.metadata).toMatchObject({
      schemaVersion: '1.0',
      source: 'Session Coach',
      scope: 'entire',
      isPartial: false,
      eventCount: 5,
      instructions: 'redacted',
    })
    expect(withMeta.session).toMatchObject({ id: context().session.id, title: 'Why is CI red on main?' })
    expect(withMeta.session.events).toHaveLength(5)
    expect(withMeta.session.events[1]).toMatchObject({
      number: 2,
      at: '2026-03-02T10:00:01.000Z',
      exitCode: 2,
      payload: { cwd: '/home/dev/acme' },
    })
    expect(withMeta.session.events[2].payload).toEqual({
      role: 'developer',
      content: REDACTED_INSTRUCTIONS,
      redacted: true,
    })

    const plain = JSON.parse(exported({ format: 'json' }))
    expect(plain.session.events[1]).toEqual({
      number: 2,
      type: 'LocalShellCall',
      role: 'assistant',
      summary: 'Shell rg',
      command: 'rg -n "paginate" src',
      content: { command: 'rg -n "paginate" src', output: 'src/routes/invoices.ts:42: // TODO' },
    })
    expect(plain.session.meta).toEqual({ origin: 'codex', repoName: 'acme-api', branch: 'feature/billing' })
  })

  it('is valid with no events', () => {
    const ctx = context({ format: 'json' }, 0)
    expect(JSON.parse(formatExport(ctx, [])).session.events).toEqual([])
  })
})

describe('html', () => {
  it('is a self-contained page that loads nothing and escapes every piece of content', () => {
    const out = exported({ format: 'html', timestamps: true })
    expect(out.startsWith('<!doctype html>')).toBe(true)
    expect(out).toContain(`default-src 'none'`)
    expect(out).not.toMatch(/<(script|link|img|iframe)\b/i)
    expect(out).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(out).toContain('id="event-5"')
    expect(out).toContain('<time datetime="2026-03-02T10:00:01.000Z">')
    expect(out.trimEnd().endsWith('</html>')).toBe(true)
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
  })
})

describe('text', () => {
  it('is plain, indented text', () => {
    const out = exported({ format: 'text' })
    expect(out.startsWith('Why is CI red on main?\n======')).toBe(true)
    expect(out).toContain('#2 · LocalShellCall · assistant\n  Command:\n    rg -n "paginate" src')
  })
})

describe('exportFileName', () => {
  it("follows the original's pattern", () => {
    const ctx = context({ format: 'markdown' })
    expect(exportFileName(ctx)).toBe('0b7c8f3e-2a41-4d5e-9f6a-12345678-entire-20261129-090507.md')
    expect(exportFileName(context({ format: 'html', scope: 'range', from: 3, to: 10 }))).toBe(
      '0b7c8f3e-2a41-4d5e-9f6a-12345678-range-range-3-10-20261129-090507.html',
    )
    expect(exportFileName({ ...context({ format: 'json', scope: 'event', from: 7, to: 7 }), isPartial: true })).toBe(
      '0b7c8f3e-2a41-4d5e-9f6a-12345678-event-event-7-partial-20261129-090507.json',
    )
    expect(Object.values(EXPORT_FORMATTERS).map((formatter) => formatter.extension)).toEqual([
      'md',
      'json',
      'csv',
      'txt',
      'html',
    ])
  })
})
