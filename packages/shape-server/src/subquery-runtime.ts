import { createHash } from 'node:crypto'
import type pg from 'pg'
import { convertChanges, type EvaluatedChange, type LogEntry, type RowMeta } from './change-converter.ts'
import { quoteIdentifier, quoteTable } from './identifiers.ts'
import type { ReplicatedTransaction } from './replication-stream.ts'
import { emptyRow, type RowValues, rowKey } from './row-key.ts'
import type { ShapeDefinition } from './shape-definition.ts'
import type { ByteMeter } from './shape-log.ts'
import {
  FETCH_ROWS,
  type InitialSnapshot,
  inSnapshotTransaction,
  type SubsetRequest,
  type SubsetSnapshot,
  snapshotMetadata,
} from './snapshot-query.ts'
import type { SqlPredicateEvaluator } from './sql-predicate-evaluator.ts'
import { livePlanSql, type SubqueryDependency, type WherePlan } from './subquery-plan.ts'
import type { TableInfo } from './table-catalog.ts'
import { REPLICA_IDENTITY_LOST, type TableChanges } from './transaction-applier.ts'

/**
 * Runtime of shapes whose where clause has `column IN (SELECT …)`: the set of values each
 * subquery yields (kept from the inner tables' replicated changes, in commit order), the tags and
 * active conditions of every row sent, and Electric's move-in / move-out messages when those sets
 * change. Wire form as Electric 1.x sends it (sync-service `DnfPlan`, `Querying`):
 *
 * - every row of such a shape carries `tags` (one per OR-ed alternative of the clause, each the
 *   conditions' slots joined by `/`: the md5 of the tested value for a subquery, `1` for another
 *   condition, empty when the condition is not part of that alternative) and `active_conditions`
 *   (which conditions hold); an update whose tags change lists the old ones in `removed_tags`;
 * - values leaving a subquery's set: `{"headers":{"event":"move-out","patterns":[{"pos","value"}]}}`,
 *   clients drop the rows no alternative keeps;
 * - values entering: a `move-in` event with the same patterns, then the rows that now match, as
 *   inserts with `is_move_in: true`.
 */

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>

export interface SubqueryContext {
  pool: pg.Pool
  evaluator: SqlPredicateEvaluator
}

/** Values that entered and left a subquery's set in one transaction. */
export interface ViewDelta {
  added: Set<string>
  removed: Set<string>
  /** The set was read again from the tables as they are now (a nested move), not from the change. */
  readCurrentRows?: boolean
}

/** One transaction applied to a subquery shape. */
export interface AppliedSubqueryTransaction {
  entries: LogEntry[]
  /** Per position, the values that entered and left its set (the equality index refiles by them). */
  setChanges: (ViewDelta | undefined)[]
  /**
   * Something was read from the tables as they are now rather than derived from the transaction
   * (move-in rows, a nested view read again). Replaying the transaction later may give other
   * entries, so a stored shape serves them only once they are on disk (`ShapeLog.holdFrom`).
   */
  readCurrentRows: boolean
}

/** A dependency view as stored on disk: its rows' keys and tested values, and its nested views. */
export interface StoredViewState {
  rows: Array<[key: string, value: string]>
  children: Array<StoredViewState | null>
}

/** Everything a subquery shape needs to continue where it was (`exportState` / `restoreState`). */
export interface StoredSubqueryState {
  views: Array<StoredViewState | null>
  /** Rows the clients hold: key, tested value per position (null for other conditions), conditions. */
  present: Array<[key: string, values: Array<string | null>, conditions: boolean[]]>
}

/** Stored state that does not fit the shape's plan (another plan, or a damaged file). */
export class SubqueryStateMismatch extends Error {}

/**
 * Bytes a subquery shape holds besides its log (views and held-row keys), estimated per entry and
 * added to the registry's meter as they change, so the memory budget sees them.
 */
export class HeldBytes {
  bytes = 0
  meter: ByteMeter | undefined

  add(delta: number): void {
    this.bytes += delta
    if (this.meter) this.meter.bytes += delta
  }
}

/** Per-entry overhead of a Map entry with its strings and objects (V8, measured roughly). */
const ENTRY_OVERHEAD_BYTES = 96

/** Thrown when the shape cannot follow a change and must be rotated (clients resync). */
export class SubqueryRotation extends Error {}

/**
 * Electric's tag slot: md5 of stack id, shape handle and the value (`v:` + text, or `NULL`), hex.
 * This server has no stack id; the handle alone keeps tags of different shapes apart.
 */
export function valueHash(handle: string, value: string | null): string {
  return createHash('md5')
    .update(`${handle}${value === null ? 'NULL' : `v:${value}`}`)
    .digest('hex')
}

/** Renders the plan as SQL, appending parameters to `values`; `valuesAt` gives each subquery's set. */
function renderPlan(
  plan: WherePlan,
  values: unknown[],
  valuesAt: (position: number) => string[],
  disjuncts = plan.disjuncts,
  /** A move-in's position: its values are the ones whose rows now match, whatever its polarity. */
  trigger?: number,
): string {
  const rendered = disjuncts.map((disjunct) => {
    const conditions = disjunct.map((index) => {
      const position = plan.positions[index]
      if (position.kind === 'row') {
        const sql = position.where.render(values.length)
        values.push(...position.where.paramValues)
        return `(${sql})`
      }
      values.push(valuesAt(index))
      const membership = `${quoteIdentifier(position.column)} = ANY($${values.length}::${position.castType}[])`
      return position.negated && index !== trigger ? `(NOT (${membership}))` : `(${membership})`
    })
    return `(${conditions.join(' AND ')})`
  })
  return rendered.join(' OR ')
}

/** Which of the plan's conditions hold for each row: `[row][position]`. */
async function evaluatePlan(
  plan: WherePlan,
  table: TableInfo,
  rows: readonly RowValues[],
  has: (position: number, value: string) => boolean,
  evaluator: SqlPredicateEvaluator,
): Promise<boolean[][]> {
  const rowPositions = plan.positions.flatMap((position, index) => (position.kind === 'row' ? [index] : []))
  const results =
    rowPositions.length > 0 && rows.length > 0
      ? await evaluator.evaluate(
          table,
          rows,
          rowPositions.map((index) => {
            const position = plan.positions[index]
            if (position.kind !== 'row') throw new Error('unreachable')
            return position.where
          }),
        )
      : []
  return rows.map((row, rowIndex) =>
    plan.positions.map((position, index) => {
      if (position.kind === 'row') return results[rowPositions.indexOf(index)][rowIndex]
      const value = row[position.column]
      return value !== null && value !== undefined && has(index, value) !== position.negated
    }),
  )
}

function isIncluded(plan: WherePlan, conditions: readonly boolean[]): boolean {
  return plan.disjuncts.some((disjunct) => disjunct.every((position) => conditions[position]))
}

/**
 * The values `SELECT column FROM table WHERE …` yields, as a count per value over the matching
 * rows (by key), so a value leaves only when its last row does. Nested subqueries of the inner
 * where clause are views of their own; when one of them moves, the rows are read again.
 */
export class DependencyView {
  private readonly valueByKey = new Map<string, string>()
  private readonly counts = new Map<string, number>()
  readonly children: (DependencyView | undefined)[]

  constructor(
    readonly dependency: SubqueryDependency,
    private readonly held: HeldBytes,
  ) {
    this.children =
      dependency.plan?.positions.map((position) =>
        position.kind === 'subquery' ? new DependencyView(position.dependency, held) : undefined,
      ) ?? []
  }

  has(value: string): boolean {
    return this.counts.has(value)
  }

  values(): string[] {
    return [...this.counts.keys()]
  }

  /** Tables this view (and its nested views) reads. */
  collectTables(into: Set<number>): void {
    into.add(this.dependency.table.oid)
    for (const child of this.children) child?.collectTables(into)
  }

  /** Reads the rows in the caller's transaction snapshot, nested views first. */
  async load(client: Queryable): Promise<void> {
    for (const child of this.children) await child?.load(client)
    for (const [key, value] of await this.query(client, true)) this.set(key, value, () => {})
  }

  /**
   * Applies one transaction's changes (nested views first) and returns the values that entered or
   * left the set. `tables` holds the transaction's changes of every table the shape reads.
   */
  async apply(tables: ReadonlyMap<number, TableChanges>, context: SubqueryContext): Promise<ViewDelta> {
    const { table, column, keyPrefix } = this.dependency
    const presentBefore = new Map<string, boolean>()
    const note = (value: string) => {
      if (!presentBefore.has(value)) presentBefore.set(value, this.counts.has(value))
    }
    let nestedMoved = false
    let readCurrentRows = false
    for (const child of this.children) {
      if (!child) continue
      const delta = await child.apply(tables, context)
      if (delta.added.size > 0 || delta.removed.size > 0) nestedMoved = true
      if (delta.readCurrentRows) readCurrentRows = true
    }
    const own = tables.get(table.oid)
    if (own?.truncated) throw new SubqueryRotation(`${table.schema}.${table.name}, read by a subquery, was truncated`)
    if (nestedMoved) {
      // Which inner rows a nested move brings in or out depends on columns the view does not
      // keep; read the set again (at least as new as this transaction).
      const fresh = await this.query(context.pool, false)
      readCurrentRows = true
      for (const [key, value] of [...this.valueByKey]) if (fresh.get(key) !== value) this.remove(key, note)
      for (const [key, value] of fresh) if (this.valueByKey.get(key) !== value) this.set(key, value, note)
    } else if (own && own.changes.length > 0) {
      const newRows = own.changes.flatMap((change) => (change.newRow ? [change.newRow] : []))
      const matching = await this.matching(newRows, context)
      const keyOf = (row: RowValues) => rowKey(keyPrefix, table.keyColumns, row)
      for (const change of own.changes) {
        const before = change.oldRow ?? change.newRow
        if (before) this.remove(keyOf(before), note)
        const row = change.newRow
        const value = row?.[column]
        if (row && matching.has(row) && value !== null && value !== undefined) this.set(keyOf(row), value, note)
      }
    }
    const delta: ViewDelta = { added: new Set(), removed: new Set(), readCurrentRows }
    for (const [value, wasPresent] of presentBefore) {
      const isPresent = this.counts.has(value)
      if (isPresent && !wasPresent) delta.added.add(value)
      if (wasPresent && !isPresent) delta.removed.add(value)
    }
    return delta
  }

  exportState(): StoredViewState {
    return { rows: [...this.valueByKey], children: this.children.map((child) => child?.exportState() ?? null) }
  }

  /** Fills an empty view (and its nested ones) from `exportState`'s output. */
  restoreState(stored: StoredViewState): void {
    if (stored.children.length !== this.children.length) {
      throw new SubqueryStateMismatch('a stored view has other nested subqueries than the shape')
    }
    this.children.forEach((child, index) => {
      const nested = stored.children[index]
      if ((child === undefined) !== (nested === null)) {
        throw new SubqueryStateMismatch('a stored view has other nested subqueries than the shape')
      }
      if (child && nested) child.restoreState(nested)
    })
    for (const [key, value] of stored.rows) this.set(key, value, () => {})
  }

  private async matching(rows: RowValues[], context: SubqueryContext): Promise<Set<RowValues>> {
    const { table, where, plan } = this.dependency
    if (!where || rows.length === 0) return new Set(rows)
    if (plan) {
      const conditions = await evaluatePlan(
        plan,
        table,
        rows,
        (position, value) => this.children[position]?.has(value) === true,
        context.evaluator,
      )
      return new Set(rows.filter((_, index) => isIncluded(plan, conditions[index])))
    }
    const [results] = await context.evaluator.evaluate(table, rows, [where])
    return new Set(rows.filter((_, index) => results[index]))
  }

  /** `live`: nested subqueries as written (in a snapshot); else against the nested views' sets. */
  private async query(client: Queryable, live: boolean): Promise<Map<string, string>> {
    const { table, column, where, plan, keyPrefix } = this.dependency
    const values: unknown[] = []
    let condition = ''
    if (where && plan && !live) {
      condition = renderPlan(plan, values, (position) => this.children[position]?.values() ?? [])
    } else if (plan) {
      condition = livePlanSql(plan, values)
    } else if (where) {
      condition = where.render(0)
      values.push(...where.paramValues)
    }
    const keyColumns = table.keyColumns
    const { rows } = await client.query<(string | null)[]>({
      text: `SELECT ${[...keyColumns, column].map(quoteIdentifier).join(', ')} FROM ${quoteTable(table)}${
        condition ? ` WHERE (\n${condition}\n)` : ''
      }`,
      values,
      rowMode: 'array',
    })
    const result = new Map<string, string>()
    for (const row of rows) {
      const value = row[keyColumns.length]
      if (value === null) continue
      const keyRow = emptyRow()
      keyColumns.forEach((name, index) => {
        keyRow[name] = row[index]
      })
      result.set(rowKey(keyPrefix, keyColumns, keyRow), value)
    }
    return result
  }

  private set(key: string, value: string, note: (value: string) => void) {
    const previous = this.valueByKey.get(key)
    if (previous === value) return
    if (previous !== undefined) this.remove(key, note)
    note(value)
    this.valueByKey.set(key, value)
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1)
    this.held.add(2 * (key.length + value.length) + ENTRY_OVERHEAD_BYTES)
  }

  private remove(key: string, note: (value: string) => void) {
    const value = this.valueByKey.get(key)
    if (value === undefined) return
    note(value)
    this.valueByKey.delete(key)
    this.held.add(-(2 * (key.length + value.length) + ENTRY_OVERHEAD_BYTES))
    const count = (this.counts.get(value) ?? 1) - 1
    if (count > 0) this.counts.set(value, count)
    else this.counts.delete(value)
  }
}

/** What the server knows of a row its clients hold: tested values and which conditions hold. */
interface PresentRow {
  /** Per position: the tested column's value for subquery conditions, null otherwise. */
  values: (string | null)[]
  conditions: boolean[]
}

/**
 * A subquery shape's views, tags and moves. It also keeps which rows its clients hold (by key),
 * so every message is relative to what they have: a move-in query reads the table after the
 * transaction that caused it, and a row it missed or already sent must still arrive exactly once
 * as an insert (the electric collection ignores updates of rows it does not have).
 */
export class SubqueryShapeState {
  readonly plan: WherePlan
  readonly views: (DependencyView | undefined)[]
  private readonly present = new Map<string, PresentRow>()
  /** Bytes of the views and held rows; `held.meter` is set by the registry. */
  readonly held = new HeldBytes()
  /** Per subquery position: tested value → keys of present rows with that value. */
  private readonly presentByValue: Map<string, Set<string>>[]
  /** Grows whenever the state may have changed, so the disk store writes it only then. */
  version = 0

  constructor(
    readonly handle: string,
    readonly definition: ShapeDefinition,
  ) {
    if (!definition.plan) throw new Error('SubqueryShapeState needs a shape with subqueries')
    this.plan = definition.plan
    this.views = this.plan.positions.map((position) =>
      position.kind === 'subquery' ? new DependencyView(position.dependency, this.held) : undefined,
    )
    this.presentByValue = this.plan.positions.map(() => new Map())
  }

  /** Rows the shape's clients hold (for tests and memory estimates). */
  get presentRowCount(): number {
    return this.present.size
  }

  private track(key: string, row: RowValues, conditions: boolean[]): PresentRow {
    this.untrack(key)
    const values = this.plan.positions.map((position) =>
      position.kind === 'subquery' ? (row[position.column] ?? null) : null,
    )
    const state = { values, conditions: [...conditions] }
    this.present.set(key, state)
    this.held.add(this.presentRowBytes(key, state))
    values.forEach((value, position) => {
      if (value === null || this.plan.positions[position].kind !== 'subquery') return
      const byValue = this.presentByValue[position]
      let keys = byValue.get(value)
      if (!keys) {
        keys = new Set()
        byValue.set(value, keys)
      }
      keys.add(key)
    })
    return state
  }

  private presentRowBytes(key: string, state: PresentRow): number {
    const values = state.values.reduce((total, value) => total + (value?.length ?? 0), 0)
    return 2 * (key.length + values) + ENTRY_OVERHEAD_BYTES * (1 + state.values.length)
  }

  private untrack(key: string): PresentRow | undefined {
    const state = this.present.get(key)
    if (!state) return undefined
    this.present.delete(key)
    this.held.add(-this.presentRowBytes(key, state))
    state.values.forEach((value, position) => {
      if (value === null) return
      const keys = this.presentByValue[position].get(value)
      keys?.delete(key)
      if (keys?.size === 0) this.presentByValue[position].delete(value)
    })
    return state
  }

  exportState(): StoredSubqueryState {
    return {
      views: this.views.map((view) => view?.exportState() ?? null),
      present: [...this.present].map(([key, state]) => [key, state.values, state.conditions]),
    }
  }

  /** Puts back what `exportState` gave (into a state that has nothing yet); checks it fits the plan. */
  restoreState(stored: StoredSubqueryState): void {
    const { positions } = this.plan
    const fits =
      stored.views.length === positions.length &&
      positions.every((position, index) => (position.kind === 'subquery') === (stored.views[index] !== null)) &&
      stored.present.every(
        ([, values, conditions]) =>
          values.length === positions.length &&
          conditions.length === positions.length &&
          isIncluded(this.plan, conditions) &&
          values.every((value, index) => value === null || positions[index].kind === 'subquery'),
      )
    if (!fits) throw new SubqueryStateMismatch('the stored subquery state does not fit the shape')
    this.views.forEach((view, index) => {
      const storedView = stored.views[index]
      if (view && storedView) view.restoreState(storedView)
    })
    for (const [key, values, conditions] of stored.present) {
      const row = emptyRow()
      positions.forEach((position, index) => {
        if (position.kind === 'subquery') row[position.column] = values[index]
      })
      this.track(key, row, conditions)
    }
  }

  /** Oids of every table the shape reads (its own and the subqueries'). */
  tables(): Set<number> {
    const tables = new Set([this.definition.table.oid])
    for (const view of this.views) view?.collectTables(tables)
    return tables
  }

  private meta(state: PresentRow): RowMeta {
    const tags = this.plan.disjuncts.map((disjunct) =>
      this.plan.positions
        .map((position, index) => {
          if (!disjunct.includes(index)) return ''
          return position.kind === 'subquery' ? valueHash(this.handle, state.values[index]) : '1'
        })
        .join('/'),
    )
    return { tags, active_conditions: [...state.conditions] }
  }

  private metaOf(row: RowValues, conditions: boolean[]): RowMeta {
    return this.meta({
      values: this.plan.positions.map((position) =>
        position.kind === 'subquery' ? (row[position.column] ?? null) : null,
      ),
      conditions,
    })
  }

  /**
   * The initial rows with their tags, and the subqueries' sets, all in one snapshot: the sets
   * then follow replication from exactly where the rows were read.
   */
  async takeSnapshot(pool: pg.Pool, chunkBytes: number): Promise<InitialSnapshot> {
    this.version++
    return inSnapshotTransaction(pool, async (client, snapshot) => {
      const chunks: string[] = []
      let current: string[] = []
      let currentBytes = 0
      if (this.definition.logMode === 'full') {
        for (const view of this.views) await view?.load(client)
        const values: unknown[] = []
        const condition = livePlanSql(this.plan, values)
        await this.readRows(client, condition, values, {}, (item, key, row, conditions) => {
          this.track(key, row, conditions)
          current.push(item)
          currentBytes += item.length + 1
          if (currentBytes >= chunkBytes) {
            chunks.push(current.join(','))
            current = []
            currentBytes = 0
          }
        })
      } else {
        for (const view of this.views) await view?.load(client)
      }
      current.push(JSON.stringify({ headers: { control: 'snapshot-end', ...snapshotMetadata(snapshot) } }))
      chunks.push(current.join(','))
      return { snapshot, chunks }
    })
  }

  /**
   * A subset snapshot of a subquery shape: the shape's clause (its subqueries as the sets are now)
   * AND the subset's, with tags and active conditions like every other row, so moves apply to
   * rows a client loaded on demand too. Such rows are shape rows, already among the held ones.
   */
  async takeSubset(pool: pg.Pool, subset: SubsetRequest): Promise<SubsetSnapshot> {
    return inSnapshotTransaction(pool, async (client, snapshot, lsn) => {
      const values: unknown[] = []
      let condition = renderPlan(this.plan, values, (position) => this.views[position]?.values() ?? [])
      if (subset.where) {
        condition = `(${condition}) AND (\n${subset.where.render(values.length)}\n)`
        values.push(...subset.where.paramValues)
      }
      let suffix = ''
      if (subset.orderBy) suffix += ` ORDER BY \n${subset.orderBy}\n`
      if (subset.limit !== undefined) suffix += ` LIMIT ${subset.limit}`
      if (subset.offset !== undefined) suffix += ` OFFSET ${subset.offset}`
      const snapshotMark = Math.floor(Math.random() * 2 ** 31)
      const items: string[] = []
      await this.readRows(
        client,
        condition,
        values,
        { snapshot_mark: snapshotMark },
        (item) => items.push(item),
        suffix,
      )
      return { metadata: { ...snapshotMetadata(snapshot), snapshot_mark: snapshotMark, database_lsn: lsn }, items }
    })
  }

  /**
   * Rows matching `condition`, as insert items with tags and active conditions (subquery
   * conditions from the views as they are now), read through a cursor in the caller's transaction.
   */
  private async readRows(
    client: pg.PoolClient,
    condition: string,
    values: unknown[],
    extraHeaders: Record<string, unknown>,
    onItem: (item: string, key: string, row: RowValues, conditions: boolean[]) => void,
    /** `ORDER BY … LIMIT … OFFSET …` after the where clause. */
    suffix = '',
  ): Promise<void> {
    const { table, selectedColumns, keyPrefix } = this.definition
    const readColumns = [...selectedColumns]
    for (const position of this.plan.positions) {
      if (position.kind === 'subquery' && !readColumns.includes(position.column)) readColumns.push(position.column)
    }
    const conditionSelects: string[] = []
    const rowPositions: number[] = []
    const conditionSql = condition
    const selectValues = [...values]
    this.plan.positions.forEach((position, index) => {
      if (position.kind !== 'row') return
      rowPositions.push(index)
      conditionSelects.push(`COALESCE((${position.where.render(selectValues.length)}), false)`)
      selectValues.push(...position.where.paramValues)
    })
    const selects = [...readColumns.map(quoteIdentifier), ...conditionSelects]
    await client.query({
      text: `DECLARE shape_rows NO SCROLL CURSOR FOR SELECT ${selects.join(', ')} FROM ${quoteTable(table)} WHERE (\n${conditionSql}\n)${suffix}`,
      values: selectValues,
    })
    for (;;) {
      const { rows } = await client.query<(string | boolean | null)[]>({
        text: `FETCH ${FETCH_ROWS} FROM shape_rows`,
        rowMode: 'array',
      })
      for (const raw of rows) {
        const row = emptyRow()
        readColumns.forEach((name, index) => {
          row[name] = raw[index] as string | null
        })
        const conditions = this.plan.positions.map((position, index) => {
          if (position.kind === 'row') {
            const text = raw[readColumns.length + rowPositions.indexOf(index)]
            return text === true || text === 't'
          }
          const value = row[position.column]
          return value !== null && value !== undefined && (this.views[index]?.has(value) === true) !== position.negated
        })
        const value = emptyRow()
        for (const name of selectedColumns) value[name] = row[name]
        const key = rowKey(keyPrefix, table.keyColumns, row)
        const meta = this.metaOf(row, conditions)
        onItem(
          JSON.stringify({
            key,
            value,
            headers: {
              operation: 'insert',
              relation: [table.schema, table.name],
              ...extraHeaders,
              tags: meta.tags,
              active_conditions: meta.active_conditions,
            },
          }),
          key,
          row,
          conditions,
        )
      }
      if (rows.length < FETCH_ROWS) break
    }
    await client.query('CLOSE shape_rows')
  }

  /**
   * One transaction for this shape: the subqueries' sets follow their tables first; the shape's
   * own changes are judged against the sets as they were before this transaction; then values
   * that left send a move-out and values that entered a move-in with the rows that now match
   * (read after the transaction committed). Throws `SubqueryRotation` when the shape must resync.
   * Returns the log entries and, per subquery position, the values that entered and left its set
   * (the equality index refiles the shape by them).
   */
  async apply(
    transaction: ReplicatedTransaction,
    tables: ReadonlyMap<number, TableChanges>,
    context: SubqueryContext,
    acceptsRelation: (relation: TableChanges['changes'][number]['relation']) => boolean,
  ): Promise<AppliedSubqueryTransaction> {
    const { table } = this.definition
    this.version++
    const deltas: (ViewDelta | undefined)[] = []
    for (const view of this.views) deltas.push(view ? await view.apply(tables, context) : undefined)
    let readCurrentRows = deltas.some((delta) => delta?.readCurrentRows === true)
    const hadBefore = (position: number, value: string) => {
      const view = this.views[position]
      const delta = deltas[position]
      if (!view || !delta) return false
      return (view.has(value) && !delta.added.has(value)) || delta.removed.has(value)
    }

    const entries: LogEntry[] = []
    const own = tables.get(table.oid)
    if (own?.truncated) throw new SubqueryRotation('table truncated')
    if (own && own.changes.length > 0) {
      if (own.changes.some((change) => !acceptsRelation(change.relation))) {
        throw new SubqueryRotation('table schema changed')
      }
      if (own.changes.some((change) => change.incompleteOldRow)) throw new SubqueryRotation(REPLICA_IDENTITY_LOST)
      const newRows = own.changes.flatMap((change) => (change.newRow ? [change.newRow] : []))
      const conditions = await evaluatePlan(this.plan, table, newRows, hadBefore, context.evaluator)
      const byRow = new Map(newRows.map((row, index) => [row, conditions[index]]))
      const keyOf = (row: RowValues) => rowKey(this.definition.keyPrefix, table.keyColumns, row)
      // In order: whether the clients hold the old row decides between insert, update and delete.
      const evaluated: EvaluatedChange[] = own.changes.map((change) => {
        const oldState = change.oldRow ? this.untrack(keyOf(change.oldRow)) : undefined
        if (!oldState && change.newRow && this.present.has(keyOf(change.newRow))) {
          // The clients already hold this row: a move-in read it after this change committed
          // (the later state), so this change is older than what they have. Later changes of
          // the row still arrive relative to what they hold; sending it again would duplicate it.
          const { kind, oldRow, newRow, opPosition } = change
          return { kind, oldRow, newRow, oldMatches: false, newMatches: false, opPosition }
        }
        const newConditions = change.newRow ? byRow.get(change.newRow) : undefined
        const newMatches = newConditions !== undefined && isIncluded(this.plan, newConditions)
        const newState =
          change.newRow && newConditions && newMatches
            ? this.track(keyOf(change.newRow), change.newRow, newConditions)
            : undefined
        return {
          kind: change.kind,
          oldRow: change.oldRow,
          newRow: change.newRow,
          oldMatches: oldState !== undefined,
          newMatches,
          opPosition: change.opPosition,
          oldMeta: oldState ? this.meta(oldState) : undefined,
          newMeta: newState ? this.meta(newState) : undefined,
        }
      })
      entries.push(...convertChanges(this.definition, transaction, evaluated))
    }

    // Move messages come after every change of the transaction (op positions are 2 per change).
    let op = 2 * transaction.changes.length
    const append = (json: string) => entries.push({ offset: { tx: transaction.commitLsn, op: op++ }, json })
    const patterns = (position: number, values: Iterable<string>) =>
      [...values].map((value) => ({ pos: position, value: valueHash(this.handle, value) }))
    // A value entering a set moves rows in, leaving moves them out; NOT IN the other way round.
    const moves = deltas.map((delta, position) => {
      const subquery = this.plan.positions[position]
      if (!delta || subquery.kind !== 'subquery') return { out: new Set<string>(), in: new Set<string>() }
      return subquery.negated ? { out: delta.added, in: delta.removed } : { out: delta.removed, in: delta.added }
    })
    moves.forEach((move, position) => {
      if (move.out.size === 0) return
      append(JSON.stringify({ headers: { event: 'move-out', patterns: patterns(position, move.out) } }))
      // What clients do on a move-out: the condition turns off; rows no alternative keeps go.
      for (const value of move.out) {
        for (const key of [...(this.presentByValue[position].get(value) ?? [])]) {
          const state = this.present.get(key) as PresentRow
          state.conditions[position] = false
          if (!isIncluded(this.plan, state.conditions)) this.untrack(key)
        }
      }
    })
    for (const [position, move] of moves.entries()) {
      if (move.in.size === 0) continue
      append(JSON.stringify({ headers: { event: 'move-in', patterns: patterns(position, move.in) } }))
      // Clients turn the condition back on for rows they hold; those are not sent again.
      for (const value of move.in) {
        for (const key of this.presentByValue[position].get(value) ?? []) {
          ;(this.present.get(key) as PresentRow).conditions[position] = true
        }
      }
      if (this.definition.logMode !== 'full') continue
      readCurrentRows = true
      const moved = [...move.in]
      await inSnapshotTransaction(context.pool, async (client) => {
        const values: unknown[] = []
        // The alternatives this condition is part of, with it restricted to the moved values.
        const disjuncts = this.plan.disjuncts.filter((disjunct) => disjunct.includes(position))
        const condition = renderPlan(
          this.plan,
          values,
          (index) => (index === position ? moved : (this.views[index]?.values() ?? [])),
          disjuncts,
          position,
        )
        await this.readRows(client, condition, values, { is_move_in: true }, (item, key, row, conditions) => {
          if (this.present.has(key)) return
          this.track(key, row, conditions)
          append(item)
        })
      })
    }
    return { entries, setChanges: deltas, readCurrentRows }
  }
}
