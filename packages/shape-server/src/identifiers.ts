/** Postgres identifier rules for the `table` and `columns` request parameters. */

export interface QualifiedTableName {
  schema: string
  name: string
}

const MAX_IDENTIFIER_BYTES = 63
const UNQUOTED_IDENTIFIER = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*$/

export class IdentifierError extends Error {}

/**
 * Splits `text` on `separator` outside double quotes and parses each part as one identifier:
 * unquoted parts are down-cased, quoted parts keep their case with `""` meaning one quote.
 */
export function parseIdentifierList(text: string, separator: string): string[] {
  const identifiers: string[] = []
  let index = 0
  for (;;) {
    while (text[index] === ' ') index++
    let identifier: string
    if (text[index] === '"') {
      let value = ''
      index++
      for (;;) {
        if (index >= text.length) throw new IdentifierError(`Invalid identifier: unterminated quote in ${text}`)
        if (text[index] === '"') {
          if (text[index + 1] === '"') {
            value += '"'
            index += 2
            continue
          }
          index++
          break
        }
        value += text[index++]
      }
      if (value === '') throw new IdentifierError(`Invalid zero-length delimited identifier in ${text}`)
      identifier = value
    } else {
      let end = index
      while (end < text.length && text[end] !== separator) end++
      const raw = text.slice(index, end).trimEnd()
      if (!UNQUOTED_IDENTIFIER.test(raw)) {
        throw new IdentifierError(
          raw === ''
            ? `Invalid empty identifier in ${text}`
            : `Invalid unquoted identifier contained special characters: ${raw}`,
        )
      }
      identifier = raw.toLowerCase()
      index = end
    }
    if (Buffer.byteLength(identifier) > MAX_IDENTIFIER_BYTES) {
      throw new IdentifierError(`Identifier ${identifier} is longer than ${MAX_IDENTIFIER_BYTES} bytes`)
    }
    identifiers.push(identifier)
    while (text[index] === ' ') index++
    if (index >= text.length) return identifiers
    if (text[index] !== separator) throw new IdentifierError(`Unexpected character ${text[index]} in ${text}`)
    index++
  }
}

export function parseTableName(text: string): QualifiedTableName {
  const parts = parseIdentifierList(text, '.')
  if (parts.length === 1) return { schema: 'public', name: parts[0] }
  if (parts.length === 2) return { schema: parts[0], name: parts[1] }
  throw new IdentifierError(`Invalid table name ${text}: expected name or schema.name`)
}

export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`
}

export function quoteTable(table: QualifiedTableName): string {
  return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`
}

export function describeTable(table: QualifiedTableName): string {
  return `"${table.schema}"."${table.name}"`
}
