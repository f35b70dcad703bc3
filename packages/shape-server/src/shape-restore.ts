import type pg from 'pg'
import { errorMessage } from './errors.ts'
import { quoteTable } from './identifiers.ts'
import type { Logger } from './logger.ts'
import type { TablePublisher } from './replication-setup.ts'
import { tableSignature } from './schema-watch.ts'
import { buildShapeDefinition, type ShapeDefinition } from './shape-definition.ts'
import { type StoredCheckpoint, type StoredMeta, snapshotOf, sourceOf } from './shape-files.ts'
import type { ShapeRegistry } from './shape-registry.ts'
import type { ShapeStore } from './shape-store.ts'
import { planTables } from './subquery-plan.ts'
import { loadTableInfo } from './table-catalog.ts'

export interface RestoreContext {
  pool: pg.Pool
  store: ShapeStore
  registry: ShapeRegistry
  publisher: TablePublisher
  log: Logger
}

/**
 * Puts the shapes of a trusted checkpoint back into the registry. A shape whose files are damaged,
 * whose table changed, or whose table left the publication is dropped (its clients get a 409);
 * nothing here stops the server from starting.
 */
export async function restoreShapes(checkpoint: StoredCheckpoint, context: RestoreContext): Promise<number> {
  const { store, registry, log } = context
  const lsn = BigInt(checkpoint.lsn)
  const kept = new Set<string>()
  for (const ref of checkpoint.shapes) {
    const { handle, filtering } = ref
    const loaded = await store.loadShape(ref, lsn)
    let problem = typeof loaded === 'string' ? loaded : undefined
    if (typeof loaded !== 'string') {
      try {
        const definition = await rebuildDefinition(loaded.meta, context)
        if (typeof definition === 'string') problem = definition
        else {
          await registry.restore({
            handle,
            definition,
            snapshot: snapshotOf(loaded.meta),
            filteringBySnapshot: filtering,
            chunks: loaded.chunks,
            entries: loaded.entries,
            throughLsn: lsn,
            subqueryState: loaded.subqueryState,
          })
          kept.add(handle)
        }
      } catch (error) {
        problem = `could not be rebuilt: ${errorMessage(error)}`
      }
    }
    if (problem) log.warn(`Stored shape ${handle} dropped (its clients will refetch): ${problem}`)
  }
  await store.removeUnlisted(kept)
  return kept.size
}

async function rebuildDefinition(meta: StoredMeta, context: RestoreContext): Promise<ShapeDefinition | string> {
  const table = await loadTableInfo(context.pool, meta.table)
  if (!table || table.oid !== meta.table.oid) return 'its table was dropped or replaced'
  if (tableSignature(table) !== meta.tableSignature) return 'its table was altered'
  if (!(await context.publisher.isPublished(table))) {
    return 'its table is no longer published with REPLICA IDENTITY FULL'
  }
  const source = sourceOf(meta)
  const definition = await buildShapeDefinition(table, {
    where: source.where,
    params: new Map(source.params),
    columns: source.columns,
    replica: source.replica,
    logMode: source.logMode,
    resolveTable: async (name) => {
      const inner = await loadTableInfo(context.pool, name)
      if (!inner) throw new Error(`${quoteTable(name)}, read by a subquery, no longer exists`)
      return inner
    },
  })
  if (definition.identity !== meta.identity) return 'its definition no longer resolves to the same shape'
  if (definition.plan) return (await checkSubqueryTables(definition, meta, context)) ?? definition
  return definition
}

/**
 * The tables a subquery shape's subqueries read must be as they were: the stored sets were kept
 * from their rows, and a table altered while the server was down may have changed them in ways
 * replication does not show (a column dropped and added again, a type changed).
 */
async function checkSubqueryTables(
  definition: ShapeDefinition,
  meta: StoredMeta,
  context: RestoreContext,
): Promise<string | undefined> {
  if (!meta.subqueryTables) return 'its stored definition lacks the tables its subqueries read'
  const stored = new Map(meta.subqueryTables.map((table) => [table.oid, table]))
  const inner = [...planTables(definition.table, definition.plan).values()].filter(
    (table) => table.oid !== definition.table.oid,
  )
  if (inner.length !== stored.size) return 'its subqueries read other tables now'
  for (const table of inner) {
    const before = stored.get(table.oid)
    if (!before) return `${quoteTable(table)}, read by a subquery, was dropped or replaced`
    if (tableSignature(table) !== before.signature) return `${quoteTable(table)}, read by a subquery, was altered`
    if (!(await context.publisher.isPublished(table))) {
      return `${quoteTable(table)}, read by a subquery, is no longer published with REPLICA IDENTITY FULL`
    }
  }
  return undefined
}
