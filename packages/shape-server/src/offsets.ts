/**
 * Electric log offsets: `<tx>_<op>`. Snapshot chunks live at the virtual offsets `0_0`, `0_1`, …;
 * `0_inf` is the end of the snapshot; real entries use the commit LSN as `tx` and an even op
 * position (odd positions are the insert half of a primary-key change).
 */
export interface LogOffset {
  /** -1n for "before everything" (`offset=-1`), 0n for the snapshot, else the commit LSN. */
  readonly tx: bigint
  /** `Infinity` renders as `inf`. */
  readonly op: number
}

export const BEFORE_ALL: LogOffset = { tx: -1n, op: 0 }
export const SNAPSHOT_END: LogOffset = { tx: 0n, op: Number.POSITIVE_INFINITY }

export function snapshotChunkOffset(index: number): LogOffset {
  return { tx: 0n, op: index }
}

export type RequestedOffset = { kind: 'now' } | { kind: 'offset'; offset: LogOffset }

const OFFSET_PATTERN = /^(\d+)_(\d+|inf)$/

/** Returns null for anything Electric would reject with "has invalid format". */
export function parseRequestedOffset(text: string): RequestedOffset | null {
  if (text === 'now') return { kind: 'now' }
  if (text === '-1') return { kind: 'offset', offset: BEFORE_ALL }
  const match = OFFSET_PATTERN.exec(text)
  if (!match) return null
  const op = match[2] === 'inf' ? Number.POSITIVE_INFINITY : Number(match[2])
  if (!Number.isSafeInteger(op) && op !== Number.POSITIVE_INFINITY) return null
  return { kind: 'offset', offset: { tx: BigInt(match[1]), op } }
}

export function formatOffset(offset: LogOffset): string {
  if (offset.tx < 0n) return '-1'
  return `${offset.tx}_${offset.op === Number.POSITIVE_INFINITY ? 'inf' : offset.op}`
}

export function compareOffsets(a: LogOffset, b: LogOffset): number {
  if (a.tx !== b.tx) return a.tx < b.tx ? -1 : 1
  if (a.op === b.op) return 0
  return a.op < b.op ? -1 : 1
}

export function isSnapshotOffset(offset: LogOffset): boolean {
  return offset.tx === 0n
}
