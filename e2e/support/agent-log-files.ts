import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const SYNTHETIC = fileURLToPath(
  new URL('../../tests/fixtures/agent-logs/codex/synthetic-acme-api.jsonl', import.meta.url),
)
const SYNTHETIC_ID = '019c38dc-6da6-70c2-b8bb-e2544936759c'

/** The synthetic Codex rollout under a session id of its own, so every run makes a new session. */
export function uniqueRollout() {
  const id = randomUUID()
  const text = readFileSync(SYNTHETIC, 'utf8').replaceAll(SYNTHETIC_ID, id)
  return { name: `rollout-e2e-${id}.jsonl`, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) }
}
