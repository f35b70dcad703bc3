import { type Canonicalizer, compileRowMatcher, type EqualityKey } from './row-predicate.ts'
import type { WherePlan } from './subquery-plan.ts'
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
