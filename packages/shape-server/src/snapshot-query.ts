import type pg from 'pg'
import { quoteIdentifier, quoteTable } from './identifiers.ts'
import { emptyRow, rowKey } from './row-key.ts'
import type { ShapeDefinition } from './shape-definition.ts'
import type { CompiledWhere } from './where-clause.ts'

/** `pg_current_snapshot()` of a snapshot transaction, as 64-bit transaction ids. */
export interface PostgresSnapshot {
  xmin: bigint
  xmax: bigint
  xip: bigint[]
}

export function parseSnapshot(text: string): PostgresSnapshot {
  const [xmin, xmax, xip] = text.split(':')
  return { xmin: BigInt(xmin), xmax: BigInt(xmax), xip: xip ? xip.split(',').map(BigInt) : [] }
}

export function snapshotMetadata(snapshot: PostgresSnapshot) {
  return { xmin: snapshot.xmin.toString(), xmax: snapshot.xmax.toString(), xip_list: snapshot.xip.map(String) }
}

export const FETCH_ROWS = 2_000

function selectList(definition: ShapeDefinition): string {
  return definition.selectedColumns.map(quoteIdentifier).join(', ')
}

function insertItem(
  definition: ShapeDefinition,
  values: (string | null)[],
  extraHeaders?: Record<string, unknown>,
): string {
  const value = emptyRow()
  definition.selectedColumns.forEach((column, index) => {
    value[column] = values[index]
  })
  return JSON.stringify({
    key: rowKey(definition.keyPrefix, definition.table.keyColumns, value),
    value,
    headers: { operation: 'insert', relation: [definition.table.schema, definition.table.name], ...extraHeaders },
  })
}

/** Runs `work` in a REPEATABLE READ READ ONLY transaction, with that transaction's snapshot. */
export async function inSnapshotTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient, snapshot: PostgresSnapshot, lsn: string) => Promise<T>,
) {
  const client = await pool.connect()
  let failed = false
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    // The first statement fixes the transaction's snapshot, so this is the snapshot the rows see.
    const {
      rows: [info],
    } = await client.query<{ snapshot: string; lsn: string }>(
      `SELECT pg_current_snapshot()::text AS snapshot, (pg_current_wal_lsn() - '0/0'::pg_lsn)::text AS lsn`,
    )
    const result = await work(client, parseSnapshot(info.snapshot), info.lsn)
    await client.query('COMMIT')
    return result
  } catch (error) {
    failed = true
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release(failed)
  }
}

export interface InitialSnapshot {
  snapshot: PostgresSnapshot
  /** Serialised items per chunk (comma-joined JSON objects); the last ends with snapshot-end. */
  chunks: string[]
}

/**
 * The initial rows of a shape, read through a cursor in a REPEATABLE READ READ ONLY transaction
 * and cut into chunks of about `chunkBytes`.
 */
export async function takeInitialSnapshot(
  pool: pg.Pool,
  definition: ShapeDefinition,
  chunkBytes: number,
): Promise<InitialSnapshot> {
  return inSnapshotTransaction(pool, async (client, snapshot) => {
    const chunks: string[] = []
    let current: string[] = []
    let currentBytes = 0
    if (definition.logMode === 'full') {
      const where = definition.where ? ` WHERE (\n${definition.where.sql}\n)` : ''
      await client.query({
        text: `DECLARE shape_snapshot NO SCROLL CURSOR FOR SELECT ${selectList(definition)} FROM ${quoteTable(definition.table)}${where}`,
        values: definition.where?.paramValues ?? [],
      })
      for (;;) {
        const { rows } = await client.query<(string | null)[]>({
          text: `FETCH ${FETCH_ROWS} FROM shape_snapshot`,
          rowMode: 'array',
        })
        for (const row of rows) {
          const item = insertItem(definition, row)
          current.push(item)
          currentBytes += item.length + 1
          if (currentBytes >= chunkBytes) {
            chunks.push(current.join(','))
            current = []
            currentBytes = 0
          }
        }
        if (rows.length < FETCH_ROWS) break
      }
    }
    current.push(JSON.stringify({ headers: { control: 'snapshot-end', ...snapshotMetadata(snapshot) } }))
    chunks.push(current.join(','))
    return { snapshot, chunks }
  })
}

export interface SubsetRequest {
  where?: CompiledWhere
  orderBy?: string
  limit?: number
  offset?: number
}

export interface SubsetSnapshot {
  metadata: { xmin: string; xmax: string; xip_list: string[]; snapshot_mark: number; database_lsn: string }
  items: string[]
}

/** `SELECT … WHERE (<shape where>) AND (<subset where>) ORDER BY … LIMIT … OFFSET …` at one snapshot. */
export async function takeSubsetSnapshot(
  pool: pg.Pool,
  definition: ShapeDefinition,
  subset: SubsetRequest,
): Promise<SubsetSnapshot> {
  return inSnapshotTransaction(pool, async (client, snapshot, lsn) => {
    const conditions: string[] = []
    const values: string[] = []
    for (const where of [definition.where, subset.where]) {
      if (!where) continue
      conditions.push(`(\n${where.render(values.length)}\n)`)
      values.push(...where.paramValues)
    }
    let text = `SELECT ${selectList(definition)} FROM ${quoteTable(definition.table)}`
    if (conditions.length > 0) text += ` WHERE ${conditions.join(' AND ')}`
    if (subset.orderBy) text += ` ORDER BY \n${subset.orderBy}\n`
    if (subset.limit !== undefined) text += ` LIMIT ${subset.limit}`
    if (subset.offset !== undefined) text += ` OFFSET ${subset.offset}`
    const { rows } = await client.query<(string | null)[]>({ text, values, rowMode: 'array' })
    const snapshotMark = Math.floor(Math.random() * 2 ** 31)
    return {
      metadata: { ...snapshotMetadata(snapshot), snapshot_mark: snapshotMark, database_lsn: lsn },
      items: rows.map((row) => insertItem(definition, row, { snapshot_mark: snapshotMark })),
    }
  })
}
