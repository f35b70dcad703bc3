/**
 * The proof for agent-push: two pushing processes, each on its own folder (as two machines), into
 * one real app, while their logs grow; the network between them and the app is cut and restored
 * (a TCP proxy), and one pusher is restarted during the cut. Afterwards every line is on the
 * server exactly once and in order: each pushed session holds exactly the events the same file
 * gives when pushed whole, with ordinals 0…n-1, and the pushers sent no byte twice beyond the
 * one request the cut can interrupt.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, stopChild } from '../../../../dev/processes'
import { createDatabaseClient, type DatabaseClient } from '../../../../src/db/client'
import { accounts, pushedSources, sessions, timelineEvents, users } from '../../../../src/db/schema'
import { generateApiToken } from '../../../../src/server/auth/api-token-secrets'
import { appendPushedChunk } from '../../../../src/server/ingest/push/push-chunk'
import { ensureLocalOwner, type Principal } from '../../../../src/server/repositories/accounts-repository'
import { apiTokensRepository } from '../../../../src/server/repositories/api-tokens-repository'
import { startTestApp, type TestApp } from '../../../../tests/helpers/app-server'
import { createTestDatabase, type TestDatabase } from '../../../../tests/helpers/database'
import { fixtureBytes, waitFor } from '../../../../tests/helpers/ingest'
import { AgentPusher } from '../../agent-pusher'
import { PushClient } from '../../push-client'
import { CuttableProxy } from './cuttable-proxy'

const CHUNK_BYTES = 4096
const FOLDERS = {
  alpha: ['codex/synthetic-acme-api.jsonl', 'claude-code/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl'],
  beta: [
    'codex/rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl',
    'claude-code/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl',
  ],
} as const
type Machine = keyof typeof FOLDERS

interface GrowingLog {
  machine: Machine
  path: string
  bytes: Buffer
  written: number
}

let database: TestDatabase
let client: DatabaseClient
let app: TestApp
let proxy: CuttableProxy
let owner: Principal
let token: string
let root: string
const pushers = new Map<Machine, { child: ChildProcess; output: () => string }>()

function startPusher(machine: Machine) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'cli/agent-push/agent-push-command.ts',
      '--server',
      `http://127.0.0.1:${proxy.port}`,
      '--dirs',
      join(root, machine),
      '--machine',
      machine,
      '--interval',
      '100',
      '--max-backoff-ms',
      '500',
      '--idle-ms',
      '3600000',
      '--chunk-bytes',
      String(CHUNK_BYTES),
    ],
    { env: { ...process.env, ENV_FILE: 'none', AGENT_PUSH_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString('utf8')
  })
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString('utf8')
  })
  const pusher = { child, output: () => output }
  pushers.set(machine, pusher)
  return pusher
}

/** Writes the log up to `fraction` of its bytes, ending mid-line on purpose. */
function growTo(log: GrowingLog, fraction: number) {
  const target = Math.min(log.bytes.length, Math.floor(log.bytes.length * fraction))
  if (target <= log.written) return
  appendFileSync(log.path, log.bytes.subarray(log.written, target))
  log.written = target
}

async function serverOffsets() {
  const rows = await client.db.select().from(pushedSources).where(eq(pushedSources.accountId, owner.account.id))
  return new Map(rows.map((row) => [`${row.machine}:${row.sourceKey}`, row.offsetBytes]))
}

/** Until the server has every byte written so far (a partial last line included). */
async function untilCaughtUp(logs: GrowingLog[], what: string) {
  await waitFor(
    async () => {
      const offsets = await serverOffsets()
      return logs.every((log) => offsets.get(`${log.machine}:${log.path}`) === log.written) ? true : undefined
    },
    what,
    90_000,
  ).catch(async (error: unknown) => {
    const offsets = await serverOffsets()
    const report = logs.map(
      (log) => `${log.machine}:${log.path} written ${log.written} server ${offsets.get(`${log.machine}:${log.path}`)}`,
    )
    const outputs = [...pushers].map(([machine, pusher]) => `--- ${machine}\n${pusher.output()}`)
    throw new Error(`${String(error)}\n${report.join('\n')}\n${outputs.join('\n')}`)
  })
}

beforeAll(async () => {
  database = await createTestDatabase()
  client = createDatabaseClient(database.url, { max: 4 })
  owner = await ensureLocalOwner(client.db)
  const secret = generateApiToken()
  await apiTokensRepository.createToken(client.db, {
    accountId: owner.account.id,
    userId: owner.user.id,
    name: 'two pushers',
    scopes: ['ingest'],
    expiresAt: null,
    prefix: secret.prefix,
    tokenHash: secret.tokenHash,
  })
  token = secret.token
  // The app sees the proxy's address in Host, as behind any reverse proxy: it must allow it.
  const proxyPort = await freePort()
  app = await startTestApp(database.url, { ALLOWED_HOSTS: `127.0.0.1:${proxyPort}` })
  proxy = new CuttableProxy(Number(new URL(app.url).port))
  await proxy.listen(proxyPort)
  root = mkdtempSync(join(tmpdir(), 'agent-push-'))
}, 240_000)

afterAll(async () => {
  for (const { child } of pushers.values()) await stopChild(child, 5_000)
  await proxy?.close()
  await app?.stop()
  await client?.close()
  await database?.drop()
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('agent-push: two machines, a network cut and a restart', () => {
  it('delivers every line exactly once, in order', async () => {
    const logs: GrowingLog[] = []
    for (const machine of Object.keys(FOLDERS) as Machine[]) {
      rmSync(join(root, machine), { recursive: true, force: true })
      for (const fixture of FOLDERS[machine]) {
        const path = join(root, machine, fixture.split('/').pop() as string)
        const bytes = fixtureBytes(fixture)
        mkdirSync(join(root, machine), { recursive: true })
        writeFileSync(path, '')
        logs.push({ machine, path, bytes, written: 0 })
      }
    }
    for (const log of logs) growTo(log, 0.35)
    startPusher('alpha')
    startPusher('beta')
    await untilCaughtUp(logs, 'the first part of every log on the server')

    // The network goes away while the agents keep writing.
    await proxy.cut()
    for (const log of logs) growTo(log, 0.55)
    for (const log of logs) growTo(log, 0.7)
    for (const machine of ['alpha', 'beta'] as const) {
      await waitFor(
        async () => (/cannot reach/.test(pushers.get(machine)?.output() ?? '') ? true : undefined),
        `${machine} noticing the cut`,
        30_000,
      )
    }
    // …and alpha's pusher restarts before it comes back (its memory of offsets is gone).
    const before = pushers.get('alpha')
    await stopChild(before?.child as ChildProcess, 10_000)
    const restarted = startPusher('alpha')
    await waitFor(
      async () => (/cannot reach/.test(restarted.output()) ? true : undefined),
      'the restarted pusher finding no server',
      30_000,
    )
    for (const log of logs) growTo(log, 0.85)
    await proxy.restore()
    for (const log of logs) growTo(log, 1)
    await untilCaughtUp(logs, 'every log whole on the server')

    for (const log of logs) {
      const [state] = await client.db
        .select()
        .from(pushedSources)
        .where(
          and(
            eq(pushedSources.accountId, owner.account.id),
            eq(pushedSources.machine, log.machine),
            eq(pushedSources.sourceKey, log.path),
          ),
        )
      const lineCount = log.bytes.toString('utf8').split('\n').length - 1
      expect(state.lineNumber, log.path).toBe(lineCount)
      expect(state.pendingBytes, log.path).toBeNull()

      const events = await client.db
        .select()
        .from(timelineEvents)
        .where(eq(timelineEvents.sessionId, state.sessionId as string))
        .orderBy(timelineEvents.ordinal)
      expect(events.map((event) => event.ordinal)).toEqual(events.map((_, index) => index))
      const reference = await pushWholeElsewhere(log)
      expect(events.length, log.path).toBe(reference.length)
      expect(events.length, log.path).toBeGreaterThan(0)
      expect(events.map(comparable), log.path).toEqual(reference.map(comparable))

      const [session] = await client.db
        .select()
        .from(sessions)
        .where(eq(sessions.id, state.sessionId as string))
      expect(session.machine).toBe(log.machine)
      expect(session.pushedByName).toBe(owner.user.displayName)
      expect(session.eventCount).toBe(events.length)
    }

    // Nothing the server had was sent again, beyond the one request the cut may have cut off
    // (its answer lost, so it is sent once more): no chunk offset is sent twice otherwise, not
    // even by the restarted pusher, which starts from the server's offsets.
    for (const machine of ['alpha', 'beta'] as const) {
      const chunks = proxy.requests.filter(
        (request) => request.path === '/api/ingest/chunks' && request.query.get('machine') === machine,
      )
      const seen = new Set<string>()
      let repeats = 0
      for (const chunk of chunks) {
        const key = `${chunk.query.get('sourceKey')}@${chunk.query.get('offset')}`
        if (seen.has(key)) repeats++
        seen.add(key)
      }
      const sent = chunks.reduce((total, request) => total + request.contentLength, 0)
      const total = logs.filter((log) => log.machine === machine).reduce((sum, log) => sum + log.bytes.length, 0)
      expect(repeats, machine).toBeLessThanOrEqual(1)
      expect(sent, machine).toBeGreaterThanOrEqual(total)
      expect(sent, machine).toBeLessThanOrEqual(total + CHUNK_BYTES)
    }
    for (const pusher of pushers.values()) expect(pusher.output()).not.toContain(token)
  }, 240_000)
})

describe('agent-push: what it sends and what it leaves alone', () => {
  it('marks a quiet log complete, skips .json documents, reports a non-agent log once, and stops on a refused token', async () => {
    const dir = join(root, 'gamma')
    mkdirSync(dir, { recursive: true })
    const quietLog = join(dir, 'rollout-quiet.jsonl')
    writeFileSync(quietLog, fixtureBytes(FOLDERS.beta[0]))
    const hourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(quietLog, hourAgo, hourAgo)
    writeFileSync(
      join(dir, 'session-2025-10-11T11-58-d6f69999.json'),
      fixtureBytes('gemini-cli/session-2025-10-11T11-58-d6f69999.json'),
    )
    writeFileSync(join(dir, 'notes.jsonl'), '{"hello":"world"}\n{"more":1}\n')

    const warnings: string[] = []
    const pusher = new AgentPusher({
      client: new PushClient({ server: app.url, token, machine: 'gamma' }),
      dirs: [dir],
      idleMs: 60_000,
      chunkBytes: 65_536,
      maxBackoffMs: 1_000,
      log: { info: () => {}, warn: (message) => warnings.push(message) },
    })
    await pusher.pass()
    await pusher.pass()
    const rows = await client.db.select().from(pushedSources).where(eq(pushedSources.machine, 'gamma'))
    expect(rows.map((row) => row.sourceKey).sort()).toEqual([join(dir, 'notes.jsonl'), quietLog].sort())
    const quiet = rows.find((row) => row.sourceKey === quietLog)
    const [session] = await client.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, quiet?.sessionId as string))
    expect(session.status).toBe('complete')
    expect(warnings.filter((warning) => warning.includes('notes.jsonl'))).toHaveLength(1)

    // A revoked token ends the program (exit status 1) with the server's reason, not a retry loop.
    const revokedSecret = generateApiToken()
    const { token: revokedRow } = await apiTokensRepository.createToken(client.db, {
      accountId: owner.account.id,
      userId: owner.user.id,
      name: 'revoked',
      scopes: ['ingest'],
      expiresAt: null,
      prefix: revokedSecret.prefix,
      tokenHash: revokedSecret.tokenHash,
    })
    await apiTokensRepository.revokeToken(
      client.db,
      { accountId: owner.account.id, userId: owner.user.id },
      revokedRow.id,
    )
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/agent-push/agent-push-command.ts', '--server', app.url, '--dirs', dir, '--once'],
      {
        env: { ...process.env, ENV_FILE: 'none', AGENT_PUSH_TOKEN: revokedSecret.token },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString('utf8')
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(output).toMatch(/refused the token \(401\).*revoked/)
    expect(output).not.toContain(revokedSecret.token)
  }, 120_000)
})

function comparable(event: typeof timelineEvents.$inferSelect) {
  return { ordinal: event.ordinal, type: event.type, role: event.role, summary: event.summary, at: event.at }
}

/** The same file pushed in one chunk into a fresh account: what the pushed session must equal. */
async function pushWholeElsewhere(log: GrowingLog) {
  const [account] = await client.db.insert(accounts).values({ name: 'reference' }).returning()
  const [user] = await client.db.insert(users).values({ accountId: account.id, displayName: 'Reference' }).returning()
  const outcome = await appendPushedChunk(client.db, {
    principal: { account, user },
    machine: log.machine,
    sourceKey: log.path,
    fileName: log.path.split('/').pop() as string,
    offset: 0,
    bytes: log.bytes,
    complete: false,
  })
  if (outcome.kind !== 'appended') throw new Error(`reference push: ${outcome.kind}`)
  return client.db
    .select()
    .from(timelineEvents)
    .where(eq(timelineEvents.sessionId, outcome.sessionId as string))
    .orderBy(timelineEvents.ordinal)
}
