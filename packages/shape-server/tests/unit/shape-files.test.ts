import { describe, expect, it } from 'vitest'
import { formatOffset } from '../../src/offsets.ts'
import {
  CorruptShapeFileError,
  decodeCheckpoint,
  decodeLog,
  decodeMeta,
  decodeSnapshot,
  decodeSubqueryState,
  encodeLogEntries,
  encodeSnapshot,
  encodeSubqueryState,
  type StoredMeta,
  sha256,
} from '../../src/shape-files.ts'
import type { StoredSubqueryState } from '../../src/subquery-runtime.ts'

const entry = (tx: bigint, op: number) => ({ offset: { tx, op }, json: `{"n":"${tx}_${op}"}` })

describe('stored shape logs', () => {
  it('reads back what was written, up to the checkpoint', () => {
    const text = encodeLogEntries([entry(10n, 0), entry(10n, 2), entry(20n, 0), entry(30n, 0)])
    const { entries, keptBytes } = decodeLog(text, 30n)
    expect(entries.map((kept) => formatOffset(kept.offset))).toEqual(['10_0', '10_2', '20_0'])
    expect(entries[2].json).toBe('{"n":"20_0"}')
    // Cutting the file at keptBytes leaves exactly the kept lines.
    expect(Buffer.from(text).subarray(0, keptBytes).toString()).toBe(
      encodeLogEntries([entry(10n, 0), entry(10n, 2), entry(20n, 0)]),
    )
  })

  it('leaves out a last line cut short by a crash', () => {
    const text = `${encodeLogEntries([entry(10n, 0)])}20_0 {"n":`
    const { entries, keptBytes } = decodeLog(text, 100n)
    expect(entries).toHaveLength(1)
    expect(keptBytes).toBe(encodeLogEntries([entry(10n, 0)]).length)
  })

  it('refuses a damaged line or offsets out of order before the checkpoint', () => {
    expect(() => decodeLog(`garbage\n${encodeLogEntries([entry(10n, 0)])}`, 100n)).toThrow(CorruptShapeFileError)
    expect(() => decodeLog('10_0 {"n":\n', 100n)).toThrow(CorruptShapeFileError)
    expect(() => decodeLog(encodeLogEntries([entry(20n, 0), entry(10n, 0)]), 100n)).toThrow(CorruptShapeFileError)
  })

  it('checks snapshot chunks against the checksum in meta.json', () => {
    const text = encodeSnapshot(['{"a":1},{"a":2}', '{"headers":{"control":"snapshot-end"}}'])
    const meta = { snapshotChunks: 2, snapshotSha256: sha256(text) } as StoredMeta
    expect(decodeSnapshot(text, meta)).toHaveLength(2)
    expect(() => decodeSnapshot(text.replace('1', '3'), meta)).toThrow(CorruptShapeFileError)
  })

  it('validates checkpoint.json and meta.json, and never takes a path from them', () => {
    expect(() => decodeCheckpoint('{"version":1,"lsn":"nope"}')).toThrow(CorruptShapeFileError)
    expect(() => decodeCheckpoint('{"version":')).toThrow(/not valid JSON/)
    const checkpoint = {
      version: 1,
      systemIdentifier: '1',
      database: 'db',
      slotName: 'slot',
      lsn: '42',
      shapes: [{ handle: '../../etc', filtering: true }],
    }
    expect(() => decodeCheckpoint(JSON.stringify(checkpoint))).toThrow(/handle/)
    expect(() => decodeMeta('{"version":1}', '1-2')).toThrow(CorruptShapeFileError)
  })
})

describe('stored subquery state', () => {
  const handle = '123-456'
  const state: StoredSubqueryState = {
    views: [{ rows: [['"public"."projects"/"1"', '1']], children: [null] }, null],
    present: [['"public"."tickets"/"3"', ['1', null], [true, true]]],
  }

  it('reads back what was written when the checksum in checkpoint.json matches', () => {
    const text = encodeSubqueryState(handle, state)
    expect(decodeSubqueryState(text, handle, sha256(text))).toEqual(state)
  })

  it('refuses a file that does not match its checksum, belongs to another shape or has the wrong form', () => {
    const text = encodeSubqueryState(handle, state)
    const altered = text.replace('true', 'false')
    expect(() => decodeSubqueryState(altered, handle, sha256(text))).toThrow(/checksum/)
    expect(() => decodeSubqueryState(text, '123-789', sha256(text))).toThrow(/another shape/)
    const malformed = text.replace('"present":[[', '"present":[[1,')
    expect(() => decodeSubqueryState(malformed, handle, sha256(malformed))).toThrow(CorruptShapeFileError)
  })
})
