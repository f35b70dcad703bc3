import type { LogEntry } from './change-converter.ts'
import { compareOffsets, isSnapshotOffset, type LogOffset, SNAPSHOT_END, snapshotChunkOffset } from './offsets.ts'

export interface LogRead {
  /** Serialised messages, comma-joined (no brackets). Empty string when nothing was read. */
  body: string
  count: number
  /** Offset the client continues from. */
  end: LogOffset
  /** The read reached the current end of the log (so the response ends with up-to-date). */
  reachedEnd: boolean
}

/** Bytes held by a group of logs (all of a registry's shapes), kept current as they grow. */
export class ByteMeter {
  bytes = 0
}

/**
 * One shape's data in memory: the snapshot as pre-serialised chunks at `0_<n>` and the change
 * log after it, each entry serialised once when appended.
 */
export class ShapeLog {
  private readonly entries: LogEntry[] = []
  /** Entries before this index have been handed to the disk store (`takeUnpersisted`). */
  private persistedCount = 0
  private entryBytes = 0
  private appliedThroughLsn = 0n
  /**
   * Readers see the entries before this index only: later ones wait until they are on disk
   * (`holdFrom`). Equal to the number of entries when nothing is held.
   */
  private visibleCount = 0
  /** Commit LSNs of held transactions not yet covered by a durable checkpoint, ascending. */
  private readonly heldTransactions: bigint[] = []
  private readonly snapshotBytes: number
  private readonly waiters = new Set<() => void>()

  constructor(
    private readonly snapshotChunks: readonly string[],
    private readonly maxReadBytes: number,
    private readonly meter = new ByteMeter(),
  ) {
    this.snapshotBytes = snapshotChunks.reduce((total, chunk) => total + chunk.length, 0)
    meter.bytes += this.snapshotBytes
  }

  /** Snapshot plus change log, in UTF-16 code units (≈ bytes for ASCII). */
  get bytes(): number {
    return this.snapshotBytes + this.entryBytes
  }

  get logBytes(): number {
    return this.entryBytes
  }

  /** The last offset readers can get (held entries are not served yet). */
  get lastOffset(): LogOffset {
    return this.visibleCount > 0 ? this.entries[this.visibleCount - 1].offset : SNAPSHOT_END
  }

  /**
   * End LSN of the last transaction appended: a client that has everything up to here may resume
   * at `<lsn>_0` without being sent that transaction again. While entries are held, the position
   * just before the first held transaction.
   */
  get throughLsn(): bigint {
    const firstHeld = this.heldTransactions[0]
    return firstHeld === undefined ? this.appliedThroughLsn : firstHeld - 1n
  }

  /** `lsn` (a position every shape has passed), lowered to before this log's first held transaction. */
  seenLsn(lsn: bigint): bigint {
    const firstHeld = this.heldTransactions[0]
    return firstHeld !== undefined && lsn >= firstHeld ? firstHeld - 1n : lsn
  }

  /** `endLsn`: where the transaction the entries come from ends in the WAL. */
  append(entries: readonly LogEntry[], endLsn = 0n): void {
    for (const entry of entries) {
      this.entries.push(entry)
      this.entryBytes += entry.json.length + 64
      this.meter.bytes += entry.json.length + 64
    }
    if (endLsn > this.appliedThroughLsn) this.appliedThroughLsn = endLsn
    if (this.heldTransactions.length > 0) return
    this.visibleCount = this.entries.length
    this.wake()
  }

  /**
   * The transaction committed at `commitLsn` (about to be appended) and everything after it is
   * served only once a durable checkpoint covers it (`releaseThrough`): a restarted server replays
   * it and could produce other entries (a subquery shape's move-in rows), so no client may have
   * seen entries that are not on disk.
   */
  holdFrom(commitLsn: bigint): void {
    if (this.heldTransactions.at(-1) === commitLsn) return
    this.heldTransactions.push(commitLsn)
  }

  get isHolding(): boolean {
    return this.heldTransactions.length > 0
  }

  /** A checkpoint made every transaction before `lsn` durable: what it covers may be served. */
  releaseThrough(lsn: bigint): void {
    if (this.heldTransactions.length === 0) return
    while (this.heldTransactions.length > 0 && this.heldTransactions[0] < lsn) this.heldTransactions.shift()
    const firstHeld = this.heldTransactions[0]
    const visible = firstHeld === undefined ? this.entries.length : this.firstEntryFrom(firstHeld)
    if (visible === this.visibleCount) return
    this.visibleCount = visible
    this.wake()
  }

  /**
   * Puts back what a restarted server read from disk (`shape-store.ts`): the entries are already
   * on disk, and `throughLsn` is the checkpoint they are complete up to.
   */
  restore(entries: readonly LogEntry[], throughLsn: bigint): void {
    // Not held: these come from disk.
    this.append(entries, throughLsn)
    this.persistedCount = this.entries.length
  }

  /** The entries appended since the last call, to be written to disk. */
  takeUnpersisted(): LogEntry[] {
    const fresh = this.entries.slice(this.persistedCount)
    this.persistedCount = this.entries.length
    return fresh
  }

  get snapshotChunkTexts(): readonly string[] {
    return this.snapshotChunks
  }

  /** Resolves waiters without new data (rotation, shutdown); they re-check the shape's state. */
  wake(): void {
    // Cleared first: a waiter that finds nothing it wants registers again while being called.
    const waiters = [...this.waiters]
    this.waiters.clear()
    for (const waiter of waiters) waiter()
  }

  get waiterCount(): number {
    return this.waiters.size
  }

  /** Registers a one-shot wake-up; the returned function unregisters it. */
  onChange(waiter: () => void): () => void {
    this.waiters.add(waiter)
    return () => this.waiters.delete(waiter)
  }

  isBeyondEnd(offset: LogOffset): boolean {
    if (isSnapshotOffset(offset)) return false
    return compareOffsets(offset, this.lastOffset) > 0
  }

  read(from: LogOffset): LogRead {
    if (from.tx < 0n) return this.readChunk(0)
    if (isSnapshotOffset(from) && from.op + 1 < this.snapshotChunks.length) return this.readChunk(from.op + 1)
    let index = this.firstEntryAfter(from)
    const parts: string[] = []
    let bytes = 0
    let end = isSnapshotOffset(from) ? SNAPSHOT_END : from
    while (index < this.visibleCount && (bytes < this.maxReadBytes || parts.length === 0)) {
      const entry = this.entries[index++]
      parts.push(entry.json)
      bytes += entry.json.length
      end = entry.offset
    }
    return { body: parts.join(','), count: parts.length, end, reachedEnd: index >= this.visibleCount }
  }

  /**
   * Like `read`, but one serialised message per element (what a server-sent event carries).
   * Snapshot chunks are stored joined, so a read inside the snapshot splits its chunk.
   */
  readMessages(from: LogOffset): Omit<LogRead, 'body'> & { messages: string[] } {
    const read = this.read(from)
    let messages: string[]
    if (read.count === 0) messages = []
    else if (isSnapshotOffset(read.end)) {
      messages = (JSON.parse(`[${read.body}]`) as unknown[]).map((message) => JSON.stringify(message))
    } else {
      const first = this.firstEntryAfter(isSnapshotOffset(from) ? SNAPSHOT_END : from)
      messages = this.entries.slice(first, first + read.count).map((entry) => entry.json)
    }
    return { messages, count: messages.length, end: read.end, reachedEnd: read.reachedEnd }
  }

  hasEntriesAfter(from: LogOffset): boolean {
    if (from.tx < 0n) return true
    if (isSnapshotOffset(from) && from.op + 1 < this.snapshotChunks.length) return true
    return this.firstEntryAfter(from) < this.visibleCount
  }

  private readChunk(index: number): LogRead {
    return { body: this.snapshotChunks[index], count: 1, end: snapshotChunkOffset(index), reachedEnd: false }
  }

  /** Index of the first entry of the transaction committed at `commitLsn` or later. */
  private firstEntryFrom(commitLsn: bigint): number {
    return this.firstEntryAfter({ tx: commitLsn - 1n, op: Number.POSITIVE_INFINITY })
  }

  private firstEntryAfter(offset: LogOffset): number {
    let low = 0
    let high = this.entries.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareOffsets(this.entries[middle].offset, offset) <= 0) low = middle + 1
      else high = middle
    }
    return low
  }
}
