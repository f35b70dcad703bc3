/**
 * Discovery and live tail of agent logs under SESSION_DIRS, as a service that runs in the app
 * server (started by src/server/startup/session-discovery.ts) or alone in a test.
 *
 * - Only the instance holding the discovery advisory lock works; the others retry now and then
 *   and take over when the holder stops or its connection dies.
 * - A scan walks the folders and reads files whose size, mtime or inode changed since the last
 *   read (kept in `discovered_files`, so a restart re-reads nothing).
 * - Between scans, files that are still being written (changed within the live window) are polled
 *   every `tailIntervalMs`; their new lines become events within that interval plus one batch.
 * - A file that disappears while tailed leaves its session `interrupted`.
 */

import { ADVISORY_LOCK_KEYS } from '~/db/advisory-locks'
import type { DatabaseClient } from '~/db/client'
import { describeError } from '~/server/log'
import { type HeldLock, tryHoldAdvisoryLock } from '~/server/repositories/advisory-locks'
import {
  type DiscoveredFileState,
  discoveredFilesRepository,
  isDeletedSessionFile,
} from '~/server/repositories/discovered-files-repository'
import { sessionsRepository } from '~/server/repositories/sessions-repository'
import { readDiscoveredFile } from './discovered-file-reader'
import { type FoundFile, findLogFiles, statLogFile } from './file-walker'

export interface DiscoveryLog {
  info(message: string): void
  warn(message: string): void
}

export interface SessionDiscoveryOptions {
  client: DatabaseClient
  /** The account discovered sessions belong to (the local owner's). */
  resolveAccountId: () => Promise<string>
  dirs: readonly string[]
  scanIntervalMs: number
  tailIntervalMs?: number
  /** A file unchanged for longer than this is complete. */
  liveWindowMs?: number
  /** How often an instance without the lock tries to take it. */
  leaderRetryMs?: number
  log?: DiscoveryLog
}

export interface ScanReport {
  files: number
  read: number
  unchanged: number
  removed: number
}

interface TrackedFile {
  state: DiscoveredFileState
  live: boolean
}

const silent: DiscoveryLog = { info: () => {}, warn: () => {} }

export class SessionDiscovery {
  private readonly tracked = new Map<string, TrackedFile>()
  private accountId: string | undefined
  private lock: HeldLock | undefined
  private running = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  private lastLeadProblem: string | undefined
  private readonly log: DiscoveryLog
  private readonly tailIntervalMs: number
  private readonly liveWindowMs: number
  private readonly leaderRetryMs: number

  constructor(private readonly options: SessionDiscoveryOptions) {
    this.log = options.log ?? silent
    this.tailIntervalMs = options.tailIntervalMs ?? 250
    this.liveWindowMs = options.liveWindowMs ?? 120_000
    this.leaderRetryMs = options.leaderRetryMs ?? 5_000
  }

  get isLeader() {
    return this.lock !== undefined
  }

  /** Starts the background loop; resolves at once (leadership is taken when available). */
  start() {
    if (this.running || this.options.dirs.length === 0) return
    this.running = true
    this.loop = this.run()
  }

  async stop() {
    this.running = false
    this.wake?.()
    await this.loop
    await this.lock?.release()
    this.lock = undefined
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

  private async run() {
    while (this.running) {
      if (!this.lock) {
        const taken = await this.takeLead().catch((error: unknown) => {
          // Said once, not every retry: waiting for an account can last until someone signs up.
          const problem = `could not try the discovery lock: ${describeError(error)}`
          if (problem !== this.lastLeadProblem) this.log.warn(problem)
          this.lastLeadProblem = problem
          return false
        })
        if (!taken) {
          await this.sleep(this.leaderRetryMs)
          continue
        }
        this.lastLeadProblem = undefined
      }
      let nextScan = 0
      while (this.running && this.lock) {
        try {
          if (Date.now() >= nextScan) {
            await this.scan()
            nextScan = Date.now() + this.options.scanIntervalMs
          } else {
            await this.tailLiveFiles()
          }
        } catch (error) {
          this.log.warn(`discovery pass failed (retrying): ${describeError(error)}`)
        }
        await this.sleep(this.tailIntervalMs)
      }
    }
  }

  private async takeLead() {
    const accountId = await this.options.resolveAccountId()
    const lock = await tryHoldAdvisoryLock(this.options.client.sql, ADVISORY_LOCK_KEYS.sessionDiscovery)
    if (!lock) return false
    try {
      await this.load(accountId)
    } catch (error) {
      await lock.release()
      throw error
    }
    this.lock = lock
    void lock.lost.then(() => {
      if (this.lock !== lock) return
      this.log.warn('lost the discovery lock (database connection dropped); another instance may take over')
      this.lock = undefined
      this.tracked.clear()
    })
    this.log.info(`discovering agent logs in ${this.options.dirs.join(', ')}`)
    return true
  }

  /** What earlier runs (of any instance) read; live sessions get one more look to settle their status. */
  private async load(accountId: string) {
    const db = this.options.client.db
    this.accountId = accountId
    this.tracked.clear()
    const liveSessions = new Set(await sessionsRepository.listLiveSessionIds(db, this.accountId, 'discovered'))
    for (const state of await discoveredFilesRepository.listFiles(db, this.accountId)) {
      this.tracked.set(state.path, { state, live: state.sessionId !== null && liveSessions.has(state.sessionId) })
    }
  }

  /** One full pass over the folders (also usable directly, e.g. by tests and the bench). */
  async scan(): Promise<ScanReport> {
    if (!this.accountId) await this.load(await this.options.resolveAccountId())
    const found = await findLogFiles(this.options.dirs)
    const report: ScanReport = { files: found.size, read: 0, unchanged: 0, removed: 0 }
    for (const file of found.values()) {
      if (!this.running && this.loop) break
      const tracked = this.tracked.get(file.path)
      if (tracked && !tracked.live && (isUnchanged(tracked.state, file) || isDeletedSessionFile(tracked.state))) {
        report.unchanged++
        continue
      }
      if (await this.read(file, tracked)) report.read++
    }
    for (const [path, tracked] of this.tracked) {
      if (found.has(path)) continue
      await this.forget(path, tracked)
      report.removed++
    }
    return report
  }

  /** Polls the files still being written; reads those that changed, settles those gone quiet. */
  async tailLiveFiles() {
    for (const [path, tracked] of this.tracked) {
      if (!tracked.live) continue
      const file = await statLogFile(path)
      if (!file) {
        await this.forget(path, tracked)
        continue
      }
      const quiet = Date.now() - file.mtimeMs > this.liveWindowMs
      if (isUnchanged(tracked.state, file) && !quiet) continue
      await this.read(file, tracked)
    }
  }

  private async read(file: FoundFile, tracked: TrackedFile | undefined): Promise<boolean> {
    const accountId = this.accountId as string
    const db = this.options.client.db
    try {
      const result = await readDiscoveredFile(
        { db, accountId, liveWindowMs: this.liveWindowMs, now: Date.now() },
        file,
        tracked?.state,
      )
      await discoveredFilesRepository.saveFile(db, accountId, result.state)
      this.tracked.set(file.path, result)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (tracked) await this.forget(file.path, tracked)
        return false
      }
      this.log.warn(`could not read ${file.path}: ${describeError(error)}`)
      return false
    }
  }

  /** The file is gone: its session keeps what was read, and is `interrupted` if it was still live. */
  private async forget(path: string, tracked: TrackedFile) {
    const db = this.options.client.db
    if (tracked.state.sessionId) {
      await sessionsRepository.markInterrupted(
        db,
        [tracked.state.sessionId],
        `The log file was deleted while it was being read (${path}).`,
      )
    }
    await discoveredFilesRepository.forgetFile(db, this.accountId as string, path)
    this.tracked.delete(path)
  }
}

function isUnchanged(state: DiscoveredFileState, file: FoundFile) {
  return state.sizeBytes === file.size && state.mtimeMs === file.mtimeMs && state.fileIdentity === file.identity
}
