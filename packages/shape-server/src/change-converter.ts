import type { LogOffset } from './offsets.ts'
import { emptyRow, type RowValues, rowKey } from './row-key.ts'
import type { ShapeDefinition } from './shape-definition.ts'

/** One replicated row change, already evaluated against the shape's where clause. */
export interface EvaluatedChange {
  kind: 'insert' | 'update' | 'delete'
  oldRow: RowValues | null
  newRow: RowValues | null
  oldMatches: boolean
  newMatches: boolean
  /** Even position of the change inside its transaction. */
  opPosition: number
  /** Subquery shapes only: tags and active conditions of the old and the new row. */
  oldMeta?: RowMeta
  newMeta?: RowMeta
}

/** What a subquery shape adds to a change's headers (Electric's `tags` / `active_conditions`). */
export interface RowMeta {
  tags: string[]
  active_conditions: boolean[]
}

export interface LogEntry {
  offset: LogOffset
  json: string
}

interface ChangeItem {
  key: string
  value: RowValues
  old_value?: RowValues
  headers: {
    operation: 'insert' | 'update' | 'delete'
    relation: [string, string]
    txids: [number]
    lsn: string
    op_position: number
    last?: true
    key_change_to?: string
    key_change_from?: string
    tags?: string[]
    removed_tags?: string[]
    active_conditions?: boolean[]
  }
}

/** Tags of the row now; on an update also the tags it no longer has (`removed_tags`). */
function withMeta(item: ChangeItem, meta: RowMeta | undefined, previous?: RowMeta): ChangeItem {
  if (!meta) return item
  item.headers.tags = meta.tags
  const removed = previous?.tags.filter((tag) => !meta.tags.includes(tag)) ?? []
  if (removed.length > 0) item.headers.removed_tags = removed
  item.headers.active_conditions = meta.active_conditions
  return item
}

function pick(row: RowValues, columns: readonly string[]): RowValues {
  const picked = emptyRow()
  for (const column of columns) picked[column] = row[column] ?? null
  return picked
}

/**
 * Turns row changes into Electric log items for one shape, as Electric's shape log does: moves
 * into the where clause become inserts, moves out deletes, a primary-key change a delete plus an
 * insert, and updates that change no selected column produce nothing.
 */
export function convertChanges(
  definition: ShapeDefinition,
  transaction: { xid: number; commitLsn: bigint },
  changes: readonly EvaluatedChange[],
): LogEntry[] {
  const { table, selectedColumns, replica, keyPrefix } = definition
  const relation: [string, string] = [table.schema, table.name]
  const lsn = transaction.commitLsn.toString()
  const items: { opPosition: number; item: ChangeItem }[] = []
  const keyOf = (row: RowValues) => rowKey(keyPrefix, table.keyColumns, row)
  const headers = (operation: ChangeItem['headers']['operation'], opPosition: number): ChangeItem['headers'] => ({
    operation,
    relation,
    txids: [transaction.xid],
    lsn,
    op_position: opPosition,
  })
  const deletedValue = (row: RowValues) => pick(row, replica === 'full' ? selectedColumns : table.keyColumns)

  for (const change of changes) {
    const { opPosition } = change
    if (change.kind === 'insert') {
      if (!change.newMatches) continue
      const row = change.newRow as RowValues
      items.push({
        opPosition,
        item: withMeta(
          { key: keyOf(row), value: pick(row, selectedColumns), headers: headers('insert', opPosition) },
          change.newMeta,
        ),
      })
    } else if (change.kind === 'delete') {
      if (!change.oldMatches) continue
      const row = change.oldRow as RowValues
      items.push({
        opPosition,
        item: withMeta(
          { key: keyOf(row), value: deletedValue(row), headers: headers('delete', opPosition) },
          change.oldMeta,
        ),
      })
    } else {
      const oldRow = change.oldRow as RowValues
      const newRow = change.newRow as RowValues
      if (change.oldMatches && change.newMatches) {
        const oldKey = keyOf(oldRow)
        const newKey = keyOf(newRow)
        if (oldKey !== newKey) {
          items.push({
            opPosition,
            item: withMeta(
              {
                key: oldKey,
                value: deletedValue(oldRow),
                headers: { ...headers('delete', opPosition), key_change_to: newKey },
              },
              change.oldMeta,
            ),
          })
          items.push({
            opPosition: opPosition + 1,
            item: withMeta(
              {
                key: newKey,
                value: pick(newRow, selectedColumns),
                headers: { ...headers('insert', opPosition + 1), key_change_from: oldKey },
              },
              change.newMeta,
            ),
          })
          continue
        }
        const changed = selectedColumns.filter((column) => oldRow[column] !== newRow[column])
        const tagsChanged = change.oldMeta?.tags.join() !== change.newMeta?.tags.join()
        if (changed.length === 0 && !tagsChanged) continue
        const item: ChangeItem =
          replica === 'full'
            ? {
                key: newKey,
                value: pick(newRow, selectedColumns),
                old_value: pick(oldRow, changed),
                headers: headers('update', opPosition),
              }
            : {
                key: newKey,
                value: pick(newRow, [
                  ...table.keyColumns,
                  ...changed.filter((column) => !table.keyColumns.includes(column)),
                ]),
                headers: headers('update', opPosition),
              }
        items.push({ opPosition, item: withMeta(item, change.newMeta, change.oldMeta) })
      } else if (change.oldMatches) {
        items.push({
          opPosition,
          item: withMeta(
            { key: keyOf(oldRow), value: deletedValue(oldRow), headers: headers('delete', opPosition) },
            change.oldMeta,
          ),
        })
      } else if (change.newMatches) {
        items.push({
          opPosition,
          item: withMeta(
            { key: keyOf(newRow), value: pick(newRow, selectedColumns), headers: headers('insert', opPosition) },
            change.newMeta,
          ),
        })
      }
    }
  }
  if (items.length > 0) items[items.length - 1].item.headers.last = true
  return items.map(({ opPosition, item }) => ({
    offset: { tx: transaction.commitLsn, op: opPosition },
    json: JSON.stringify(item),
  }))
}
