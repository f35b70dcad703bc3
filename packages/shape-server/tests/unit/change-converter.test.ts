import { describe, expect, it } from 'vitest'
import { convertChanges, type EvaluatedChange } from '../../src/change-converter.ts'
import { definition, row, table } from './shape-fixtures.ts'

const todos = table('todos', [
  ['id', 'int4', { pk: 0 }],
  ['title', 'text'],
  ['done', 'bool'],
])
const transaction = { xid: 42, commitLsn: 1000n }

function convert(changes: Partial<EvaluatedChange>[], options: Parameters<typeof definition>[1] = {}) {
  const complete = changes.map((change, index) => ({
    kind: 'update' as const,
    oldRow: null,
    newRow: null,
    oldMatches: true,
    newMatches: true,
    opPosition: index * 2,
    ...change,
  }))
  return convertChanges(definition(todos, options), transaction, complete).map((entry) => ({
    offset: `${entry.offset.tx}_${entry.offset.op}`,
    ...JSON.parse(entry.json),
  }))
}

const before = row({ id: '1', title: 'a', done: 'f' })
const after = row({ id: '1', title: 'b', done: 'f' })

describe('change conversion', () => {
  it('writes inserts with the full row and marks the last operation of the transaction', () => {
    const [first, second] = convert([
      { kind: 'insert', newRow: after, oldMatches: false },
      { kind: 'insert', newRow: row({ id: '2', title: null, done: 't' }), oldMatches: false },
    ])
    expect(first).toEqual({
      offset: '1000_0',
      key: '"public"."todos"/"1"',
      value: { id: '1', title: 'b', done: 'f' },
      headers: { operation: 'insert', relation: ['public', 'todos'], txids: [42], lsn: '1000', op_position: 0 },
    })
    expect(second.headers.last).toBe(true)
    expect(second.value.title).toBeNull()
  })

  it('sends key plus changed columns for updates in default mode and drops no-op updates', () => {
    expect(convert([{ oldRow: before, newRow: after }])[0].value).toEqual({ id: '1', title: 'b' })
    expect(convert([{ oldRow: before, newRow: row({ ...before }) }])).toEqual([])
    expect(
      convert([{ oldRow: before, newRow: row({ ...before, done: 't' }) }], { selectedColumns: ['id', 'title'] }),
    ).toEqual([])
  })

  it('sends the full row and old values of changed columns with replica=full', () => {
    const [update] = convert([{ oldRow: before, newRow: after }], { replica: 'full' })
    expect(update.value).toEqual({ id: '1', title: 'b', done: 'f' })
    expect(update.old_value).toEqual({ title: 'a' })
    const [deleted] = convert([{ kind: 'delete', oldRow: before, newMatches: false }], { replica: 'full' })
    expect(deleted.value).toEqual({ id: '1', title: 'a', done: 'f' })
  })

  it('turns moves into inserts and deletes', () => {
    const [movedIn] = convert([{ oldRow: before, newRow: after, oldMatches: false }])
    expect(movedIn.headers.operation).toBe('insert')
    expect(movedIn.value).toEqual({ id: '1', title: 'b', done: 'f' })
    const [movedOut] = convert([{ oldRow: before, newRow: after, newMatches: false }])
    expect(movedOut.headers.operation).toBe('delete')
    expect(movedOut.value).toEqual({ id: '1' })
    expect(convert([{ oldRow: before, newRow: after, oldMatches: false, newMatches: false }])).toEqual([])
  })

  it('splits a primary key change into delete and insert at consecutive op positions', () => {
    const moved = convert([{ oldRow: before, newRow: row({ ...after, id: '9' }), opPosition: 4 }])
    expect(moved.map((item) => [item.offset, item.headers.operation, item.key])).toEqual([
      ['1000_4', 'delete', '"public"."todos"/"1"'],
      ['1000_5', 'insert', '"public"."todos"/"9"'],
    ])
    expect(moved[0].headers.key_change_to).toBe('"public"."todos"/"9"')
    expect(moved[1].headers.key_change_from).toBe('"public"."todos"/"1"')
    expect(moved[0].headers.last).toBeUndefined()
    expect(moved[1].headers.last).toBe(true)
  })
})
