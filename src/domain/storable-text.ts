/**
 * Postgres `text` and `jsonb` cannot hold U+0000. Rather than fail a write (or silently drop the
 * character), every NUL is replaced by U+FFFD REPLACEMENT CHARACTER, so the position of the
 * damage stays visible to the reader. Everything else is stored unchanged.
 */
export const NUL_REPLACEMENT = '\uFFFD'

export function hasNul(value: string) {
  return value.includes('\u0000')
}

export function toStorableText(value: string): string
export function toStorableText(value: string | null | undefined): string | null | undefined
export function toStorableText(value: string | null | undefined) {
  return typeof value === 'string' && hasNul(value) ? value.replaceAll('\u0000', NUL_REPLACEMENT) : value
}

/** Deep copy of a JSON value with NULs replaced in every string, keys included. */
export function toStorableJson<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T
  if (Array.isArray(value)) return value.map((item) => toStorableJson(item)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[toStorableText(key)] = toStorableJson(item)
    return out as T
  }
  return value
}

/**
 * Input as it arrives at a boundary, with NULs replaced in every string of its plain objects and
 * arrays (keys included). Anything else (dates, maps, class instances) is passed through as is.
 */
export function withStorableStrings<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T
  if (Array.isArray(value)) return value.map((item) => withStorableStrings(item)) as T
  if (value && typeof value === 'object' && isPlainObject(value)) {
    // fromEntries defines own properties, so a `__proto__` key stays data and never a prototype.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [toStorableText(key), withStorableStrings(item)]),
    ) as T
  }
  return value
}

function isPlainObject(value: object) {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}
