/**
 * Postgres `text` and `jsonb` cannot hold U+0000, and an unpaired UTF-16 surrogate has no UTF-8
 * form. Both are replaced by U+FFFD (the same choice as the app's writes, see
 * src/domain/storable-text.ts) so the spot stays visible; every replacement is reported with the
 * path of the field it was found in.
 */
import { NUL_REPLACEMENT } from '~/domain/storable-text'

export type TextRepairKind = 'nul-replaced' | 'invalid-surrogate-replaced'

export interface TextRepair {
  kind: TextRepairKind
  /** e.g. `content`, `evidence[0].snippet`, `arguments.<key>` */
  path: string
}

const NUL = '\u0000'
const ANY_SURROGATE = /[\uD800-\uDFFF]/
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function repairString(value: string, path: string, repairs: TextRepair[]): string {
  let repaired = value
  if (repaired.includes(NUL)) {
    repaired = repaired.replaceAll(NUL, NUL_REPLACEMENT)
    repairs.push({ kind: 'nul-replaced', path })
  }
  UNPAIRED_SURROGATE.lastIndex = 0
  // The cheap class test first: most text has no surrogates at all.
  if (ANY_SURROGATE.test(repaired) && UNPAIRED_SURROGATE.test(repaired)) {
    repaired = repaired.replace(UNPAIRED_SURROGATE, '\uFFFD')
    repairs.push({ kind: 'invalid-surrogate-replaced', path })
  }
  return repaired
}

const childPath = (parent: string, key: string) => (parent ? `${parent}.${key}` : key)

/**
 * Returns the value with every string (object keys included) made storable. Unchanged values are
 * returned as the same object, so clean records cost one scan and no copy.
 */
export function repairText<T>(value: T, repairs: TextRepair[], path = ''): T {
  if (typeof value === 'string') return repairString(value, path || '(value)', repairs) as T
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    value.forEach((item, index) => {
      const repaired = repairText(item, repairs, `${path}[${index}]`)
      if (repaired !== item) {
        copy ??= [...value]
        copy[index] = repaired
      }
    })
    return (copy ?? value) as T
  }
  if (value !== null && typeof value === 'object') {
    let changed = false
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
      const repairedKey = repairString(key, `${childPath(path, key)} (key)`, repairs)
      const repaired = repairText(item, repairs, childPath(path, key))
      if (repaired !== item || repairedKey !== key) changed = true
      return [repairedKey, repaired] as const
    })
    // fromEntries defines own properties, so a key such as `__proto__` stays data, never a prototype.
    return (changed ? Object.fromEntries(entries) : value) as T
  }
  return value
}
