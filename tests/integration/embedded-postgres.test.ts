import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres } from '../../dev/embedded-postgres'
import { freePort } from '../../dev/processes'

const parent = mkdtempSync(join(tmpdir(), 'embedded-pg-test-'))
chmodSync(parent, 0o755)
afterAll(() => rmSync(parent, { recursive: true, force: true }))

async function query<T>(url: string, text: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    return (await sql.unsafe(text)) as unknown as T
  } finally {
    await sql.end()
  }
}

describe('embedded Postgres', () => {
  it('keeps data across stop and start of a persistent data directory', async () => {
    const dataDir = join(parent, 'persistent')
    const port = await freePort()
    const first = await startEmbeddedPostgres({ dataDir, port })
    await query(first.url, "create table kept (v text); insert into kept values ('survives')")
    expect(await query<{ wal_level: string }[]>(first.url, 'show wal_level')).toEqual([{ wal_level: 'logical' }])
    await first.stop()
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false)

    const second = await startEmbeddedPostgres({ dataDir, port })
    try {
      expect(await query<{ v: string }[]>(second.url, 'select v from kept')).toEqual([{ v: 'survives' }])
    } finally {
      await second.stop()
    }
  })

  it('recovers when a killed parent left its server running on the data directory', async () => {
    const dataDir = join(parent, 'orphaned')
    const port = await freePort()
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/support/hold-postgres.ts', dataDir, String(port)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    await new Promise<void>((resolve, reject) => {
      holder.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve())
      holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)))
    })
    const orphanPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    holder.kill('SIGKILL')
    await new Promise((r) => holder.once('exit', r))
    expect(() => process.kill(orphanPid, 0)).not.toThrow()

    const lines: string[] = []
    const recovered = await startEmbeddedPostgres({ dataDir, port, onLog: (line) => lines.push(line) })
    try {
      expect(lines.join('\n')).toMatch(/left running by an earlier crash/)
      expect(await query<{ ok: number }[]>(recovered.url, 'select 1 as ok')).toEqual([{ ok: 1 }])
    } finally {
      await recovered.stop()
    }
  })

  it('removes a stale lock file whose server is gone', async () => {
    const dataDir = join(parent, 'stale')
    const port = await freePort()
    let unexpectedExit = false
    const server = await startEmbeddedPostgres({ dataDir, port, onUnexpectedExit: () => (unexpectedExit = true) })
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    process.kill(pid, 'SIGKILL')
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      try {
        process.kill(pid, 0)
        await new Promise((r) => setTimeout(r, 50))
      } catch {
        break
      }
    }
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(true)
    await new Promise((r) => setTimeout(r, 200))
    expect(unexpectedExit).toBe(true)
    await server.stop()

    const lines: string[] = []
    const again = await startEmbeddedPostgres({ dataDir, port, onLog: (line) => lines.push(line) })
    try {
      expect(await query<{ ok: number }[]>(again.url, 'select 1 as ok')).toEqual([{ ok: 1 }])
    } finally {
      await again.stop()
    }
  })

  it('explains a port that is already taken', async () => {
    const port = await freePort()
    const blocker = await startEmbeddedPostgres({ port })
    try {
      await expect(startEmbeddedPostgres({ port })).rejects.toThrow(/did not start on port .*EMBEDDED_PG_PORT/s)
    } finally {
      await blocker.stop()
    }
  })
})
