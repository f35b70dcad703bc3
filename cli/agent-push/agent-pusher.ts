/**
 * The pusher: finds this machine's agent logs (discovery's file walker, same folders and rules),
 * and sends each log's bytes past the server's offset, in order, one chunk at a time. The
 * server's offsets are the truth: they are fetched at start and after every network failure, and
 * every answer carries the offset to continue from, so nothing the server has is sent twice.
 * Network failures and 5xx wait with capped exponential backoff, then the pass resumes.
 */
import { open } from 'node:fs/promises'
import { fileNameOf } from '../../src/domain/push/push-protocol'
import { type FoundFile, findLogFiles } from '../../src/server/ingest/discovery/file-walker'
import { FatalError, type PushClient, RetryableError } from './push-client'

/** Appended by agents line by line; `.json` documents are rewritten whole and cannot be pushed by offset. */
const PUSHED_EXTENSIONS = ['.jsonl', '.ndjson']
const INITIAL_BACKOFF_MS = 250

export interface PusherLog {
  info(message: string): void
  warn(message: string): void
}

export interface AgentPusherOptions {
  client: PushClient
  dirs: readonly string[]
  idleMs: number
  chunkBytes: number
  maxBackoffMs: number
  log: PusherLog
  now?: () => number
}

interface LogProgress {
  /** What the server has (its last answer). */
  offset: number
  /** The size at which the server was told the log is complete. */
  completedAtSize?: number
}

export class AgentPusher {
  private progress = new Map<string, LogProgress>()
  private refused = new Set<string>()
  private warnedShrunk = new Set<string>()
  private synced = false
  private failures = 0
  private stopped = false
  private wake: (() => void) | undefined

  constructor(private readonly options: AgentPusherOptions) {}

  /** Runs passes every `intervalMs` until `stop()`; only a refused token ends it early (FatalError). */
  async run(intervalMs: number) {
    while (!this.stopped) {
      const delay = (await this.passWithRetry()) ? intervalMs : this.backoffMs()
      await this.sleep(delay)
    }
  }

  stop() {
    this.stopped = true
    this.wake?.()
  }

  /** One pass; false when it stopped on a network failure (the next one resumes from the server's offsets). */
  async passWithRetry(): Promise<boolean> {
    try {
      await this.pass()
      if (this.failures > 0) this.options.log.info('connected again; caught up')
      this.failures = 0
      return true
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error
      this.failures++
      this.synced = false
      this.options.log.warn(`${error.message}; retrying in ${Math.round(this.backoffMs() / 100) / 10} s`)
      return false
    }
  }

  /** Sends everything new once. Returns the number of logs fully on the server. */
  async pass(): Promise<{ logs: number; pending: number }> {
    if (!this.synced) await this.syncOffsets()
    const files = await findLogFiles(this.options.dirs)
    let pending = 0
    let logs = 0
    for (const file of files.values()) {
      if (this.stopped) break
      if (!PUSHED_EXTENSIONS.some((extension) => file.path.endsWith(extension))) continue
      if (this.refused.has(file.path)) continue
      logs++
      if (!(await this.pushFile(file))) pending++
    }
    return { logs, pending }
  }

  private async syncOffsets() {
    const { offsets, refused } = await this.options.client.offsets()
    for (const [sourceKey, offset] of offsets) {
      const known = this.progress.get(sourceKey)
      this.progress.set(sourceKey, { ...known, offset })
    }
    this.refused = refused
    this.synced = true
  }

  /** Sends what the server lacks of one log; true when the server has all of it. */
  private async pushFile(file: FoundFile): Promise<boolean> {
    const sourceKey = file.path
    const fileName = fileNameOf(file.path)
    const progress = this.progress.get(sourceKey) ?? { offset: 0 }
    this.progress.set(sourceKey, progress)
    if (file.size < progress.offset) {
      if (!this.warnedShrunk.has(sourceKey)) {
        this.options.log.warn(
          `${file.path} is shorter than what the server has (${file.size} < ${progress.offset} bytes); it was ` +
            'truncated or replaced, and is not pushed again',
        )
        this.warnedShrunk.add(sourceKey)
      }
      return true
    }
    const handle = await open(file.path, 'r').catch(() => undefined)
    if (!handle) return true
    try {
      while (progress.offset < file.size && !this.stopped) {
        const length = Math.min(this.options.chunkBytes, file.size - progress.offset)
        const buffer = Buffer.alloc(length)
        const { bytesRead } = await handle.read(buffer, 0, length, progress.offset)
        if (bytesRead === 0) break
        const result = await this.options.client.pushChunk({
          sourceKey,
          fileName,
          offset: progress.offset,
          bytes: buffer.subarray(0, bytesRead),
        })
        if (result.kind === 'refused') {
          this.options.log.warn(`${file.path} is not pushed: ${result.message}`)
          this.refused.add(sourceKey)
          return true
        }
        // Stored or resend-from: either way the server says where to continue.
        progress.offset = result.offset
        progress.completedAtSize = undefined
      }
    } finally {
      await handle.close()
    }
    const now = this.options.now?.() ?? Date.now()
    const quiet = now - file.mtimeMs > this.options.idleMs
    if (progress.offset >= file.size && quiet && progress.completedAtSize !== file.size) {
      const result = await this.options.client.pushChunk({
        sourceKey,
        fileName,
        offset: progress.offset,
        bytes: new Uint8Array(0),
        complete: true,
      })
      if (result.kind !== 'refused') progress.completedAtSize = file.size
    }
    return progress.offset >= file.size
  }

  private backoffMs() {
    const exponent = Math.min(this.failures, 20)
    const base = Math.min(this.options.maxBackoffMs, INITIAL_BACKOFF_MS * 2 ** exponent)
    // Jitter, so pushers that lost the same server do not all come back at the same instant.
    return Math.round(base * (0.75 + Math.random() * 0.25))
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}

export { FatalError }
