import pg from 'pg'
import { errorMessage } from './errors.ts'
import { quoteIdentifier } from './identifiers.ts'
import type { Logger } from './logger.ts'
import { decodePgoutputMessage, type Relation, type TupleData } from './pgoutput-decoder.ts'
import { replicationClientConfig } from './postgres-connections.ts'

export type ReplicatedChange =
  | { kind: 'relation'; relation: Relation }
  | { kind: 'insert'; relation: Relation; newRow: TupleData }
  | { kind: 'update'; relation: Relation; oldRow: TupleData | null; newRow: TupleData }
  | { kind: 'delete'; relation: Relation; oldRow: TupleData; keyOnly: boolean }
  | { kind: 'truncate'; relations: Relation[] }

export interface ReplicatedTransaction {
  /** 32-bit xid from BEGIN, the number clients compare with `txids`. */
  xid: number
  /** LSN of the commit record: the `tx` part of every log offset written for this transaction. */
  commitLsn: bigint
  endLsn: bigint
  changes: ReplicatedChange[]
}

export interface ReplicationStreamOptions {
  databaseUrl: string
  slotName: string
  publicationName: string
  log: Logger
  onTransaction(transaction: ReplicatedTransaction): void
  /**
   * Where a restarted server's stored shape logs end: replication starts there, and transactions
   * committed before it (sent again because the slot was confirmed less far) are skipped.
   */
  resumeAfterLsn?: bigint
  /**
   * The furthest position the slot may be confirmed to (what is durably stored). Unset: whatever
   * was delivered, for a server whose shapes live only in memory.
   */
  confirmablePosition?: () => bigint
}

const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1)
const STATUS_INTERVAL_MS = 1_000
const RECONNECT_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 5_000]

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`
}

/**
 * One replication connection on one slot. Reconnects by itself after a connection loss and
 * resumes after the last transaction it delivered, so the consumer sees every committed
 * transaction exactly once, in commit order.
 */
export class ReplicationStream {
  private client: pg.Client | undefined
  private stopping = false
  private streaming = false
  private reconnectAttempt = 0
  private reconnectTimer: NodeJS.Timeout | undefined
  private statusTimer: NodeJS.Timeout | undefined
  private readonly relations = new Map<number, Relation>()
  private open: ReplicatedTransaction | undefined
  /** Everything up to here reached the consumer; it is what we confirm to Postgres. */
  private deliveredLsn = 0n
  private lastDeliveredCommitLsn = -1n
  private lastStatusSentAt = 0
  private readonly startedWaiters: Array<() => void> = []

  constructor(private readonly options: ReplicationStreamOptions) {
    if (options.resumeAfterLsn !== undefined) {
      this.deliveredLsn = options.resumeAfterLsn
      this.lastDeliveredCommitLsn = options.resumeAfterLsn - 1n
    }
  }

  get isStreaming(): boolean {
    return this.streaming
  }

  /** Stops reading from the socket (backpressure); Postgres waits until `resume()`. */
  pause(): void {
    this.socket()?.pause()
  }

  resume(): void {
    this.socket()?.resume()
  }

  private socket(): { pause(): void; resume(): void } | undefined {
    return (this.client as unknown as { connection?: { stream?: { pause(): void; resume(): void } } } | undefined)
      ?.connection?.stream
  }

  /** Everything before this LSN has been handed to `onTransaction`. */
  get deliveredPosition(): bigint {
    return this.deliveredLsn
  }

  /** Resolves once Postgres has started streaming; connection failures are retried. */
  start(): Promise<void> {
    this.stopping = false
    const started = new Promise<void>((resolve) => this.startedWaiters.push(resolve))
    void this.connect()
    return started
  }

  async stop(): Promise<void> {
    this.stopping = true
    this.streaming = false
    clearTimeout(this.reconnectTimer)
    clearInterval(this.statusTimer)
    const client = this.client
    this.client = undefined
    if (client) {
      this.sendStatus(client)
      await client.end().catch(() => {})
    }
  }

  private async connect(): Promise<void> {
    if (this.stopping) return
    const client = new pg.Client(replicationClientConfig(this.options.databaseUrl))
    this.client = client
    this.open = undefined
    let failed = false
    const fail = (error: unknown) => {
      if (failed) return
      failed = true
      this.onConnectionLost(client, error)
    }
    client.on('error', fail)
    client.on('end', () => fail(new Error('replication connection closed')))
    try {
      await client.connect()
      const connection = (client as unknown as { connection: ReplicationConnection }).connection
      connection.on('copyData', (message: { chunk: Buffer }) => {
        try {
          this.onCopyData(client, message.chunk)
        } catch (error) {
          fail(error)
          connection.stream.destroy()
        }
      })
      connection.once('replicationStart', () => {
        this.streaming = true
        this.reconnectAttempt = 0
        this.options.log.info(
          `Replication streaming from slot ${this.options.slotName} at ${formatLsn(this.deliveredLsn)}`,
        )
        clearInterval(this.statusTimer)
        this.statusTimer = setInterval(() => this.sendStatus(client), STATUS_INTERVAL_MS)
        for (const resolve of this.startedWaiters.splice(0)) resolve()
      })
      const publication = quoteIdentifier(this.options.publicationName).replaceAll("'", "''")
      await client.query(
        `START_REPLICATION SLOT ${quoteIdentifier(this.options.slotName)} LOGICAL ${formatLsn(this.deliveredLsn)} ` +
          `(proto_version '1', publication_names '${publication}')`,
      )
      fail(new Error('replication stream ended'))
    } catch (error) {
      fail(error)
    }
  }

  private onConnectionLost(client: pg.Client, error: unknown) {
    if (this.client === client) this.client = undefined
    clearInterval(this.statusTimer)
    this.streaming = false
    this.open = undefined
    client.end().catch(() => {})
    if (this.stopping) return
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnectAttempt, RECONNECT_DELAYS_MS.length - 1)]
    this.reconnectAttempt++
    this.options.log.warn(
      `Replication connection lost (${errorMessage(error)}); reconnecting in ${delay} ms ` +
        `and resuming after ${formatLsn(this.deliveredLsn)}.`,
    )
    this.reconnectTimer = setTimeout(() => void this.connect(), delay)
  }

  private onCopyData(client: pg.Client, chunk: Buffer) {
    const kind = chunk[0]
    if (kind === 0x6b /* 'k' keepalive */) {
      const walEnd = chunk.readBigUInt64BE(1)
      // Nothing is half-received: everything Postgres decoded up to walEnd has reached us.
      if (!this.open && walEnd > this.deliveredLsn) this.deliveredLsn = walEnd
      if (chunk[17] === 1) this.sendStatus(client)
      return
    }
    if (kind !== 0x77 /* 'w' XLogData */) return
    const message = decodePgoutputMessage(chunk.subarray(25))
    switch (message.kind) {
      case 'begin':
        this.open = { xid: message.xid, commitLsn: message.finalLsn, endLsn: 0n, changes: [] }
        return
      case 'relation':
        this.relations.set(message.relation.oid, message.relation)
        this.open?.changes.push({ kind: 'relation', relation: message.relation })
        return
      case 'insert':
        this.open?.changes.push({
          kind: 'insert',
          relation: this.relation(message.relationOid),
          newRow: message.newTuple,
        })
        return
      case 'update':
        this.open?.changes.push({
          kind: 'update',
          relation: this.relation(message.relationOid),
          oldRow: message.oldTuple,
          newRow: message.newTuple,
        })
        return
      case 'delete':
        this.open?.changes.push({
          kind: 'delete',
          relation: this.relation(message.relationOid),
          oldRow: message.oldTuple,
          keyOnly: message.keyOnly,
        })
        return
      case 'truncate':
        this.open?.changes.push({ kind: 'truncate', relations: message.relationOids.map((oid) => this.relation(oid)) })
        return
      case 'commit': {
        const transaction = this.open
        this.open = undefined
        if (!transaction) return
        transaction.endLsn = message.endLsn
        // After a reconnect Postgres may resend transactions we already delivered.
        if (transaction.commitLsn > this.lastDeliveredCommitLsn) {
          this.lastDeliveredCommitLsn = transaction.commitLsn
          this.options.onTransaction(transaction)
        }
        if (message.endLsn > this.deliveredLsn) this.deliveredLsn = message.endLsn
        if (Date.now() - this.lastStatusSentAt > 1_000) this.sendStatus(client)
        return
      }
      default:
        return
    }
  }

  private relation(oid: number): Relation {
    const relation = this.relations.get(oid)
    if (!relation) throw new Error(`pgoutput: change for relation ${oid} arrived before its Relation message`)
    return relation
  }

  /**
   * Confirms everything delivered so far when shapes live only in memory (after a crash every
   * handle is new and every snapshot is taken after the slot's position), or only what is durably
   * stored when they are kept on disk, so the slot sends the rest again after a crash.
   */
  private sendStatus(client: pg.Client) {
    const connection = (client as unknown as { connection?: ReplicationConnection }).connection
    if (!connection || !this.streaming) return
    const written = this.deliveredLsn
    // Not Math.min: LSNs are bigints.
    let flushed = written
    const confirmable = this.options.confirmablePosition?.()
    if (confirmable !== undefined && confirmable < flushed) flushed = confirmable
    const message = Buffer.alloc(34)
    message.write('r', 0)
    message.writeBigUInt64BE(written, 1)
    message.writeBigUInt64BE(flushed, 9)
    message.writeBigUInt64BE(flushed, 17)
    message.writeBigUInt64BE(BigInt(Date.now() - POSTGRES_EPOCH_MS) * 1000n, 25)
    message.writeUInt8(0, 33)
    connection.sendCopyFromChunk(message)
    this.lastStatusSentAt = Date.now()
  }
}

interface ReplicationConnection {
  on(event: 'copyData', listener: (message: { chunk: Buffer }) => void): void
  once(event: 'replicationStart', listener: () => void): void
  sendCopyFromChunk(chunk: Buffer): void
  stream: { destroy(): void }
}
