/**
 * The incremental ingest API's work: one chunk of a log a client appends at a byte offset. The
 * chunk runs through the same pipeline as discovery's tail (content sniffer, parser choice, line
 * splitter, IngestRun with the parser resumed from its saved state), so a pushed log becomes the
 * same events as the same file read from disk.
 *
 * - Idempotent: bytes the server already has are skipped, so a repeated or overlapping chunk
 *   changes nothing; a chunk that starts past the server's offset is refused (409) with the offset
 *   to resend from.
 * - A last line without its line break is kept (`pending_bytes`) until the rest arrives, or until
 *   the client says the log is complete.
 * - Events are written before the offset moves: a failure in between makes the client resend, and
 *   the same bytes parsed from the same saved state give the same events at the same ordinals
 *   (written as upserts), so nothing is counted twice.
 */
import type { Database } from '~/db/client'
import type { AgentLogParserState } from '~/domain/agent-logs/types'
import { chooseParser, resumeParser } from '~/server/ingest/agent-log-parsers'
import { SNIFF_BYTES, sniffContent } from '~/server/ingest/content-sniffer'
import { IngestRun } from '~/server/ingest/ingest-run'
import { LineSplitter, MAX_LINE_BYTES } from '~/server/ingest/line-splitter'
import type { Principal } from '~/server/repositories/accounts-repository'
import {
  type PushedSourceKey,
  type PushedSourceState,
  pushedSourcesRepository,
} from '~/server/repositories/pushed-sources-repository'

export interface PushChunk {
  principal: Principal
  machine: string
  sourceKey: string
  /** The log's file name, for format detection and the session's title. */
  fileName: string
  /** Where `bytes` start in the log. */
  offset: number
  bytes: Buffer
  /** The log is finished (its writer went quiet): a last line without a line break is read too. */
  complete: boolean
}

export type PushOutcome =
  | { kind: 'appended'; offset: number; appended: number; sessionId: string | null }
  /** The chunk does not start at or before the server's offset (or another request moved it meanwhile). */
  | { kind: 'offset-conflict'; offset: number }
  | { kind: 'rejected'; offset: number; message: string }
  | { kind: 'line-too-long'; offset: number }

/** One chunk at a time per log in this process; the saved offset is compared-and-set besides. */
const queues = new Map<string, Promise<unknown>>()

function inQueue<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(work)
  queues.set(key, next)
  void next
    .catch(() => {})
    .finally(() => {
      if (queues.get(key) === next) queues.delete(key)
    })
  return next
}

/** The session key of a pushed log: its own namespace, so it never merges with an upload or a discovered file. */
export function pushedSessionKey(machine: string, sourceKey: string) {
  return `push:${machine}:${sourceKey}`
}

export function appendPushedChunk(db: Database, chunk: PushChunk): Promise<PushOutcome> {
  const key: PushedSourceKey = {
    accountId: chunk.principal.account.id,
    machine: chunk.machine,
    sourceKey: chunk.sourceKey,
  }
  return inQueue(JSON.stringify(key), () => append(db, key, chunk))
}

async function append(db: Database, key: PushedSourceKey, chunk: PushChunk): Promise<PushOutcome> {
  const state = await pushedSourcesRepository.find(db, key)
  const serverOffset = state?.offsetBytes ?? 0
  if (chunk.offset > serverOffset) return { kind: 'offset-conflict', offset: serverOffset }
  if (state?.rejection) return { kind: 'rejected', offset: serverOffset, message: state.rejection }

  const fresh = chunk.bytes.subarray(Math.min(chunk.bytes.length, serverOffset - chunk.offset))
  const pending = state?.pendingBytes ?? Buffer.alloc(0)
  if (fresh.length === 0 && (!chunk.complete || (pending.length === 0 && !state?.parserState))) {
    return { kind: 'appended', offset: serverOffset, appended: 0, sessionId: state?.sessionId ?? null }
  }
  const data = pending.length > 0 ? Buffer.concat([pending, fresh]) : fresh
  const newOffset = serverOffset + fresh.length
  const base: PushedSourceState = {
    ...key,
    sessionId: state?.sessionId ?? null,
    offsetBytes: newOffset,
    lineNumber: state?.lineNumber ?? 0,
    pendingBytes: null,
    parserState: state?.parserState ?? null,
    rejection: null,
  }

  // The owner deleted the session: later lines are not turned into a partial session again.
  if (state?.parserState && state.lineNumber > 0 && !state.sessionId) {
    return saved(db, base, serverOffset, { sessionId: null, appended: fresh.length })
  }

  let parser: ReturnType<typeof resumeParser>
  if (state?.parserState) {
    parser = resumeParser(state.parserState as unknown as AgentLogParserState)
  } else {
    // The format is judged on whole lines: until the first line break, everything waits.
    if (!data.includes(0x0a) && !chunk.complete) {
      return saved(db, { ...base, pendingBytes: data }, serverOffset, { sessionId: null, appended: fresh.length })
    }
    const head = data.subarray(0, SNIFF_BYTES)
    const verdict = sniffContent(head)
    const choice = verdict.ok ? chooseParser(new TextDecoder().decode(head), chunk.fileName) : verdict
    if (!choice.ok) {
      await pushedSourcesRepository.save(db, { ...base, rejection: choice.message }, serverOffset)
      return { kind: 'rejected', offset: newOffset, message: choice.message }
    }
    parser = choice.parser
  }

  const run = new IngestRun(
    db,
    {
      accountId: key.accountId,
      source: 'pushed',
      displayName: chunk.fileName,
      // Never a client's path: the raw download reads `source_path` from the server's own disk.
      sourcePath: null,
      pushedFrom: {
        machine: chunk.machine,
        userId: chunk.principal.user.id,
        userName: chunk.principal.user.displayName,
      },
    },
    parser,
    {
      storeRaw: false,
      sourceKey: pushedSessionKey(key.machine, key.sourceKey),
      bytesBefore: serverOffset - pending.length,
    },
  )
  const splitter = new LineSplitter(base.lineNumber + 1)
  let lineNumber = base.lineNumber
  run.acceptBytes(data)
  for (const line of splitter.push(data)) {
    await run.acceptLine(line)
    lineNumber = line.lineNumber
  }
  const finalLine = chunk.complete ? splitter.end() : undefined
  if (finalLine) {
    await run.acceptLine(finalLine)
    lineNumber = finalLine.lineNumber
  }
  const held = splitter.bufferedBytes
  if (held > MAX_LINE_BYTES) return { kind: 'line-too-long', offset: serverOffset }
  if (lineNumber > base.lineNumber || chunk.complete) {
    if (chunk.complete) await run.release('complete')
    else await run.flush('live')
  }
  return saved(
    db,
    {
      ...base,
      sessionId: run.sessionId ?? base.sessionId,
      lineNumber,
      pendingBytes: held > 0 ? data.subarray(data.length - held) : null,
      parserState: parser.saveState() as unknown as Record<string, unknown>,
    },
    serverOffset,
    { sessionId: run.sessionId ?? base.sessionId, appended: fresh.length },
  )
}

async function saved(
  db: Database,
  next: PushedSourceState,
  expectedOffset: number,
  result: { sessionId: string | null; appended: number },
): Promise<PushOutcome> {
  if (!(await pushedSourcesRepository.save(db, next, expectedOffset))) {
    // Another instance moved the offset meanwhile; the client resends from where it now is.
    const now = await pushedSourcesRepository.find(db, next)
    return { kind: 'offset-conflict', offset: now?.offsetBytes ?? 0 }
  }
  return { kind: 'appended', offset: next.offsetBytes, ...result }
}
