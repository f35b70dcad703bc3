import { createHash } from 'node:crypto'
import type pg from 'pg'
import { errorMessage } from './errors.ts'
import { type QualifiedTableName, quoteIdentifier, quoteTable } from './identifiers.ts'
import type { Logger } from './logger.ts'
import { postgresErrorCode } from './postgres-connections.ts'

export class ReplicationSetupError extends Error {}

const SLOT_PREFIX = 'session_coach_shapes_'

/**
 * Slot names are unique per cluster, so the default embeds the database name (Postgres allows
 * lower-case letters, digits and underscores, at most 63 characters).
 */
export async function defaultSlotName(pool: pg.Pool): Promise<string> {
  const {
    rows: [{ name }],
  } = await pool.query<{ name: string }>('SELECT current_database() AS name')
  const sanitized = name.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  const candidate = `${SLOT_PREFIX}${sanitized}`
  if (candidate.length <= 63 && sanitized === name) return candidate
  // Lossy sanitising or truncation could make two databases share a name: add a hash.
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${SLOT_PREFIX}${sanitized.slice(0, 63 - SLOT_PREFIX.length - 9)}_${hash}`
}

/**
 * Makes sure the publication and the one logical slot exist. A slot left by an earlier run is
 * reused. Without `keepSlotPosition` it is moved to the current WAL position: no shape exists yet,
 * so nothing older is needed, and the WAL it pinned is released. With it (shapes stored on disk)
 * it stays where it was confirmed, and `keptSlot` tells where that is; the caller decides whether
 * to resume from there or to `advanceSlot`. Returns the WAL position everything before which is settled.
 */
export async function prepareReplication(
  pool: pg.Pool,
  {
    slotName,
    publicationName,
    keepSlotPosition = false,
  }: { slotName: string; publicationName: string; keepSlotPosition?: boolean },
  log: Logger,
): Promise<{ startLsn: bigint; keptSlot: { confirmedFlushLsn: bigint } | undefined }> {
  const {
    rows: [{ wal_level: walLevel }],
  } = await pool.query<{ wal_level: string }>('SHOW wal_level')
  if (walLevel !== 'logical') {
    throw new ReplicationSetupError(
      `Postgres runs with wal_level=${walLevel}; the shape server needs wal_level=logical. ` +
        'Set it in postgresql.conf (or start Postgres with -c wal_level=logical) and restart Postgres.',
    )
  }

  const publication = await pool.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [publicationName])
  if (publication.rowCount === 0) {
    try {
      await pool.query(`CREATE PUBLICATION ${quoteIdentifier(publicationName)}`)
      log.info(`Created publication ${publicationName}`)
    } catch (error) {
      if (postgresErrorCode(error) !== '42710') throw permissionHint(error, 'create a publication')
    }
  }

  const existing = await slotState(pool, slotName)
  if (existing?.active) {
    throw new ReplicationSetupError(
      `Replication slot ${slotName} is in use by another connection (backend pid ${existing.activePid}). ` +
        'Another shape server is probably running against this database: stop it, or give this one a different slotName.',
    )
  }
  if (existing && !existing.sameDatabase) {
    // Slot names are cluster-wide; this one belongs to a server of another database.
    throw new ReplicationSetupError(
      `Replication slot ${slotName} belongs to another database of this Postgres cluster. Give this server a different slotName.`,
    )
  }
  const usable = existing && existing.plugin === 'pgoutput' && !existing.lost
  if (existing && !usable) {
    log.warn(
      existing.lost
        ? `Replication slot ${slotName} lost WAL it needed (max_slot_wal_keep_size); recreating it.`
        : `Replication slot ${slotName} uses the ${existing.plugin} plugin; recreating it for pgoutput.`,
    )
    await pool.query('SELECT pg_drop_replication_slot($1)', [slotName])
  }
  let keptSlot: { confirmedFlushLsn: bigint } | undefined
  if (!usable) {
    try {
      await pool.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slotName])
      log.info(`Created replication slot ${slotName}`)
    } catch (error) {
      throw permissionHint(error, 'create a logical replication slot (the role needs REPLICATION)')
    }
  } else if (keepSlotPosition) {
    keptSlot = { confirmedFlushLsn: existing.confirmedFlushLsn }
  } else {
    await advanceSlot(pool, slotName)
    log.info(`Reusing replication slot ${slotName} left by an earlier run (moved to the current WAL position)`)
  }
  const {
    rows: [{ lsn }],
  } = await pool.query<{ lsn: string }>(`SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::text AS lsn`)
  return { startLsn: BigInt(lsn), keptSlot }
}

/** How long a slot may stay active after its previous server died (Postgres notices the lost socket). */
const SLOT_RELEASE_WAIT_MS = 5_000

async function slotState(pool: pg.Pool, slotName: string) {
  const deadline = Date.now() + SLOT_RELEASE_WAIT_MS
  for (;;) {
    const state = await readSlot(pool, slotName)
    if (!state?.active || Date.now() > deadline) return state
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function readSlot(pool: pg.Pool, slotName: string) {
  // Values arrive as Postgres text ('t'/'f'): the pool keeps raw text output.
  const { rows } = await pool.query<{
    plugin: string
    same_database: string
    active: string
    active_pid: string | null
    wal_status: string | null
    confirmed_flush: string | null
  }>(
    `SELECT plugin, database = current_database() AS same_database, active, active_pid::text, wal_status,
            (confirmed_flush_lsn - '0/0'::pg_lsn)::text AS confirmed_flush
       FROM pg_replication_slots WHERE slot_name = $1`,
    [slotName],
  )
  return (
    rows[0] && {
      plugin: rows[0].plugin,
      sameDatabase: rows[0].same_database === 't',
      active: rows[0].active === 't',
      activePid: rows[0].active_pid,
      // 'lost': Postgres removed WAL the slot needed (max_slot_wal_keep_size); it cannot stream.
      lost: rows[0].wal_status === 'lost' || rows[0].confirmed_flush === null,
      confirmedFlushLsn: rows[0].confirmed_flush === null ? 0n : BigInt(rows[0].confirmed_flush),
    }
  )
}

/** Moves an unused slot to the current WAL position, releasing the WAL it pinned. */
export async function advanceSlot(pool: pg.Pool, slotName: string): Promise<void> {
  await pool.query(
    `SELECT pg_replication_slot_advance($1, GREATEST(pg_current_wal_lsn(), confirmed_flush_lsn))
       FROM pg_replication_slots WHERE slot_name = $1`,
    [slotName],
  )
}

function permissionHint(error: unknown, action: string): Error {
  const message = errorMessage(error)
  if (postgresErrorCode(error) === '42501') {
    return new ReplicationSetupError(`The database role may not ${action}: ${message}`)
  }
  return error as Error
}

/**
 * Adds tables to the publication and sets REPLICA IDENTITY FULL the first time a shape asks for
 * them, as Electric does. FULL identity gives old rows on update/delete, needed to detect rows
 * leaving a where clause and to send only changed columns. Tables stay published afterwards.
 */
export class TablePublisher {
  private readonly ready = new Map<number, Promise<void>>()

  constructor(
    private readonly pool: pg.Pool,
    private readonly publicationName: string,
    private readonly log: Logger,
  ) {}

  ensurePublished(table: QualifiedTableName & { oid: number }): Promise<void> {
    let pending = this.ready.get(table.oid)
    if (!pending) {
      pending = this.publish(table)
      pending.catch(() => this.ready.delete(table.oid))
      this.ready.set(table.oid, pending)
    }
    return pending
  }

  /**
   * Whether the table is published with REPLICA IDENTITY FULL right now, without changing
   * anything: a restored shape whose table left the publication may have missed changes.
   */
  async isPublished(table: QualifiedTableName & { oid: number }): Promise<boolean> {
    const state = await this.publicationState(table.oid)
    const ready = state !== undefined && state.identity === 'f' && (state.published === 't' || state.all_tables === 't')
    if (ready && !this.ready.has(table.oid)) this.ready.set(table.oid, Promise.resolve())
    return ready
  }

  /** The table changed (dropped, altered): check again next time. */
  forget(oid: number): void {
    this.ready.delete(oid)
  }

  private async publicationState(oid: number) {
    const {
      rows: [state],
    } = await this.pool.query<{ published: string; all_tables: string; identity: string }>(
      `SELECT EXISTS (SELECT 1 FROM pg_publication_rel r WHERE r.prpubid = p.oid AND r.prrelid = $2::oid) AS published,
              p.puballtables AS all_tables,
              (SELECT relreplident FROM pg_class WHERE oid = $2::oid) AS identity
         FROM pg_publication p WHERE p.pubname = $1`,
      [this.publicationName, oid],
    )
    return state
  }

  private async publish(table: QualifiedTableName & { oid: number }): Promise<void> {
    const state = await this.publicationState(table.oid)
    if (!state)
      throw new ReplicationSetupError(`Publication ${this.publicationName} disappeared; restart the shape server.`)
    if (state.identity !== 'f') {
      try {
        await this.pool.query(`ALTER TABLE ${quoteTable(table)} REPLICA IDENTITY FULL`)
        this.log.info(`Set REPLICA IDENTITY FULL on ${quoteTable(table)}`)
      } catch (error) {
        throw permissionHint(error, `ALTER TABLE ${quoteTable(table)} REPLICA IDENTITY FULL (it must own the table)`)
      }
    }
    if (state.published !== 't' && state.all_tables !== 't') {
      try {
        await this.pool.query(
          `ALTER PUBLICATION ${quoteIdentifier(this.publicationName)} ADD TABLE ${quoteTable(table)}`,
        )
        this.log.info(`Added ${quoteTable(table)} to publication ${this.publicationName}`)
      } catch (error) {
        if (postgresErrorCode(error) !== '42710') {
          throw permissionHint(
            error,
            `add ${quoteTable(table)} to publication ${this.publicationName} (it must own the table)`,
          )
        }
      }
    }
  }
}
