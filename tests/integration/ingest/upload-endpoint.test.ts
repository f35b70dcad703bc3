import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { downloadRawLog } from '../../../src/server/ingest/raw-download'
import { uploadSessionLog } from '../../../src/server/ingest/upload'
import { databaseForThisFile } from '../../helpers/database'
import {
  CODEX_SMALL,
  CODEX_SYNTHETIC,
  chunked,
  createAccount,
  eventStats,
  fixtureBytes,
  sessionsOf,
} from '../../helpers/ingest'

const testDb = databaseForThisFile()

function upload(accountId: string, bytes: Uint8Array, fileName = 'rollout.jsonl', maxBytes = 10 * 1024 * 1024) {
  const body = Readable.toWeb(Readable.from(chunked(bytes))) as ReadableStream<Uint8Array>
  return uploadSessionLog(testDb.db, { accountId, fileName, body, maxBytes })
}

describe('POST /api/uploads (handler)', () => {
  it('answers 201 with the session, its event count and error lines after the commit', async () => {
    const account = await createAccount(testDb.db)
    const response = await upload(account.id, fixtureBytes(CODEX_SYNTHETIC), 'acme/synthetic-acme-api.jsonl')
    expect(response.status).toBe(201)
    const body = (await response.json()) as { sessionId: string; eventCount: number; errorLines: number }
    const [session] = await sessionsOf(testDb.db, account.id)
    expect(body.sessionId).toBe(session.id)
    expect(body.eventCount).toBe(session.eventCount)
    expect(body.eventCount).toBeGreaterThan(10)
    expect(body.errorLines).toBe(session.errorLineCount)
    expect(session.originalName).toBe('synthetic-acme-api.jsonl')
    expect(session.status).toBe('complete')
  })

  it('answers 4xx with a message for each kind of bad input, and stores nothing', async () => {
    const account = await createAccount(testDb.db)
    const cases: [Uint8Array, number, RegExp, number?][] = [
      [Buffer.alloc(0), 400, /empty/],
      [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), 415, /gzip archive/],
      [Buffer.from('caf\u00e9 '.repeat(100), 'latin1'), 415, /not UTF-8/],
      [Buffer.from('{"type":"session_meta","payload":\nnope\n'), 422, /could not be read.*Nothing was stored/],
      [fixtureBytes(CODEX_SYNTHETIC), 413, /larger than the .* upload limit \(UPLOAD_MAX_BYTES\)/, 30_000],
    ]
    for (const [bytes, status, message, limit] of cases) {
      const response = await upload(account.id, bytes, 'rollout-x.jsonl', limit)
      expect(response.status, String(message)).toBe(status)
      expect(((await response.json()) as { message: string }).message).toMatch(message)
    }
    expect(await sessionsOf(testDb.db, account.id)).toHaveLength(0)
  })

  it('keeps serving good uploads while bad ones fail at the same time', async () => {
    const account = await createAccount(testDb.db)
    const good = fixtureBytes(CODEX_SYNTHETIC)
    // A body that breaks off halfway, as when a browser tab is closed mid-upload.
    const brokenBody = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(good.subarray(0, good.length / 2))
        controller.error(new Error('connection reset by peer'))
      },
    })
    const [fine, binary, overLimit, broken, alsoFine] = await Promise.all([
      upload(account.id, good, 'first.jsonl'),
      upload(account.id, Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7) % 256))),
      upload(account.id, fixtureBytes(CODEX_SMALL), 'too-big.jsonl', 8_000),
      uploadSessionLog(testDb.db, { accountId: account.id, fileName: 'broken.jsonl', body: brokenBody, maxBytes: 1e7 }),
      upload(account.id, good, 'second.jsonl'),
    ])
    expect([fine.status, binary.status, overLimit.status, alsoFine.status]).toEqual([201, 415, 413, 201])
    expect(broken.status).toBe(500)
    expect(((await broken.json()) as { message: string }).message).toMatch(/Nothing was kept; try again/)
    // The two good uploads are one log: one session, complete, with every event once.
    const stored = await sessionsOf(testDb.db, account.id)
    expect(stored).toHaveLength(1)
    expect(stored[0].status).toBe('complete')
    expect((await eventStats(testDb.db, stored[0].id)).n).toBe(stored[0].eventCount)
  })

  it('answers an upload abandoned by its client quietly, and keeps nothing of it', async () => {
    const account = await createAccount(testDb.db)
    const good = fixtureBytes(CODEX_SYNTHETIC)
    const client = new AbortController()
    const droppedBody = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(good.subarray(0, good.length / 2))
        client.abort()
        controller.error(new Error('aborted'))
      },
    })
    const response = await uploadSessionLog(testDb.db, {
      accountId: account.id,
      fileName: 'dropped.jsonl',
      body: droppedBody,
      maxBytes: 1e7,
      signal: client.signal,
    })
    expect(response.status).toBe(499)
    expect(await sessionsOf(testDb.db, account.id)).toHaveLength(0)
  })
})

describe('GET /api/sessions/<id>/raw (handler)', () => {
  it('gives the owner the uploaded bytes and anyone else a 404', async () => {
    const [owner, stranger] = [await createAccount(testDb.db), await createAccount(testDb.db)]
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    const { sessionId } = (await (await upload(owner.id, bytes, 'synthetic.jsonl')).json()) as { sessionId: string }

    const response = await downloadRawLog(testDb.db, owner.id, sessionId)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-disposition')).toContain('synthetic.jsonl')
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true)

    expect((await downloadRawLog(testDb.db, stranger.id, sessionId)).status).toBe(404)
    expect((await downloadRawLog(testDb.db, owner.id, 'not-a-uuid')).status).toBe(404)
  })
})
