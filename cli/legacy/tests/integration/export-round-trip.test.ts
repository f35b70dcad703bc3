/**
 * Import → export reproduces every record of the sample files, except the fixes the import
 * reported: each differing field must be explained by a reported fix, and each fix must show.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FixKind, ImportReport } from '../../import-report'
import { ExportSetupError, exportLegacyData } from '../../legacy-exporter'
import { LEGACY_FILE_NAMES, LEGACY_KINDS, type LegacyKind } from '../../legacy-files'
import {
  copyOf,
  emptyDir,
  importInto,
  type LegacyTestDatabase,
  openTestDatabase,
  readJson,
  removeTemporaryDirs,
  SAMPLE_LEGACY_DATA,
} from './legacy-test-helpers'

type LegacyRecord = Record<string, unknown> & { id?: string }

/** The fields each documented fix may change in the exported record. */
const FIELDS_CHANGED_BY: Partial<Record<FixKind, string[]>> = {
  'thread-assigned': ['threadId'],
  'thread-archived': ['status'],
  'thread-counters-recomputed': ['messageCount', 'lastMessagePreview', 'lastMessageAt'],
  'nul-replaced': ['content'],
}

afterAll(removeTemporaryDirs)
describe('export:legacy after importing the sample files', () => {
  let db: LegacyTestDatabase
  let report: ImportReport
  let outDir: string
  const input = Object.fromEntries(
    LEGACY_KINDS.map((kind) => [kind, readJson(join(SAMPLE_LEGACY_DATA, LEGACY_FILE_NAMES[kind])) as LegacyRecord[]]),
  ) as Record<LegacyKind, LegacyRecord[]>

  beforeAll(async () => {
    db = await openTestDatabase()
    const imported = await importInto(db, { dataDir: copyOf(SAMPLE_LEGACY_DATA) })
    if (imported.status !== 'imported') throw new Error(`import ended with ${imported.status}`)
    report = imported.report
    outDir = emptyDir()
    await exportLegacyData(db.client.db, { outDir, overwrite: false })
  })
  afterAll(async () => {
    await db.close()
  })

  it.each(LEGACY_KINDS)('writes %s in the original format: sorted by id, 2-space JSON, no trailing newline', (kind) => {
    const text = readFileSync(join(outDir, LEGACY_FILE_NAMES[kind]), 'utf8')
    const records: LegacyRecord[] = JSON.parse(text)
    expect(text).toBe(JSON.stringify(records, null, 2))
    const ids = records.map((r) => String(r.id))
    expect(ids).toEqual([...ids].sort())
  })

  it.each(LEGACY_KINDS)('reproduces every %s record except the reported fixes', (kind) => {
    const exported: LegacyRecord[] = readJson(join(outDir, LEGACY_FILE_NAMES[kind]))
    const firstById = new Map<string, LegacyRecord>()
    for (const record of input[kind]) if (record.id && !firstById.has(record.id)) firstById.set(record.id, record)
    expect(exported.map((r) => r.id)).toEqual([...firstById.keys()].sort())

    const fixes = report.fixes.filter((fix) => fix.file === LEGACY_FILE_NAMES[kind])
    for (const record of exported) {
      const original = firstById.get(String(record.id)) as LegacyRecord
      const expected = { ...original }
      for (const fix of fixes.filter((f) => f.id === record.id)) {
        const fields = FIELDS_CHANGED_BY[fix.kind]
        expect(fields, `fix ${fix.kind} is not expected in the sample files`).toBeDefined()
        const changed = (fields ?? []).filter(
          (field) => JSON.stringify(record[field]) !== JSON.stringify(original[field]),
        )
        expect(changed.length, `${fix.kind} on ${record.id} changed nothing`).toBeGreaterThan(0)
        for (const field of changed) expected[field] = record[field]
      }
      expect(record, String(record.id)).toEqual(expected)
    }
  })

  it('exports the documented replacement for NUL, not the character', () => {
    const nul = readFileSync(join(outDir, 'chat-messages.json'), 'utf8')
    expect(nul).not.toContain('\\u0000')
    expect(nul).toContain('before\uFFFDafter')
  })

  it('gives back files that import again into an equal database without any fix or skip', async () => {
    const second = await openTestDatabase()
    try {
      const again = await importInto(second, { dataDir: copyOf(outDir) })
      expect(again.status).toBe('imported')
      if (again.status !== 'imported') return
      expect(again.report.fixes).toEqual([])
      expect(again.report.skips).toEqual([])
      const rows = (sql: LegacyTestDatabase['sql']) =>
        sql`select m.id, m.thread_id, m.seq, m.content, t.status, t.message_count, s.source_key
            from chat_messages m join chat_threads t on t.id = m.thread_id join sessions s on s.id = m.session_id
            order by m.id`
      expect(await rows(second.sql)).toEqual(await rows(db.sql))
    } finally {
      await second.close()
    }
  })

  it('refuses to overwrite existing files unless told to', async () => {
    await expect(exportLegacyData(db.client.db, { outDir, overwrite: false })).rejects.toThrow(ExportSetupError)
    await expect(exportLegacyData(db.client.db, { outDir, overwrite: true })).resolves.toMatchObject({
      records: { threads: 9, messages: 43, toolEvents: 8 },
    })
  })
})
