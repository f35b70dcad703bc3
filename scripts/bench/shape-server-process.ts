/**
 * The shape server of `pnpm bench shape-server`, in a child process of its own: its RSS
 * (/proc/<pid>/status) and its open files are the server's alone, not the simulated clients'.
 * The parent talks to it over the IPC channel: heap after GC, the server's diagnostics, close.
 */
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ShapeServerDiagnostics, ShapeServerOptions } from '@session-coach/shape-server'
import { SHAPE_SERVER_NODE_FLAGS } from '@session-coach/shape-server/node-flags'

const CHILD_FLAG = '--shape-server-bench-child'

export type BenchServerOptions = Omit<ShapeServerOptions, 'databaseUrl' | 'port' | 'log' | 'onStatement'>

type Request = { id: number; kind: 'memory' | 'diagnostics' | 'close' }

export interface ServerMemory {
  /** V8 heap in use after three full collections. */
  heapUsed: number
  /** Buffers and other memory outside the V8 heap that V8 knows of. */
  external: number
  rss: number
  diagnostics: ShapeServerDiagnostics
}

if (process.argv.includes(CHILD_FLAG)) void serveInChild()

async function serveInChild() {
  const { silentLogger, startShapeServer } = await import('@session-coach/shape-server')
  const { databaseUrl, options } = JSON.parse(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]) as {
    databaseUrl: string
    options: BenchServerOptions
  }
  const collectGarbage = (globalThis as { gc?: () => void }).gc
  if (!collectGarbage) throw new Error('the bench server needs --expose-gc')
  const server = await startShapeServer({ databaseUrl, port: 0, log: silentLogger, ...options })
  const send = (message: unknown) => process.send?.(message)
  send({ ready: true, url: server.url })
  // The bench crashed: close anyway, so the replication slot is dropped.
  process.on('disconnect', () => void server.close().finally(() => process.exit(0)))
  process.on('message', async (request: Request) => {
    if (request.kind === 'memory') {
      for (let round = 0; round < 3; round++) {
        collectGarbage()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const usage = process.memoryUsage()
      send({
        id: request.id,
        heapUsed: usage.heapUsed,
        external: usage.external,
        rss: usage.rss,
        diagnostics: server.diagnostics(),
      } satisfies ServerMemory & { id: number })
    } else if (request.kind === 'diagnostics') {
      send({ id: request.id, diagnostics: server.diagnostics() })
    } else {
      await server.close()
      send({ id: request.id, closed: true })
      // The IPC channel would keep this child alive.
      process.disconnect?.()
    }
  })
}

/** Resident set size of a process in bytes (`VmRSS`), and its peak so far (`VmHWM`). */
export function residentBytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 }
}

export class ShapeServerProcess {
  private nextId = 1
  private stopped: Promise<void> | undefined
  private readonly pending = new Map<number, (value: Record<string, unknown>) => void>()

  private constructor(
    private readonly child: ReturnType<typeof fork>,
    readonly url: string,
  ) {
    child.on('message', (message: { id?: number }) => {
      if (message.id === undefined) return
      this.pending.get(message.id)?.(message as Record<string, unknown>)
      this.pending.delete(message.id)
    })
  }

  get pid(): number {
    return this.child.pid as number
  }

  static async start(databaseUrl: string, options: BenchServerOptions = {}): Promise<ShapeServerProcess> {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, JSON.stringify({ databaseUrl, options })], {
      // As the stacks start the CLI (dev/commands.ts), plus --expose-gc for heap-after-GC samples.
      execArgv: ['--expose-gc', ...SHAPE_SERVER_NODE_FLAGS, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const url = await new Promise<string>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', (code) => reject(new Error(`the bench shape server exited with ${code} before it was ready`)))
      child.once('message', (message: { url: string }) => resolve(message.url))
    })
    child.removeAllListeners('exit')
    return new ShapeServerProcess(child, url)
  }

  private ask<T>(kind: Request['kind']): Promise<T> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (value: Record<string, unknown>) => void)
      this.child.send({ id, kind } satisfies Request)
    })
  }

  /** Heap after GC, RSS and diagnostics; the collections pause the server for a moment. */
  memory(): Promise<ServerMemory> {
    return this.ask<ServerMemory>('memory')
  }

  async diagnostics(): Promise<ShapeServerDiagnostics> {
    return (await this.ask<{ diagnostics: ShapeServerDiagnostics }>('diagnostics')).diagnostics
  }

  async heapUsed(): Promise<number> {
    return (await this.memory()).heapUsed
  }

  resident(): { rss: number; peak: number } {
    return residentBytes(this.pid)
  }

  /** Closes the server (held requests answered, slot dropped) and waits for the process to end. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.child.exitCode !== null) return
      const exited = new Promise((resolve) => this.child.once('exit', resolve))
      await this.ask('close')
      await exited
    })()
    return this.stopped
  }
}
