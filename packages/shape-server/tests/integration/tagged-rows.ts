import type { Message, Row } from '@electric-sql/client'

/**
 * What a client following a subquery shape holds: rows with their tags and active conditions,
 * moved out by `move-out` events and back in by `move-in`, as the electric collection does it (the plain `Shape` of
 * `@electric-sql/client` does not act on move events).
 */

export type ChangeMessage = Extract<Message<Row>, { key: string }>
export type EventMessage = {
  headers: { event: 'move-in' | 'move-out'; patterns: { pos: number; value: string }[] }
}

export function events(messages: Message<Row>[]): EventMessage[] {
  return messages.filter((message) => 'event' in message.headers) as unknown as EventMessage[]
}

export type TaggedRow = { value: Row; tags: string[]; active: boolean[] }

/**
 * Rows as a client following tags sees them (the electric collection's rule): a move-out turns
 * off the condition at the pattern's position for the rows whose tags carry that value, a move-in
 * turns it back on; a row stays while one of its alternatives (the positions its tag fills) has
 * all conditions on.
 */
export function materialise(messages: Message<Row>[]): Map<string, TaggedRow> {
  const rows = new Map<string, TaggedRow>()
  for (const message of messages) {
    if ('key' in message) {
      const change = message as ChangeMessage
      if (change.headers.operation === 'delete') {
        rows.delete(change.key)
        continue
      }
      const previous = rows.get(change.key)
      const removed = (change.headers.removed_tags as string[] | undefined) ?? []
      const tags = [
        ...(previous?.tags ?? []).filter((tag) => !removed.includes(tag)),
        ...((change.headers.tags as string[] | undefined) ?? []),
      ]
      rows.set(change.key, {
        value: { ...previous?.value, ...change.value },
        tags: [...new Set(tags)],
        active: (change.headers.active_conditions as boolean[] | undefined) ?? previous?.active ?? [],
      })
      continue
    }
    const event = (message.headers as { event?: string }).event
    if (event !== 'move-out' && event !== 'move-in') continue
    const { patterns } = (message as unknown as EventMessage).headers
    for (const [key, row] of rows) {
      const matches = (tag: string) => patterns.some((pattern) => tag.split('/')[pattern.pos] === pattern.value)
      if (row.active.length === 0) {
        // Tags without active conditions (older servers): a row goes with its last tag.
        if (event === 'move-in') continue
        row.tags = row.tags.filter((tag) => !matches(tag))
        if (row.tags.length === 0) rows.delete(key)
        continue
      }
      for (const pattern of patterns) {
        if (row.tags.some((tag) => tag.split('/')[pattern.pos] === pattern.value)) {
          row.active[pattern.pos] = event === 'move-in'
        }
      }
      const visible = row.tags.some((tag) =>
        tag.split('/').every((slot, position) => slot === '' || row.active[position]),
      )
      if (!visible) rows.delete(key)
    }
  }
  return rows
}

export function ids(rows: Map<string, { value: Row }>): number[] {
  return [...rows.values()].map((row) => Number(row.value.id)).sort((a, b) => a - b)
}
