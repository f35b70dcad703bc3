import { describe, expect, it } from 'vitest'
import { type ExportChoice, exportHref, exportQuerySchema, toExportRequest } from './export-request'

const parse = (params: Record<string, string>) => exportQuerySchema.safeParse(params)
const messages = (params: Record<string, string>) => parse(params).error?.issues.map((issue) => issue.message) ?? []

describe('exportQuerySchema', () => {
  it('applies the defaults of the format and turns the filter into event types', () => {
    const entire = parse({ format: 'markdown' })
    expect(entire.success && toExportRequest(entire.data)).toMatchObject({
      scope: 'entire',
      types: null,
      timestamps: false,
      metadata: false,
      instructions: 'redact',
    })
    const filtered = parse({ format: 'json', scope: 'filtered', filter: 'tools', order: 'newest' })
    expect(filtered.success && toExportRequest(filtered.data)).toMatchObject({
      filter: 'tools',
      types: ['FunctionCall', 'LocalShellCall', 'WebSearchCall', 'CustomToolCall'],
      order: 'newest',
      timestamps: true,
    })
    const event = parse({ format: 'html', scope: 'event', event: '12', timestamps: 'false', metadata: '1' })
    expect(event.success && toExportRequest(event.data)).toMatchObject({
      from: 12,
      to: 12,
      timestamps: false,
      metadata: true,
    })
  })

  it('refuses what it cannot serve, with messages a person can act on', () => {
    expect(messages({ format: 'pdf' })).toEqual(['format must be one of markdown, json, csv, text, html.'])
    expect(messages({ format: 'csv', scope: 'range', from: '9' })).toEqual([
      'A range export needs from and to (event numbers).',
    ])
    expect(messages({ format: 'csv', scope: 'range', from: '9', to: '3' })).toEqual([
      'from (#9) must not be after to (#3).',
    ])
    expect(messages({ format: 'csv', scope: 'event' })).toEqual([
      'A single-event export needs event (the event number).',
    ])
    expect(messages({ format: 'csv', scope: 'event', event: '0' })).toEqual([
      'event must be 1 or more (events are numbered from #1).',
    ])
    expect(messages({ format: 'csv', timestamps: 'maybe' })).toEqual(['timestamps must be true or false.'])
    expect(parse({ format: 'csv', table: 'users' }).success).toBe(false)
  })

  it('round-trips the links the dialog builds', () => {
    const choice: ExportChoice = {
      format: 'csv',
      scope: 'range',
      filter: 'all',
      order: 'oldest',
      from: 2,
      to: 5,
      event: 1,
      timestamps: true,
      metadata: false,
      includeInstructions: true,
    }
    const href = exportHref('0b7c8f3e-2a41-4d5e-9f6a-123456789abc', choice)
    expect(href.startsWith('/api/sessions/0b7c8f3e-2a41-4d5e-9f6a-123456789abc/export?')).toBe(true)
    const query = parse(Object.fromEntries(new URL(href, 'http://x').searchParams))
    expect(query.success && toExportRequest(query.data)).toMatchObject({
      format: 'csv',
      scope: 'range',
      from: 2,
      to: 5,
      timestamps: true,
      metadata: false,
      instructions: 'include',
    })
  })
})
