import type pg from 'pg'
import { errorMessage } from './errors.ts'
import type { Logger } from './logger.ts'
import type { TablePublisher } from './replication-setup.ts'
import { tableSignature } from './schema-watch.ts'
import { buildShapeDefinition, type ShapeDefinition } from './shape-definition.ts'
import { type StoredCheckpoint, type StoredMeta, snapshotOf, sourceOf } from './shape-files.ts'
import type { ShapeRegistry } from './shape-registry.ts'
import type { ShapeStore } from './shape-store.ts'
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
  for (const { handle, filtering } of checkpoint.shapes) {
    const loaded = await store.loadShape(handle, lsn)
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
  })
  if (definition.identity !== meta.identity) return 'its definition no longer resolves to the same shape'
  return definition
}
