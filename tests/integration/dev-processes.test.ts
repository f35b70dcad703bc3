import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, describe, expect, inject, it } from 'vitest'
import {
  BUILT_SERVER_ENTRY,
  createDatabase,
  freePort,
  HealthTimeoutError,
  isBuildStale,
  startChild,
  stopChild,
  waitForHealthy,
} from '../../dev/processes'

const scratch = mkdtempSync(join(tmpdir(), 'dev-processes-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A child that serves `/health` on `port`, optionally ignoring SIGTERM. */
function httpChild(port: number, { ignoreSigterm = false } = {}) {
  const script = `
    ${ignoreSigterm ? "process.on('SIGTERM', () => {})" : ''}
    require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')
  `
  const exits: Array<{ code: number | null; signal: NodeJS.Signals | null }> = []
  const child = startChild({
    name: 'fixture',
    command: [process.execPath, '-e', script],
    env: process.env,
    output: 'prefixed',
    onExit: (code, signal) => exits.push({ code, signal }),
  })
  return { child, exits }
}

describe('dev process supervision', () => {
  it('waits for a child to answer its health URL and stops it with SIGTERM', async () => {
    const port = await freePort()
    const { child, exits } = httpChild(port)
    await expect(
      waitForHealthy(`http://127.0.0.1:${port}/health`, { name: 'fixture', timeoutMs: 30_000 }),
    ).resolves.toBe(true)
    expect(await stopChild(child, 10_000)).toBe(true)
    expect(exits).toEqual([{ code: null, signal: 'SIGTERM' }])
  })

  it('kills a child that ignores SIGTERM', async () => {
    const port = await freePort()
    const { child, exits } = httpChild(port, { ignoreSigterm: true })
    await waitForHealthy(`http://127.0.0.1:${port}/health`, { name: 'fixture', timeoutMs: 30_000 })
    expect(await stopChild(child, 300)).toBe(false)
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL' }])
  })

  it('gives up on a health URL nobody answers, naming the process', async () => {
    const port = await freePort()
    await expect(waitForHealthy(`http://127.0.0.1:${port}/health`, { name: 'ghost', timeoutMs: 500 })).rejects.toThrow(
      HealthTimeoutError,
    )
    await expect(waitForHealthy(`http://127.0.0.1:${port}/health`, { name: 'ghost', timeoutMs: 500 })).rejects.toThrow(
      /ghost did not answer/,
    )
  })

  it('stops waiting when asked to', async () => {
    const port = await freePort()
    const waited = waitForHealthy(`http://127.0.0.1:${port}/`, { name: 'x', timeoutMs: 60_000, shouldStop: () => true })
    await expect(waited).resolves.toBe(false)
  })

  it('calls a build stale when it is missing or older than any source', () => {
    const root = join(scratch, 'app')
    mkdirSync(join(root, 'src/routes'), { recursive: true })
    mkdirSync(join(root, '.output/server'), { recursive: true })
    const source = join(root, 'src/routes/index.tsx')
    writeFileSync(source, 'export {}')
    const past = new Date(Date.now() - 60_000)
    utimesSync(source, past, past)
    expect(isBuildStale(root)).toBe(true)

    writeFileSync(join(root, BUILT_SERVER_ENTRY), '')
    expect(isBuildStale(root)).toBe(false)

    const future = new Date(Date.now() + 60_000)
    utimesSync(source, future, future)
    expect(isBuildStale(root)).toBe(true)
  })

  it('creates a database, and keeps an existing one when asked to', async () => {
    const adminUrl = inject('adminDatabaseUrl')
    const name = `dev_processes_${process.pid}`
    const url = await createDatabase(adminUrl, name)
    expect(url).toMatch(new RegExp(`/${name}$`))
    const sql = postgres(url, { max: 1, onnotice: () => {} })
    await sql`create table kept (v int)`
    await sql.end()

    await expect(createDatabase(adminUrl, name)).rejects.toThrow(/already exists/)
    expect(await createDatabase(adminUrl, name, { ifMissing: true })).toBe(url)
    const again = postgres(url, { max: 1, onnotice: () => {} })
    expect(await again`select count(*)::int as n from kept`).toEqual([{ n: 0 }])
    await again.end()

    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`drop database ${name}`)
    await admin.end()
    await expect(createDatabase(adminUrl, 'bad; drop')).rejects.toThrow(/not a plain database name/)
  })
})
