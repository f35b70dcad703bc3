import { type Canonicalizer, compileRowMatcher, type EqualityKey } from './row-predicate.ts'
import type { SubqueryDependency, WherePlan } from './subquery-plan.ts'
import type { TableInfo } from './table-catalog.ts'

/**
 * What a subquery shape is filed under in its table's equality index (table-shapes.ts):
 *
 * - `equality`: a condition every alternative of the clause requires implies `column = value`
 *   (or `IN (values)`), as for shapes without subqueries. Its values never change;
 * - `subquery`: every alternative requires `column IN (SELECT …)` (not negated): a row whose
 *   `column` is not in that subquery's set cannot match, and no row the clients hold has such a
 *   value (a value leaving the set moves its rows out). The shape is filed under the set's current
 *   values, which follow the set's move-ins and move-outs.
 *
 * Without either (`NOT IN`, whose rows are those *outside* a set; an OR whose alternatives do
 * not all require the same condition) a row can match whatever its values, so the shape sees
 * every change of its table.
 */
export type SubqueryIndexKey =
  | { kind: 'equality'; key: EqualityKey }
  | { kind: 'subquery'; position: number; column: string }

/**
 * The key for a plan. An equality wins over a subquery: it needs no bookkeeping when sets move,
 * and the scope conditions apps put next to a subquery (`session_id = $1`) name one value where a
 * set may hold many. Among equalities, the one with the fewest values.
 */
export async function subqueryIndexKey(
  plan: WherePlan,
  table: TableInfo,
  canonicalize: Canonicalizer,
): Promise<SubqueryIndexKey | undefined> {
  const required = plan.positions
    .map((_, index) => index)
    .filter((index) => plan.disjuncts.every((disjunct) => disjunct.includes(index)))
  let equality: EqualityKey | undefined
  for (const index of required) {
    const position = plan.positions[index]
    if (position.kind !== 'row') continue
    const key = (await compileRowMatcher(position.where, table, canonicalize))?.equality
    if (key && (!equality || key.values.length < equality.values.length)) equality = key
  }
  if (equality) return { kind: 'equality', key: equality }
  for (const index of required) {
    const position = plan.positions[index]
    if (position.kind === 'subquery' && !position.negated) {
      return { kind: 'subquery', position: index, column: position.column }
    }
  }
  return undefined
}

/**
 * Per table the shape's subqueries read: the equality every row its set is made of satisfies, when
 * exactly one subquery reads that table and its `WHERE` (without subqueries of its own) implies
 * one (`owner = $1` in `project_id IN (SELECT id FROM projects WHERE owner = $1)`). A change of
 * that table whose old and new rows both fail it can neither enter nor leave the set (a row leaves
 * only if its old image was in it), so the shape need not see it. Other tables read by subqueries
 * (no such equality, several subqueries, a nested subquery whose moves re-read the rows) are not
 * in the map: every change of them reaches the shape.
 */
export async function innerIndexKeys(plan: WherePlan, canonicalize: Canonicalizer): Promise<Map<number, EqualityKey>> {
  const readers = new Map<number, SubqueryDependency[]>()
  const collect = (current: WherePlan) => {
    for (const position of current.positions) {
      if (position.kind !== 'subquery') continue
      const { dependency } = position
      readers.set(dependency.table.oid, [...(readers.get(dependency.table.oid) ?? []), dependency])
      if (dependency.plan) collect(dependency.plan)
    }
  }
  collect(plan)
  const keys = new Map<number, EqualityKey>()
  for (const [oid, dependencies] of readers) {
    const [dependency] = dependencies
    if (dependencies.length !== 1 || !dependency.where || dependency.plan) continue
    const key = (await compileRowMatcher(dependency.where, dependency.table, canonicalize))?.equality
    if (key) keys.set(oid, key)
  }
  return keys
}
