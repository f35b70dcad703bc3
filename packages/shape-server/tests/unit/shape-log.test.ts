import { describe, expect, it } from 'vitest'
import { BEFORE_ALL, formatOffset, SNAPSHOT_END, snapshotChunkOffset } from '../../src/offsets.ts'
import { ShapeLog } from '../../src/shape-log.ts'

const entry = (tx: bigint, op: number) => ({ offset: { tx, op }, json: `{"n":"${tx}_${op}"}` })

describe('shape log reads', () => {
  it('serves snapshot chunks one by one, then the log, and reports the end', () => {
    const log = new ShapeLog(['"chunk0"', '"chunk1"'], 1024)
    expect(log.read(BEFORE_ALL)).toMatchObject({ body: '"chunk0"', end: snapshotChunkOffset(0), reachedEnd: false })
    expect(log.read(snapshotChunkOffset(0))).toMatchObject({
      body: '"chunk1"',
      end: snapshotChunkOffset(1),
      reachedEnd: false,
    })
    expect(log.read(snapshotChunkOffset(1))).toMatchObject({ body: '', count: 0, end: SNAPSHOT_END, reachedEnd: true })
    log.append([entry(10n, 0), entry(10n, 2), entry(12n, 0)])
    const read = log.read(snapshotChunkOffset(1))
    expect(read.count).toBe(3)
    expect(formatOffset(read.end)).toBe('12_0')
    expect(log.read({ tx: 10n, op: 0 }).body).toBe('{"n":"10_2"},{"n":"12_0"}')
    expect(log.read({ tx: 12n, op: 0 })).toMatchObject({ count: 0, end: { tx: 12n, op: 0 }, reachedEnd: true })
  })

  it('cuts long reads into chunks without splitting entries', () => {
    const log = new ShapeLog([''], 20)
    log.append([entry(1n, 0), entry(2n, 0), entry(3n, 0)])
    const first = log.read(SNAPSHOT_END)
    expect(first.count).toBe(2)
    expect(first.reachedEnd).toBe(false)
    expect(log.read(first.end)).toMatchObject({ count: 1, reachedEnd: true })
  })

  it('knows offsets beyond its end and wakes waiters on append', () => {
    const log = new ShapeLog([''], 1024)
    expect(log.isBeyondEnd({ tx: 5n, op: 0 })).toBe(true)
    expect(log.isBeyondEnd(snapshotChunkOffset(9))).toBe(false)
    let woken = 0
    const unregister = log.onChange(() => woken++)
    log.append([entry(5n, 0)])
    expect(woken).toBe(1)
    expect(log.isBeyondEnd({ tx: 5n, op: 0 })).toBe(false)
    log.append([entry(6n, 0)])
    expect(woken).toBe(1)
    unregister()
    expect(log.waiterCount).toBe(0)
  })

  it('reads one message per element for server-sent events, splitting snapshot chunks', () => {
    const log = new ShapeLog(['{"a":1},{"b":2}', '{"c":3}'], 1024)
    expect(log.readMessages(BEFORE_ALL)).toMatchObject({ messages: ['{"a":1}', '{"b":2}'], reachedEnd: false })
    expect(log.readMessages(snapshotChunkOffset(1))).toMatchObject({ messages: [], end: SNAPSHOT_END })
    log.append([entry(10n, 0), entry(10n, 2)], 15n)
    expect(log.readMessages({ tx: 10n, op: 0 })).toMatchObject({ messages: ['{"n":"10_2"}'], reachedEnd: true })
    expect(log.readMessages(SNAPSHOT_END).messages).toEqual(['{"n":"10_0"}', '{"n":"10_2"}'])
    expect(log.throughLsn).toBe(15n)
  })
})

describe('entries held until they are on disk', () => {
  it('serves nothing from a held transaction on until a checkpoint covers it, and wakes readers then', () => {
    const log = new ShapeLog([''], 1024)
    log.append([entry(10n, 0)], 11n)
    log.holdFrom(20n)
    log.append([entry(20n, 0), entry(20n, 2)], 21n)
    log.append([entry(30n, 0)], 31n)
    log.holdFrom(40n)
    log.append([entry(40n, 0)], 41n)
    expect(log.read(SNAPSHOT_END)).toMatchObject({ count: 1, reachedEnd: true })
    expect(formatOffset(log.lastOffset)).toBe('10_0')
    expect(log.hasEntriesAfter({ tx: 10n, op: 0 })).toBe(false)
    // Nothing at or after the first held transaction may be skipped by `<lsn>_0` resumption.
    expect(log.throughLsn).toBe(19n)
    expect(log.seenLsn(50n)).toBe(19n)
    expect(log.seenLsn(15n)).toBe(15n)

    let woken = 0
    log.onChange(() => woken++)
    log.releaseThrough(31n)
    expect(woken).toBe(1)
    expect(log.read({ tx: 10n, op: 0 })).toMatchObject({ count: 3, reachedEnd: true })
    expect(log.throughLsn).toBe(39n)

    log.releaseThrough(41n)
    expect(log.isHolding).toBe(false)
    expect(log.read({ tx: 30n, op: 0 })).toMatchObject({ count: 1, reachedEnd: true })
    expect(log.throughLsn).toBe(41n)
    // The disk store still gets every entry, held or not.
    expect(log.takeUnpersisted()).toHaveLength(5)
  })
})
