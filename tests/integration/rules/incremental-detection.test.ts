/**
 * Detection after each ingest batch reads only the new events (src/server/rules/detect-session.ts)
 * and must end where a full scan of the whole session ends: same misalignments, same evidence and
 * ranges, statuses a person chose never reset, near misses never firing.
 */
import { describe, expect, it } from 'vitest'
import type { Database } from '../../../src/db/client'
import { createAgentLogParser } from '../../../src/domain/agent-logs/create-parser'
import type { TimelineEventDraft } from '../../../src/domain/agent-logs/types'
import { IngestRun } from '../../../src/server/ingest/ingest-run'
import { misalignmentsRepository } from '../../../src/server/repositories/misalignments-repository'
import { timelineEventsRepository } from '../../../src/server/repositories/timeline-events-repository'
import { rulesSettled } from '../../../src/server/rules/after-ingest'
import {
  detectChangedEvents,
  detectSessionMisalignments,
  forgetDetectionState,
} from '../../../src/server/rules/detect-session'
import { storeInstructionFile } from '../../../src/server/rules/session-rules'
import { databaseForThisFile } from '../../helpers/database'
import { createAccount, ingestBytes, sessionsOf, uploadTarget } from '../../helpers/ingest'
import { seedAccountWithSession } from '../../helpers/seed'
import { AGENTS_MD, FIRED, SESSION_LOG } from './rules-fixtures'

const testDb = databaseForThisFile({ maxConnections: 20 })
const FORCE_PUSH = 'safety-never-force-push-git-push-force-rewrites'

/** The log with a session id of its own, so each test's session is apart from the others. */
const uniqueLog = () => SESSION_LOG.replaceAll('019c38dc-6da6-70c2-b8bb-e2544936759c', crypto.randomUUID())

async function detected(db: Database, accountId: string, sessionId: string) {
  const rows = await misalignmentsRepository.listForSession(db, accountId, sessionId)
  return rows
    .map(({ ruleId, title, summary, severity, eventRange, evidence, status }) => ({
      ruleId,
      title,
      summary,
      severity,
      eventRange,
      evidence,
      status,
    }))
    .sort((a, b) => a.ruleId.localeCompare(b.ruleId))
}

function parsed(text: string): TimelineEventDraft[] {
  const parser = createAgentLogParser('codex')
  const events = text.split('\n').flatMap((line, index) => (line.trim() ? parser.push(line, index + 1) : []))
  return [...events, ...parser.finish().events]
}

/** The reference: the whole log in one upload, then the rules, then one full scan. */
async function detectedInOneGo() {
  const account = await createAccount(testDb.db)
  await ingestBytes(testDb.db, account.id, Buffer.from(uniqueLog()), 'synthetic-acme-api.jsonl')
  const [session] = await sessionsOf(testDb.db, account.id)
  await rulesSettled(session.id)
  await storeInstructionFile(testDb.db, session, { name: 'AGENTS.md', markdown: AGENTS_MD })
  return detected(testDb.db, account.id, session.id)
}

describe('detection while a session is ingested batch by batch', () => {
  it('ends with what one full scan finds, and never resets a status a person chose', async () => {
    const expected = await detectedInOneGo()
    expect(expected.map((m) => m.ruleId)).toEqual(FIRED)

    const account = await createAccount(testDb.db)
    const run = new IngestRun(
      testDb.db,
      uploadTarget(account.id, 'synthetic-acme-api.jsonl'),
      createAgentLogParser('codex'),
      {
        storeRaw: false,
      },
    )
    const lines = uniqueLog().split('\n')
    let acknowledged: string | undefined
    for (let index = 0; index < lines.length; index++) {
      if (lines[index]) {
        await run.acceptLine({ lineNumber: index + 1, text: lines[index], byteLength: lines[index].length + 1 })
      }
      if (index % 5 !== 4) continue
      await run.flush('live')
      const sessionId = run.sessionId
      if (!sessionId) continue
      await rulesSettled(sessionId)
      // The rules arrive once the session exists; every batch after that is detected incrementally.
      if (index === 4)
        await storeInstructionFile(
          testDb.db,
          { id: sessionId, accountId: account.id },
          { name: 'AGENTS.md', markdown: AGENTS_MD },
        )
      const forcePush = (await misalignmentsRepository.listForSession(testDb.db, account.id, sessionId)).find(
        (m) => m.ruleId === FORCE_PUSH,
      )
      if (forcePush && !acknowledged) {
        await misalignmentsRepository.changeStatus(testDb.db, {
          accountId: account.id,
          id: forcePush.id,
          status: 'acknowledged',
          expectedVersion: forcePush.version,
        })
        acknowledged = forcePush.id
      }
    }
    await run.complete()
    const sessionId = run.sessionId as string
    await rulesSettled(sessionId)

    expect(acknowledged).toBeDefined()
    const inBatches = await detected(testDb.db, account.id, sessionId)
    expect(inBatches.find((m) => m.ruleId === FORCE_PUSH)?.status).toBe('acknowledged')
    expect(inBatches.map((m) => ({ ...m, status: undefined }))).toEqual(
      expected.map((m) => ({ ...m, status: undefined })),
    )
    // The force-push rule fired on events 11, 50 and 53: its evidence grew across batches.
    const forcePushEvidence = inBatches.find((m) => m.ruleId === FORCE_PUSH)?.evidence as { eventIndex: number }[]
    expect(forcePushEvidence.map((item) => item.eventIndex)).toEqual([11, 50, 53])

    // A full scan now changes nothing (no row is rewritten, so no version moves).
    const before = await misalignmentsRepository.listForSession(testDb.db, account.id, sessionId)
    await detectSessionMisalignments(testDb.db, { id: sessionId, accountId: account.id })
    const after = await misalignmentsRepository.listForSession(testDb.db, account.id, sessionId)
    expect(after.map((m) => [m.id, m.version, m.status])).toEqual(before.map((m) => [m.id, m.version, m.status]))
  })

  it('reads only the new events when a batch adds past the scanned ones, and scans whole otherwise', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db, 'incremental')
    const ref = { id: session.id, accountId: account.id }
    const target = { sessionId: session.id, accountId: account.id }
    const events = parsed(uniqueLog())
    const write = (batch: TimelineEventDraft[]) =>
      testDb.db.transaction((tx) => timelineEventsRepository.writeEvents(tx, target, batch))

    await write(events.slice(0, 30))
    await storeInstructionFile(testDb.db, ref, { name: 'AGENTS.md', markdown: AGENTS_MD })
    // Force-push (event 11) and --no-verify (event 23) are among the first 30 events; rm -rf (71) is not.
    expect((await detected(testDb.db, account.id, session.id)).map((m) => m.ruleId)).toEqual([
      'safety-do-not-commit-with-no-verify-the',
      FORCE_PUSH,
    ])

    const added = await write(events.slice(30, 60))
    expect(
      await detectChangedEvents(testDb.db, ref, added as { firstOrdinal: number; lastOrdinal: number }),
    ).toMatchObject({
      incremental: true,
    })
    // A change at or before what was scanned (an output arriving for an early call): a full scan.
    const rewritten = await write([{ ...events[5], summary: 'changed since' }])
    expect(rewritten.firstOrdinal).toBe(5)
    expect(await detectChangedEvents(testDb.db, ref, { firstOrdinal: 5, lastOrdinal: 5 })).toMatchObject({
      incremental: false,
    })
    // Forgotten (events deleted, another instance's restart): a full scan.
    const more = await write(events.slice(60, 90))
    forgetDetectionState(session.id)
    expect(
      await detectChangedEvents(testDb.db, ref, more as { firstOrdinal: number; lastOrdinal: number }),
    ).toMatchObject({
      incremental: false,
    })
    // Different rules than the kept detector's: a full scan.
    await storeInstructionFile(testDb.db, ref, { name: 'CLAUDE.md', markdown: '- Never run `git status`.\n' })
    const rest = await write(events.slice(90))
    const outcome = await detectChangedEvents(testDb.db, ref, rest as { firstOrdinal: number; lastOrdinal: number })
    expect(outcome).toMatchObject({ incremental: true })

    const full = await seedAccountWithSession(testDb.db, 'full')
    await timelineEventsRepository.upsertEvents(testDb.db, { sessionId: full.session.id, accountId: full.account.id }, [
      ...events.slice(0, 5),
      { ...events[5], summary: 'changed since' },
      ...events.slice(6),
    ])
    await storeInstructionFile(
      testDb.db,
      { id: full.session.id, accountId: full.account.id },
      { name: 'AGENTS.md', markdown: AGENTS_MD },
    )
    await storeInstructionFile(
      testDb.db,
      { id: full.session.id, accountId: full.account.id },
      {
        name: 'CLAUDE.md',
        markdown: '- Never run `git status`.\n',
      },
    )
    expect(await detected(testDb.db, account.id, session.id)).toEqual(
      await detected(testDb.db, full.account.id, full.session.id),
    )
  })

  it('fires nothing on near misses fed one event per batch', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db, 'near misses')
    const ref = { id: session.id, accountId: account.id }
    const target = { sessionId: session.id, accountId: account.id }
    const shell = (ordinal: number, command: string): TimelineEventDraft => ({
      ordinal,
      eventKey: null,
      type: 'LocalShellCall',
      role: 'assistant',
      at: null,
      name: 'exec_command',
      command,
      path: null,
      exitCode: 0,
      durationMs: null,
      summary: `$ ${command}`,
      payload: {},
    })
    const nearMisses = [
      'git push --force-with-lease origin main',
      'git push origin main',
      'rm -r build',
      'echo "remember: never rm -rf"; git status',
      'git commit -m x',
    ]
    await storeInstructionFile(testDb.db, ref, { name: 'AGENTS.md', markdown: AGENTS_MD })
    for (const [ordinal, command] of nearMisses.entries()) {
      const written = await testDb.db.transaction((tx) =>
        timelineEventsRepository.writeEvents(tx, target, [shell(ordinal, command)]),
      )
      expect(
        await detectChangedEvents(testDb.db, ref, written as { firstOrdinal: number; lastOrdinal: number }),
      ).toMatchObject({
        fired: 0,
      })
    }
    expect(await detected(testDb.db, account.id, session.id)).toEqual([])
  })
})
