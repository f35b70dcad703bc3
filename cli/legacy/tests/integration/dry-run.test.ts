/** --dry-run reads and reports everything, and writes nothing: no rows, no owner, no backup. */
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importExitCode } from '../../format-import-report'
import { importLegacyData } from '../../legacy-importer'
import {
  copyOf,
  countRows,
  importInto,
  type LegacyTestDatabase,
  openTestDatabase,
  readJson,
  removeTemporaryDirs,
  SAMPLE_LEGACY_DATA,
  snapshotDatabase,
} from './legacy-test-helpers'

afterAll(removeTemporaryDirs)
describe('--dry-run', () => {
  let db: LegacyTestDatabase
  beforeAll(async () => {
    db = await openTestDatabase()
  })
  afterAll(async () => {
    await db.close()
  })

  it('on an empty database: prints the report a real run would print, and writes nothing at all', async () => {
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    const before = readdirSync(dataDir).sort()
    const dry = await importInto(db, { dataDir, dryRun: true })
    expect(dry.status).toBe('dry-run')
    if (dry.status !== 'dry-run') return
    expect(dry.wouldStop).toBeUndefined()
    expect(await countRows(db.sql)).toEqual({ sessions: 0, threads: 0, messages: 0, tool_events: 0, imports: 0 })
    expect(await db.sql`select id from users`).toEqual([])
    expect(readdirSync(dataDir).sort()).toEqual(before)

    const real = await importInto(db, { dataDir })
    expect(real.status).toBe('imported')
    if (real.status !== 'imported') return
    expect(dry.report.files).toEqual(real.report.files)
    expect(dry.report.fixes).toEqual(real.report.fixes)
    expect(dry.report.skips).toEqual(real.report.skips)
  })

  it('without a database: plans against an empty one and says so', async () => {
    const result = await importLegacyData(
      { dataDir: copyOf(SAMPLE_LEGACY_DATA), dryRun: true, skipInvalid: false, forceMerge: false },
      {},
    )
    expect(result).toMatchObject({ status: 'dry-run', report: { files: { messages: { imported: 43 } } } })
    expect(result.status === 'dry-run' && result.report.notes).toContain(
      'No DATABASE_URL: planned against an empty database.',
    )
  })

  it('after an import: predicts "nothing to do" and "refused", with the exit codes of a real run', async () => {
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    const same = await importInto(db, { dataDir, dryRun: true })
    expect(same).toMatchObject({ status: 'dry-run', wouldStop: 'nothing-to-do' })

    const path = join(dataDir, 'chat-tool-events.json')
    writeFileSync(path, JSON.stringify((readJson(path) as unknown[]).slice(1), null, 2))
    const before = await snapshotDatabase(db.sql)
    const changed = await importInto(db, { dataDir, dryRun: true })
    expect(changed).toMatchObject({
      status: 'dry-run',
      wouldStop: 'refused',
      report: { files: { toolEvents: { imported: 7 } } },
    })
    expect(importExitCode(changed)).toBe(3)
    const preview = await importInto(db, { dataDir, dryRun: true, forceMerge: true })
    expect(preview).toMatchObject({ status: 'dry-run' })
    expect(preview.status === 'dry-run' && preview.wouldStop).toBeUndefined()
    expect(await snapshotDatabase(db.sql)).toEqual(before)
  })
})
