import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const SYNTHETIC = fileURLToPath(
  new URL('../../tests/fixtures/agent-logs/codex/synthetic-acme-api.jsonl', import.meta.url),
)
const SYNTHETIC_ID = '019c38dc-6da6-70c2-b8bb-e2544936759c'

/**
 * The synthetic Codex rollout under a session id of its own, so every run makes a new session.
 * `firstLines` keeps only the start of the log; the same `id` with more lines is the same session,
 * grown (what a live session looks like to the app).
 */
export function uniqueRollout({ id = randomUUID(), firstLines }: { id?: string; firstLines?: number } = {}) {
  let text = readFileSync(SYNTHETIC, 'utf8').replaceAll(SYNTHETIC_ID, id)
  if (firstLines !== undefined) text = `${text.split('\n').slice(0, firstLines).join('\n')}\n`
  const part = firstLines === undefined ? '' : `-first-${firstLines}`
  return { id, name: `rollout-e2e-${id}${part}.jsonl`, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) }
}
