/** Broken inputs abort with the file and position named, and leave no trace: no rows, no backup. */
import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LegacyFileError } from '../../read-json-array'
import {
  copyOf,
  countRows,
  importInto,
  type LegacyTestDatabase,
  MALFORMED_FIXTURES,
  openTestDatabase,
  removeTemporaryDirs,
  SAMPLE_LEGACY_DATA,
} from './legacy-test-helpers'

const NOTHING = { sessions: 0, threads: 0, messages: 0, tool_events: 0, imports: 0 }

afterAll(removeTemporaryDirs)
describe('malformed legacy files', () => {
  let db: LegacyTestDatabase
  beforeAll(async () => {
    db = await openTestDatabase()
  })
  afterAll(async () => {
    await db.close()
  })

  /** For the tests that follow an import: every account goes, and with it every imported row. */
  async function startEmpty() {
    await db.sql`truncate accounts cascade`
  }

  async function expectNothingWritten(dataDir: string, filesBefore: string[]) {
    expect(await countRows(db.sql)).toEqual(NOTHING)
    expect(await db.sql`select id from accounts`).toEqual([])
    expect(readdirSync(dataDir).sort()).toEqual(filesBefore)
  }

  it('truncated JSON: aborts naming the file, line and column', async () => {
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    const text = readFileSync(join(dataDir, 'chat-messages.json'), 'utf8')
    writeFileSync(join(dataDir, 'chat-messages.json'), text.slice(0, 3000))
    const before = readdirSync(dataDir).sort()
    const error = await importInto(db, { dataDir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LegacyFileError)
    expect((error as Error).message).toMatch(/^chat-messages\.json is not valid JSON: .* at line 76, column \d+\.$/)
    await expectNothingWritten(dataDir, before)
  })

  it('a top level that is not an array: aborts and says what it is', async () => {
    const dataDir = copyOf(join(MALFORMED_FIXTURES, 'not-an-array'))
    const before = readdirSync(dataDir).sort()
    await expect(importInto(db, { dataDir })).rejects.toThrow(
      /chat-threads\.json must contain a JSON array .* top level is an object/,
    )
    await expectNothingWritten(dataDir, before)
  })

  it('records missing fields: lists each with file, index, id and reason, and writes nothing', async () => {
    const dataDir = copyOf(join(MALFORMED_FIXTURES, 'missing-fields'))
    const before = readdirSync(dataDir).sort()
    const result = await importInto(db, { dataDir })
    expect(result.status).toBe('invalid-records')
    if (result.status !== 'invalid-records') return
    expect(result.report.invalid).toEqual([
      {
        file: 'chat-messages.json',
        index: 1,
        id: 'chat_00000000-0000-4000-a000-000000000002',
        reason: expect.stringMatching(/role.*createdAt|createdAt.*role/),
      },
      {
        file: 'chat-messages.json',
        index: 2,
        id: 'chat_00000000-0000-4000-a000-000000000003',
        reason: expect.stringMatching(/^mode /),
      },
    ])
    await expectNothingWritten(dataDir, before)
  })

  it('--skip-invalid: imports the valid records, reports the skipped ones and the missing file', async () => {
    const dataDir = copyOf(join(MALFORMED_FIXTURES, 'missing-fields'))
    const result = await importInto(db, { dataDir, skipInvalid: true })
    expect(result.status).toBe('imported')
    if (result.status !== 'imported') return
    expect(result.report.files.messages).toMatchObject({ read: 4, imported: 2, skipped: { invalid: 2 } })
    expect(result.report.files.toolEvents).toMatchObject({ missing: true, read: 0, imported: 0 })
    const messages = await db.sql`select id, seq from chat_messages order by seq`
    expect(messages.map((m) => [m.id, Number(m.seq)])).toEqual([
      ['chat_00000000-0000-4000-a000-000000000001', 1],
      ['chat_00000000-0000-4000-a000-000000000004', 2],
    ])
    const [thread] = await db.sql`select message_count from chat_threads`
    expect(thread.message_count).toBe(2)
  })

  it('bytes that are not UTF-8: imported as U+FFFD and reported as a fix of that record', async () => {
    await startEmpty()
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    const path = join(dataDir, 'chat-messages.json')
    const bytes = readFileSync(path)
    const messages: { id?: string; content?: string }[] = JSON.parse(bytes.toString('utf8'))
    const index = messages.findIndex((m) => m.id && m.content)
    const first = messages[index]
    const at = bytes.indexOf('"content": "', bytes.indexOf(`"id": "${first.id}"`)) + '"content": "'.length
    writeFileSync(
      path,
      Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), bytes.subarray(at)]),
    )
    const result = await importInto(db, { dataDir })
    expect(result.status).toBe('imported')
    if (result.status !== 'imported') return
    expect(result.report.fixes).toContainEqual({
      kind: 'invalid-utf8-replaced',
      file: 'chat-messages.json',
      index,
      id: first.id,
      detail: `3 byte sequences not valid UTF-8, the first at byte ${at} of the file`,
    })
    expect(result.report.files.messages.fixes['invalid-utf8-replaced']).toBe(1)
    const [stored] = await db.sql`select content from chat_messages where id = ${first.id as string}`
    expect(stored.content).toBe(`\uFFFD\uFFFD\uFFFD(${first.content}`)
  })

  it('nesting deeper than the bound: the record is invalid, named by file, index and id (no stack overflow)', async () => {
    await startEmpty()
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    const path = join(dataDir, 'chat-tool-events.json')
    const text = readFileSync(path, 'utf8')
    const [first] = JSON.parse(text)
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    writeFileSync(path, text.replace('"limit": 10', `"limit": ${deep}`))
    const before = readdirSync(dataDir).sort()
    const result = await importInto(db, { dataDir })
    expect(result.status).toBe('invalid-records')
    if (result.status !== 'invalid-records') return
    expect(result.report.invalid).toEqual([
      {
        file: 'chat-tool-events.json',
        index: 0,
        id: first.id,
        reason: '(record) is nested 100002 levels deep; the import accepts at most 64 levels',
      },
    ])
    await expectNothingWritten(dataDir, before)
  })

  it('a symbolic link to /dev/zero in place of a file: refused at once, nothing written', async () => {
    await startEmpty()
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    rmSync(join(dataDir, 'chat-threads.json'))
    symlinkSync('/dev/zero', join(dataDir, 'chat-threads.json'))
    const before = readdirSync(dataDir).sort()
    const error = await importInto(db, { dataDir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LegacyFileError)
    expect((error as Error).message).toMatch(
      /chat-threads\.json is not a regular file \(it is a symbolic link to a character device\)/,
    )
    await expectNothingWritten(dataDir, before)
  })
})
