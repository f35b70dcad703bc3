/**
 * One pass of a log through a parser into Postgres: lines go in, events come out in batches, and
 * each batch is one transaction that writes the events, brings the session row up to date and (for
 * uploads) stores the raw bytes read so far. The session row appears with the first batch, so a
 * large upload or a running agent shows up and fills while it is being read.
 *
 * Identity: the session's source_key is the agent's own session id. A log without one gets a
 * provisional key until its end, then `sha256:<hex>` of its bytes; when that session already
 * exists (the same file again), the provisional one is folded into it.
 */
import { createHash, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { Database, Executor } from '~/db/client'
import type { Session } from '~/db/schema'
import type { AgentLogParser, MalformedLine, TimelineEventDraft } from '~/domain/agent-logs/types'
import { exactLegacySessionKey } from '~/domain/sessions/legacy-key'
import type { SessionSource, SessionStatus } from '~/domain/sessions/session-kinds'
import { sessionUploadsRepository } from '~/server/repositories/session-uploads-repository'
import { type IngestedSessionFields, sessionsRepository } from '~/server/repositories/sessions-repository'
import { timelineEventsRepository } from '~/server/repositories/timeline-events-repository'
import { writeTransaction } from '~/server/repositories/write-transaction'
import { refreshRulesAfterIngest } from '~/server/rules/after-ingest'
import { forgetDetectionState } from '~/server/rules/detect-session'
import { agentName } from './agent-log-parsers'
import { MAX_LINE_BYTES, type SplitLine } from './line-splitter'

/** A batch is written when it holds this many events… */
const BATCH_EVENTS = 2_000
/** …or this many raw bytes wait to be stored… */
const BATCH_RAW_BYTES = 4 * 1024 * 1024
/** …or this long has passed since the last write, so a slow stream still shows up promptly. */
const BATCH_INTERVAL_MS = 250
/** Malformed lines kept with their reason (all are counted). */
const MAX_KEPT_MALFORMED = 50
/**
 * Parsing is synchronous: while a batch is being written, the answers to its queries are only read
 * when the event loop gets a turn, so parsing gives it one this often (each batch takes several
 * round trips; without the turns they would each wait for a whole request chunk to be parsed).
 */
const YIELD_INTERVAL_MS = 3

const PROVISIONAL_KEY_PREFIX = 'pending:'
/** On libuv's thread pool, so compressing the raw copy does not hold up parsing on the main thread. */
const gzipAsync = promisify(gzip)

export interface IngestTarget {
  accountId: string
  source: Exclude<SessionSource, 'legacy'>
  /** The file name (upload) or the path shown to people (discovery, with `~`). */
  displayName: string
  sourcePath: string | null
  /** A pushed log (src/server/ingest/push/): the machine it comes from and who pushed it. */
  pushedFrom?: { machine: string; userId: string; userName: string }
}

export interface IngestProgress {
  sessionId: string
  eventCount: number
  errorLineCount: number
  bytesRead: number
}

export interface IngestRunOptions {
  /** Store the raw bytes in session_uploads (uploads), or not (discovered files stay on disk). */
  storeRaw: boolean
  /** Continue an existing session (a tail after a restart): its source_key. */
  sourceKey?: string
  /** Bytes of the log read before this run (a resumed tail), for the session's size. */
  bytesBefore?: number
  /** Counts are exact rather than only growing (a log read again from its start after truncation). */
  exactCounts?: boolean
  onProgress?: (progress: IngestProgress) => void
}

export interface IngestOutcome {
  /** Undefined when the log held no event at all: then nothing was stored. */
  sessionId: string | undefined
  eventCount: number
  errorLineCount: number
  malformedLines: MalformedLine[]
  /** Lines whose invalid UTF-8 bytes were replaced by U+FFFD (they were still parsed). */
  repairedLineCount: number
  bytesRead: number
  /** True when this content was already stored for the session (nothing new was kept). */
  duplicate: boolean
  txid: number | undefined
}

export class IngestRun {
  private pending: TimelineEventDraft[] = []
  private rawPending: Buffer[] = []
  private rawPendingBytes = 0
  private readonly hash = createHash('sha256')
  private bytesRead = 0
  private lastFlushAt = Date.now()
  private sessionKey: string | undefined
  private session: { id: string; created: boolean } | undefined
  private uploadId: string | undefined
  /** The legacy row this run took over, as it was before (put back if the run fails). */
  private claimedLegacy: Session | undefined
  private chunkSeq = 0
  private ownMalformed: MalformedLine[] = []
  private ownErrorCount = 0
  private repairedLineCount = 0
  private lastTxid: number | undefined
  private inflight: Promise<void> = Promise.resolve()
  private writing = false
  private lastYieldAt = 0

  constructor(
    private readonly db: Database,
    private readonly target: IngestTarget,
    readonly parser: AgentLogParser,
    private readonly options: IngestRunOptions,
  ) {
    this.sessionKey = options.sourceKey
    this.bytesRead = options.bytesBefore ?? 0
  }

  get sessionId() {
    return this.session?.id
  }

  /** Bytes of the log read so far (cheap, unlike `outcome()`, which copies the parser's info). */
  get bytesReadSoFar() {
    return this.bytesRead
  }

  /** Raw bytes as read (before line splitting): counted, hashed and, for uploads, stored. */
  acceptBytes(bytes: Uint8Array) {
    this.bytesRead += bytes.length
    this.hash.update(bytes)
    if (this.options.storeRaw) {
      this.rawPending.push(Buffer.from(bytes))
      this.rawPendingBytes += bytes.length
    }
  }

  async acceptLine(line: SplitLine) {
    if (line.problem === 'too-long') {
      this.noteMalformed({
        lineNumber: line.lineNumber,
        reason: `line is ${(line.byteLength / (1024 * 1024)).toFixed(1)} MB, over the ${MAX_LINE_BYTES / (1024 * 1024)} MB line limit; skipped`,
        excerpt: '',
      })
    } else {
      if (line.problem === 'invalid-utf8') this.repairedLineCount++
      const events = this.parser.push(line.text, line.lineNumber)
      for (const event of events) this.pending.push(event)
    }
    if (this.shouldFlush()) await this.flushInBackground()
    else if (this.writing && performance.now() - this.lastYieldAt >= YIELD_INTERVAL_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      this.lastYieldAt = performance.now()
    }
  }

  /** Releases events the parser holds back (calls waiting for output) and writes them. */
  async release(status: SessionStatus = 'live') {
    for (const event of this.parser.flush()) this.pending.push(event)
    await this.flush(status)
  }

  private shouldFlush() {
    return (
      this.pending.length >= BATCH_EVENTS ||
      this.rawPendingBytes >= BATCH_RAW_BYTES ||
      (this.pending.length > 0 && Date.now() - this.lastFlushAt >= BATCH_INTERVAL_MS)
    )
  }

  private noteMalformed(line: MalformedLine) {
    this.ownErrorCount++
    if (this.ownMalformed.length < MAX_KEPT_MALFORMED) this.ownMalformed.push(line)
  }

  private sessionFields(status: SessionStatus, statusMessage: string | null): IngestedSessionFields {
    const info = this.parser.info()
    const malformed = [...info.malformedLines, ...this.ownMalformed]
      .sort((a, b) => a.lineNumber - b.lineNumber)
      .slice(0, MAX_KEPT_MALFORMED)
    return {
      accountId: this.target.accountId,
      sourceKey: this.sessionKey ?? '',
      source: this.target.source,
      origin: info.origin,
      title: info.title ?? `${agentName(info.origin)} session · ${baseName(this.target.displayName)}`,
      originalName: baseName(this.target.displayName),
      sourcePath: this.target.sourcePath,
      repoName: info.repoName,
      remoteUrl: info.remoteUrl,
      branch: info.branch,
      commitSha: info.commitSha,
      cwd: info.cwd,
      model: info.model,
      cliVersion: info.cliVersion,
      startedAt: info.startedAt,
      lastEventAt: info.lastEventAt,
      eventCount: info.eventCount,
      errorLineCount: info.errorLineCount + this.ownErrorCount,
      malformedLines: malformed,
      sizeBytes: this.bytesRead,
      inputTokens: info.inputTokens,
      cachedInputTokens: info.cachedInputTokens,
      outputTokens: info.outputTokens,
      reasoningTokens: info.reasoningTokens,
      status,
      statusMessage,
      legacyKey: this.legacyKey(),
      ...(this.target.pushedFrom
        ? {
            machine: this.target.pushedFrom.machine,
            pushedByUserId: this.target.pushedFrom.userId,
            pushedByName: this.target.pushedFrom.userName,
          }
        : {}),
    }
  }

  /**
   * Starts writing the pending batch and returns once the previous one is committed, so parsing
   * the next batch overlaps with Postgres storing this one (at most one batch in flight).
   */
  private async flushInBackground() {
    await this.inflight
    this.writing = true
    const writing = this.writeBatch('live', null).finally(() => {
      this.writing = false
    })
    this.inflight = writing
    // Its failure is thrown to whoever waits next (the next batch, flush or complete).
    writing.catch(() => {})
  }

  /** Writes everything pending, after the batch in flight. */
  async flush(status: SessionStatus, statusMessage: string | null = null) {
    await this.inflight
    await this.writeBatch(status, statusMessage)
  }

  /**
   * Writes what is pending in one transaction. The session row is created lazily: with the first
   * event, or once raw bytes pile up without any (so an upload never waits in memory).
   */
  private async writeBatch(status: SessionStatus, statusMessage: string | null) {
    // A continued session (options.sourceKey) is written even without new events: its status may change.
    const needsSession =
      this.session !== undefined ||
      this.options.sourceKey !== undefined ||
      this.pending.length > 0 ||
      this.rawPendingBytes >= BATCH_RAW_BYTES
    if (!needsSession) return
    if (!this.sessionKey) {
      const agentKey = this.parser.info().sourceKey
      this.sessionKey = agentKey ?? `${PROVISIONAL_KEY_PREFIX}${randomUUID()}`
    }
    const events = this.pending
    this.pending = []
    const rawBytes = this.takeRaw()
    const fields = this.sessionFields(status, statusMessage)
    // Each chunk is a gzip member of its own: the concatenation is one valid gzip stream.
    const raw = rawBytes ? await gzipAsync(rawBytes, { level: 1 }) : undefined
    const { txid, session, created, eventsWritten } = await writeTransaction(this.db, async (tx) => {
      if (!this.session) await this.claimLegacySession(tx, fields)
      // The session row first: concurrent runs of one log queue on it instead of deadlocking on
      // events, and writeEvents relies on holding its lock (see there).
      const { session, created } = await sessionsRepository.upsertIngestedSession(tx, fields, {
        exactCounts: this.options.exactCounts,
      })
      this.session ??= { id: session.id, created }
      const eventsWritten = await timelineEventsRepository.writeEvents(
        tx,
        { sessionId: session.id, accountId: session.accountId },
        events,
      )
      if (raw) {
        this.uploadId ??= await sessionUploadsRepository.beginUpload(tx, {
          sessionId: session.id,
          accountId: session.accountId,
          originalName: baseName(this.target.displayName),
        })
        await sessionUploadsRepository.appendChunk(tx, this.uploadId, this.chunkSeq, raw, this.bytesRead)
      }
      return { session, created, eventsWritten }
    })
    this.lastTxid = txid
    // After the commit, off the ingest path: binds a new session's repository, runs detection over
    // the events this batch inserted or changed (none when the same log is read again).
    const { firstOrdinal, lastOrdinal } = eventsWritten
    if (firstOrdinal !== null && lastOrdinal !== null) {
      void refreshRulesAfterIngest(this.db, session, created, { firstOrdinal, lastOrdinal })
    } else if (created) {
      void refreshRulesAfterIngest(this.db, session, created)
    }
    if (raw) this.chunkSeq++
    this.lastFlushAt = Date.now()
    this.options.onProgress?.({
      sessionId: this.session?.id ?? '',
      eventCount: fields.eventCount,
      errorLineCount: fields.errorLineCount,
      bytesRead: this.bytesRead,
    })
  }

  /**
   * The original product's id for this log, when it stands for this log's name alone (see
   * legacy-key.ts). Uploads are named as the original named them (`uploads/<file name>`);
   * discovered files by their `~/…` path, which never fits, as every such id was shared.
   */
  private legacyKey() {
    return exactLegacySessionKey(
      this.target.source === 'upload' ? baseName(this.target.displayName) : this.target.displayName,
    )
  }

  /** A first write under the log's own key takes over the `pnpm import:legacy` row for its name. */
  private async claimLegacySession(tx: Executor, fields: IngestedSessionFields) {
    if (!fields.legacyKey || this.options.sourceKey || fields.sourceKey.startsWith(PROVISIONAL_KEY_PREFIX)) return
    this.claimedLegacy = await sessionsRepository.claimLegacySession(tx, {
      accountId: fields.accountId,
      legacyKey: fields.legacyKey,
      sourceKey: fields.sourceKey,
      source: fields.source,
    })
  }

  private takeRaw(): Buffer | undefined {
    if (this.rawPending.length === 0) return undefined
    const raw = Buffer.concat(this.rawPending)
    this.rawPending = []
    this.rawPendingBytes = 0
    return raw
  }

  /** End of the log: the last events, the final identity, the upload completed. */
  async complete(finalLine?: SplitLine): Promise<IngestOutcome> {
    if (finalLine) await this.acceptLine(finalLine)
    for (const event of this.parser.finish().events) this.pending.push(event)
    const contentKey = `sha256:${this.hash.digest('hex')}`
    await this.flush('complete')
    const info = this.parser.info()
    let duplicate = false
    if (this.session && info.eventCount === 0) {
      // Only unreadable lines: nothing is kept (see docs/ingest.md, "Bad input").
      await this.discard()
    } else if (this.session && this.sessionKey?.startsWith(PROVISIONAL_KEY_PREFIX)) {
      duplicate = await this.settleIdentity(info.sourceKey ?? contentKey)
    }
    if (this.session && this.uploadId) {
      const { uploadId, duplicate: sameContent } = await this.db.transaction((tx) =>
        sessionUploadsRepository.completeUpload(tx, this.uploadId as string, {
          sessionId: this.session?.id as string,
          sha256: contentKey.slice('sha256:'.length),
          sizeBytes: this.bytesRead,
        }),
      )
      this.uploadId = uploadId
      duplicate ||= sameContent
    }
    return this.outcome(duplicate)
  }

  /**
   * Gives a session still under a provisional key its final one now (a tailed log without an agent
   * session id is keyed by the content read so far; later appends keep that key).
   */
  async settleKey() {
    if (!this.session || !this.sessionKey?.startsWith(PROVISIONAL_KEY_PREFIX)) return
    await this.settleIdentity(this.parser.info().sourceKey ?? `sha256:${this.hash.copy().digest('hex')}`)
  }

  /** The provisional key becomes the final one, or the session merges into the one that has it. */
  private async settleIdentity(finalKey: string): Promise<boolean> {
    const session = this.session as { id: string; created: boolean }
    return this.db.transaction(async (tx) => {
      if (await sessionsRepository.rekeySession(tx, session.id, finalKey)) {
        this.sessionKey = finalKey
        return false
      }
      const existing = await sessionsRepository.findBySourceKey(tx, this.target.accountId, finalKey)
      if (!existing) throw new Error(`Session key ${finalKey} is taken but its session cannot be read.`)
      if (this.uploadId) await sessionUploadsRepository.moveUpload(tx, this.uploadId, existing.id)
      await sessionsRepository.deleteSession(tx, session.id)
      this.session = { id: existing.id, created: false }
      this.sessionKey = finalKey
      return true
    })
  }

  /**
   * Undoes this run: a session it created is deleted with its events (never a half-written
   * session); an existing session only loses this run's raw copy and is marked with `status`.
   */
  async abandon(reason: string, status: SessionStatus = 'complete') {
    // A batch still being written would otherwise commit after the clean-up.
    await this.inflight.catch(() => {})
    if (!this.session || (await this.releaseLegacyClaim())) return
    if (this.session.created) {
      await this.discard()
      return
    }
    const uploadId = this.uploadId
    const sessionId = this.session.id
    await this.db.transaction(async (tx) => {
      if (uploadId) await sessionUploadsRepository.deleteUpload(tx, uploadId)
      await sessionsRepository.setStatus(tx, sessionId, status, status === 'complete' ? null : reason)
    })
    this.uploadId = undefined
  }

  /** A legacy row this run took over goes back to what it was: no events, no upload, its key. */
  private async releaseLegacyClaim() {
    const before = this.claimedLegacy
    if (!before) return false
    const uploadId = this.uploadId
    await this.db.transaction(async (tx) => {
      if (uploadId) await sessionUploadsRepository.deleteUpload(tx, uploadId)
      await timelineEventsRepository.deleteEventsFrom(tx, before.id, 0)
      await sessionsRepository.restoreLegacySession(tx, before)
    })
    forgetDetectionState(before.id)
    this.claimedLegacy = undefined
    this.session = undefined
    this.uploadId = undefined
    return true
  }

  private async discard() {
    const session = this.session
    if (!session || (await this.releaseLegacyClaim())) return
    if (session.created) {
      await this.db.transaction((tx) => sessionsRepository.deleteSession(tx, session.id))
    } else if (this.uploadId) {
      const uploadId = this.uploadId
      await this.db.transaction((tx) => sessionUploadsRepository.deleteUpload(tx, uploadId))
    }
    this.session = undefined
    this.uploadId = undefined
  }

  outcome(duplicate = false): IngestOutcome {
    const info = this.parser.info()
    return {
      sessionId: this.session?.id,
      eventCount: info.eventCount,
      errorLineCount: info.errorLineCount + this.ownErrorCount,
      malformedLines: [...info.malformedLines, ...this.ownMalformed].sort((a, b) => a.lineNumber - b.lineNumber),
      repairedLineCount: this.repairedLineCount,
      bytesRead: this.bytesRead,
      duplicate,
      txid: this.lastTxid,
    }
  }
}

function baseName(path: string) {
  return path.split(/[\\/]/).pop() || path
}
