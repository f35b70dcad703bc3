import { describe, expect, it } from 'vitest'
import { IdentifierError, parseIdentifierList, parseTableName } from '../../src/identifiers.ts'
import { BEFORE_ALL, compareOffsets, formatOffset, parseRequestedOffset, SNAPSHOT_END } from '../../src/offsets.ts'
import { emptyRow, keyPrefix, rowKey } from '../../src/row-key.ts'

describe('offsets', () => {
  it('parses the forms Electric accepts and rejects the rest', () => {
    expect(parseRequestedOffset('-1')).toEqual({ kind: 'offset', offset: BEFORE_ALL })
    expect(parseRequestedOffset('now')).toEqual({ kind: 'now' })
    expect(parseRequestedOffset('0_inf')).toEqual({ kind: 'offset', offset: SNAPSHOT_END })
    expect(parseRequestedOffset('27834520_4')).toEqual({ kind: 'offset', offset: { tx: 27834520n, op: 4 } })
    for (const invalid of ['', '-2', '1', '1_', '_1', '1_-1', 'a_1', '1_2_3', '1.5_0', ' 1_0']) {
      expect(parseRequestedOffset(invalid), invalid).toBeNull()
    }
  })

  it('formats and orders offsets, with inf after every op and the snapshot before the log', () => {
    expect(formatOffset(BEFORE_ALL)).toBe('-1')
    expect(formatOffset(SNAPSHOT_END)).toBe('0_inf')
    expect(formatOffset({ tx: 18446744073709551615n, op: 3 })).toBe('18446744073709551615_3')
    const sorted = [
      { tx: 5n, op: 2 },
      SNAPSHOT_END,
      { tx: 5n, op: 1 },
      { tx: 0n, op: 3 },
      BEFORE_ALL,
      { tx: 4n, op: 100 },
    ].sort(compareOffsets)
    expect(sorted.map(formatOffset)).toEqual(['-1', '0_3', '0_inf', '4_100', '5_1', '5_2'])
  })
})

describe('identifiers', () => {
  it('follows Postgres rules for table names', () => {
    expect(parseTableName('Todos')).toEqual({ schema: 'public', name: 'todos' })
    expect(parseTableName('"Todos"')).toEqual({ schema: 'public', name: 'Todos' })
    expect(parseTableName('app."My ""Table"""')).toEqual({ schema: 'app', name: 'My "Table"' })
    expect(parseTableName('"a.b"')).toEqual({ schema: 'public', name: 'a.b' })
    for (const invalid of ['a.b.c', '"unterminated', '""', 'has space', `x${'y'.repeat(63)}`, 'a;drop']) {
      expect(() => parseTableName(invalid), invalid).toThrow(IdentifierError)
    }
  })

  it('splits column lists outside quotes', () => {
    expect(parseIdentifierList('id, "Status-Check","a,b",Name', ',')).toEqual(['id', 'Status-Check', 'a,b', 'name'])
  })
})

describe('row keys', () => {
  it('quotes names and values and escapes slashes and dots like Electric', () => {
    const row = emptyRow()
    Object.assign(row, { id: 'a/b', part: '7', note: null })
    expect(rowKey(keyPrefix({ schema: 'public', name: 'todos' }), ['id'], row)).toBe('"public"."todos"/"a//b"')
    expect(rowKey(keyPrefix({ schema: 'my.app', name: 'x/y' }), ['part', 'note'], row)).toBe('"my..app"."x//y"/"7"/_')
  })

  it('treats column names like __proto__ as ordinary keys', () => {
    const row = emptyRow()
    const column = '__proto__'
    row[column] = 'p'
    expect(rowKey('"public"."t"', [column], row)).toBe('"public"."t"/"p"')
  })
})
