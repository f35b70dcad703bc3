import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDatabaseClient, type DatabaseClient } from '../../../src/db/client'
import { sessions } from '../../../src/db/schema'
import { SessionDiscovery } from '../../../src/server/ingest/discovery/session-discovery'
import {
  DELETED_SESSION_REJECTION,
  discoveredFilesRepository,
} from '../../../src/server/repositories/discovered-files-repository'
import { QUIET_SESSION_MS, sessionsRepository } from '../../../src/server/repositories/sessions-repository'
import { databaseForThisFile } from '../../helpers/database'
import {
  CODEX_SMALL,
  CODEX_SYNTHETIC,
  createAccount,
  eventStats,
  fixtureBytes,
  sessionsOf,
  waitFor,
} from '../../helpers/ingest'

const testDb = databaseForThisFile()
let client: DatabaseClient
const folders: string[] = []
const services: SessionDiscovery[] = []

beforeAll(() => {
  client = createDatabaseClient(testDb.url, { max: 6 })
})
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()))
})
afterAll(async () => {
  await client.close()
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

function tempFolder() {
  const folder = mkdtempSync(join(tmpdir(), 'discovery-'))
  folders.push(folder)
  return folder
}

async function discoveryFor(dirs: string[], accountId?: string, options: { leaderRetryMs?: number } = {}) {
  const id = accountId ?? (await createAccount(testDb.db)).id
  const service = new SessionDiscovery({
    client,
    dirs,
    resolveAccountId: async () => id,
    scanIntervalMs: 60_000,
    tailIntervalMs: 50,
    liveWindowMs: 60_000,
    ...options,
  })
  services.push(service)
  return { service, accountId: id }
}

const line = (item: unknown) => `${JSON.stringify(item)}\n`
const meta = (id: string) =>
  line({
    timestamp: '2026-01-01T00:00:00.000Z',
    type: 'session_meta',
    payload: { id, timestamp: '2026-01-01T00:00:00.000Z', cwd: '/w/demo', cli_version: '0.1.0' },
  })
const say = (text: string, second = 1) =>
  line({
    timestamp: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
    type: 'response_item',
    payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  })

/** Marks a file as last written long ago, so discovery treats it as complete. */
function makeOld(path: string) {
  const past = new Date(Date.now() - 3_600_000)
  utimesSync(path, past, past)
}

describe('scanning SESSION_DIRS', () => {
  it('ingests the logs it finds, recursively, and skips unchanged files on the next scan', async () => {
    const root = tempFolder()
    mkdirSync(join(root, '2026/02/23'), { recursive: true })
    const first = join(root, '2026/02/23/rollout-a.jsonl')
    writeFileSync(first, fixtureBytes(CODEX_SMALL))
    writeFileSync(join(root, 'synthetic.jsonl'), fixtureBytes(CODEX_SYNTHETIC))
    makeOld(first)
    makeOld(join(root, 'synthetic.jsonl'))
    const { service, accountId } = await discoveryFor([root])

    expect(await service.scan()).toMatchObject({ files: 2, read: 2, unchanged: 0 })
    const sessions = await sessionsOf(testDb.db, accountId)
    expect(sessions).toHaveLength(2)
    for (const session of sessions) {
      expect(session.source).toBe('discovered')
      expect(session.status).toBe('complete')
      expect((await eventStats(testDb.db, session.id)).n).toBe(session.eventCount)
    }
    expect(sessions.find((s) => s.sourcePath === first)?.originalName).toBe('rollout-a.jsonl')

    expect(await service.scan()).toMatchObject({ files: 2, read: 0, unchanged: 2 })
  })

  it('reads Claude Code sub-agent logs as sessions of their own, keyed and titled after their parent', async () => {
    const parent = '258c7280-ae70-4798-800f-63464d01a85d'
    const agents = ['agent-a881341', 'agent-acompact-fffbd0']
    const project = join(tempFolder(), '-home-dev-projects-spotter')
    mkdirSync(join(project, parent, 'subagents'), { recursive: true })
    const files = [join(project, `${parent}.jsonl`)]
    writeFileSync(files[0], fixtureBytes(`claude-code/${parent}.excerpt.jsonl`))
    for (const agent of agents) {
      const path = join(project, parent, 'subagents', `${agent}.jsonl`)
      writeFileSync(path, fixtureBytes(`claude-code/${parent}/subagents/${agent}.jsonl`))
      files.push(path)
    }
    for (const file of files) makeOld(file)
    const { service, accountId } = await discoveryFor([project])

    expect(await service.scan()).toMatchObject({ files: 3, read: 3 })
    const found = await sessionsOf(testDb.db, accountId)
    expect(found.map((session) => session.sourceKey).sort()).toEqual([
      parent,
      `${parent}:agent-a881341`,
      `${parent}:agent-acompact-fffbd0`,
    ])
    const subAgent = found.find((session) => session.sourceKey === `${parent}:agent-a881341`)
    expect(subAgent?.title).toMatch(/^Sub-agent: What is the output contract/)
    for (const session of found) expect((await eventStats(testDb.db, session.id)).n).toBeGreaterThan(0)
    expect((await eventStats(testDb.db, found.find((s) => s.sourceKey === parent)?.id ?? '')).n).toBe(
      found.find((s) => s.sourceKey === parent)?.eventCount,
    )
  })

  it('survives a restart without re-reading anything', async () => {
    const root = tempFolder()
    const path = join(root, 'rollout.jsonl')
    writeFileSync(path, fixtureBytes(CODEX_SMALL))
    makeOld(path)
    const { service, accountId } = await discoveryFor([root])
    await service.scan()
    const [before] = await sessionsOf(testDb.db, accountId)

    const { service: restarted } = await discoveryFor([root], accountId)
    expect(await restarted.scan()).toMatchObject({ read: 0, unchanged: 1 })
    const [after] = await sessionsOf(testDb.db, accountId)
    expect(after.updatedAt).toEqual(before.updatedAt)
  })

  it('records files that are not agent logs once and does not read them again', async () => {
    const root = tempFolder()
    writeFileSync(join(root, 'settings.json'), '{"theme": "dark"}\n')
    writeFileSync(join(root, 'blob.jsonl'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))
    const { service, accountId } = await discoveryFor([root])
    expect(await service.scan()).toMatchObject({ files: 2, read: 2 })
    expect(await sessionsOf(testDb.db, accountId)).toHaveLength(0)
    const states = await discoveredFilesRepository.listFiles(testDb.db, accountId)
    expect(states.map((s) => s.rejection).sort()).toEqual([
      expect.stringMatching(/gzip archive/),
      expect.stringMatching(/not a Codex, Gemini CLI or Claude Code session log/),
    ])
    expect(await service.scan()).toMatchObject({ read: 0, unchanged: 2 })
  })
})

describe('a discovered session deleted by its owner', () => {
  it('stays deleted while its file grows, for the running scanner and after a restart', async () => {
    const root = tempFolder()
    const path = join(root, 'rollout-deleted.jsonl')
    writeFileSync(path, meta('deleted-1') + say('one') + say('two', 2))
    makeOld(path)
    const { service, accountId } = await discoveryFor([root])
    await service.scan()
    const [session] = await sessionsOf(testDb.db, accountId)
    expect(session).toMatchObject({ status: 'complete', eventCount: 2 })
    await sessionsRepository.deleteOwnedSession(testDb.db, accountId, session.id)

    // The agent writes on: no partial session made of the new lines.
    appendFileSync(path, say('three', 3))
    makeOld(path)
    expect(await service.scan()).toMatchObject({ files: 1, read: 1 })
    expect(await sessionsOf(testDb.db, accountId)).toHaveLength(0)
    const [state] = await discoveredFilesRepository.listFiles(testDb.db, accountId)
    expect(state).toMatchObject({ sessionId: null, rejection: DELETED_SESSION_REJECTION })

    appendFileSync(path, say('four', 4))
    makeOld(path)
    const { service: restarted } = await discoveryFor([root], accountId)
    expect(await restarted.scan()).toMatchObject({ read: 0, unchanged: 1 })
    expect(await sessionsOf(testDb.db, accountId)).toHaveLength(0)

    // A file that leaves the path and comes back is a new file.
    rmSync(path)
    await restarted.scan()
    writeFileSync(path, meta('deleted-1') + say('one') + say('two', 2))
    makeOld(path)
    await restarted.scan()
    expect(await sessionsOf(testDb.db, accountId)).toMatchObject([{ eventCount: 2 }])
  })
})

describe('live tail', () => {
  it('turns appended lines into events, waits for a line to be finished, and completes a quiet file', async () => {
    const root = tempFolder()
    const path = join(root, 'rollout-live.jsonl')
    writeFileSync(path, meta('live-1') + say('one'))
    const { service, accountId } = await discoveryFor([root])
    await service.scan()
    let [session] = await sessionsOf(testDb.db, accountId)
    expect(session).toMatchObject({ status: 'live', eventCount: 1 })

    appendFileSync(path, say('two', 2) + say('three', 3))
    await service.tailLiveFiles()
    expect((await eventStats(testDb.db, session.id)).n).toBe(3)

    // Half a line: the agent is still writing it.
    const partial = say('four', 4)
    appendFileSync(path, partial.slice(0, 20))
    await service.tailLiveFiles()
    expect((await eventStats(testDb.db, session.id)).n).toBe(3)
    appendFileSync(path, partial.slice(20))
    await service.tailLiveFiles()
    expect((await eventStats(testDb.db, session.id)).n).toBe(4)

    makeOld(path)
    await service.tailLiveFiles()
    ;[session] = await sessionsOf(testDb.db, accountId)
    expect(session).toMatchObject({ status: 'complete', eventCount: 4, errorLineCount: 0 })
  })

  it('the running service picks up appends by itself', async () => {
    const root = tempFolder()
    const path = join(root, 'rollout-running.jsonl')
    writeFileSync(path, meta('live-2') + say('one'))
    const { service, accountId } = await discoveryFor([root])
    service.start()
    const session = await waitFor(async () => {
      const [row] = await sessionsOf(testDb.db, accountId)
      return row?.eventCount === 1 ? row : undefined
    }, 'the session with its first event')
    appendFileSync(path, say('two', 2))
    await waitFor(
      async () => ((await eventStats(testDb.db, session.id)).n === 2 ? true : undefined),
      'the appended event',
    )
  })

  it('reads a truncated file again and drops the events past its new end', async () => {
    const root = tempFolder()
    const path = join(root, 'rollout-trunc.jsonl')
    writeFileSync(path, meta('trunc-1') + say('one') + say('two', 2) + say('three', 3))
    const { service, accountId } = await discoveryFor([root])
    await service.scan()
    const [session] = await sessionsOf(testDb.db, accountId)
    expect(session.eventCount).toBe(3)

    truncateSync(path, Buffer.byteLength(meta('trunc-1') + say('one')))
    appendFileSync(path, say('uno', 5))
    await service.tailLiveFiles()
    const [after] = await sessionsOf(testDb.db, accountId)
    expect(after.id).toBe(session.id)
    expect(after.eventCount).toBe(2)
    expect((await eventStats(testDb.db, session.id)).n).toBe(2)
  })

  it('follows an atomic replacement (write to a temporary file, rename over the log)', async () => {
    const root = tempFolder()
    const path = join(root, 'rollout-atomic.jsonl')
    writeFileSync(path, meta('atomic-1') + say('one') + say('two', 2))
    const { service, accountId } = await discoveryFor([root])
    await service.scan()
    const temporary = join(root, 'rollout-atomic.tmp')
    writeFileSync(temporary, meta('atomic-1') + say('one') + say('changed', 2) + say('three', 3) + say('four', 4))
    renameSync(temporary, path)
    await service.scan()
    const sessions = await sessionsOf(testDb.db, accountId)
    expect(sessions).toHaveLength(1)
    expect(sessions[0].eventCount).toBe(4)
    expect((await eventStats(testDb.db, sessions[0].id)).n).toBe(4)
  })

  it('marks a session interrupted when its file is deleted while tailed, keeping its events', async () => {
    const root = tempFolder()
    const path = join(root, 'rollout-deleted.jsonl')
    writeFileSync(path, meta('deleted-1') + say('one') + say('two', 2))
    const { service, accountId } = await discoveryFor([root])
    await service.scan()
    rmSync(path)
    await service.tailLiveFiles()
    const [session] = await sessionsOf(testDb.db, accountId)
    expect(session.status).toBe('interrupted')
    expect(session.statusMessage).toMatch(/deleted/)
    expect((await eventStats(testDb.db, session.id)).n).toBe(2)
    expect(await discoveredFilesRepository.listFiles(testDb.db, accountId)).toHaveLength(0)
  })
})

describe('housekeeping', () => {
  it('marks uploads and pushed logs whose writer went quiet as interrupted, and leaves running ones alone', async () => {
    const { id: accountId } = await createAccount(testDb.db)
    const base = { accountId, title: 'log', status: 'live' as const }
    const longAgo = new Date(Date.now() - 3_600_000)
    const rows = await testDb.db
      .insert(sessions)
      .values([
        { ...base, source: 'upload' as const, sourceKey: 'stale-upload', updatedAt: longAgo },
        { ...base, source: 'upload' as const, sourceKey: 'running-upload' },
        { ...base, source: 'pushed' as const, sourceKey: 'push:m:stale', updatedAt: longAgo },
        { ...base, source: 'pushed' as const, sourceKey: 'push:m:running' },
        { ...base, source: 'discovered' as const, sourceKey: 'discovered-long-quiet', updatedAt: longAgo },
      ])
      .returning()
    expect(await sessionsRepository.interruptQuietSessions(testDb.db, QUIET_SESSION_MS)).toBe(2)
    const after = new Map((await sessionsOf(testDb.db, accountId)).map((row) => [row.sourceKey, row]))
    expect(after.get('stale-upload')).toMatchObject({ status: 'interrupted' })
    expect(after.get('stale-upload')?.statusMessage).toMatch(/Upload the file again/)
    expect(after.get('push:m:stale')).toMatchObject({ status: 'interrupted' })
    expect(after.get('push:m:stale')?.statusMessage).toMatch(/agent-push/)
    // Discovery settles its own files; the running writers are left alone.
    for (const key of ['running-upload', 'push:m:running', 'discovered-long-quiet'])
      expect(after.get(key)).toMatchObject({ status: 'live' })
    expect(rows).toHaveLength(5)
  })
})

describe('several app instances', () => {
  it('exactly one runs the scanner, and another takes over when it stops', async () => {
    const root = tempFolder()
    const { service: first, accountId } = await discoveryFor([root], undefined, { leaderRetryMs: 100 })
    const { service: second } = await discoveryFor([root], accountId, { leaderRetryMs: 100 })
    first.start()
    await waitFor(async () => (first.isLeader ? true : undefined), 'the first instance to lead')
    second.start()
    // The second keeps trying; while the first runs it never gets the lock.
    for (let attempt = 0; attempt < 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(second.isLeader).toBe(false)
    }
    await first.stop()
    await waitFor(async () => (second.isLeader ? true : undefined), 'the second instance to take over')
  })
})
