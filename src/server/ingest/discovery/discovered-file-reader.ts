/**
 * Reads what is new in one discovered log file and writes it, returning the file's new bookkeeping.
 *
 * - A JSONL log continues from the saved byte offset with the saved parser state, so each pass reads
 *   only appended lines. A partial last line (the agent is still writing it) is left for the next
 *   pass, unless the file has been quiet for the live window.
 * - A `.json` document (Gemini CLI rewrites its chat files whole) is read from its start each time it
 *   changes; unchanged events are not rewritten (see the timeline events repository).
 * - A file that shrank or was replaced (another inode at the path: write-to-temp + rename) is read
 *   again from its start, and the session's events beyond the new end are deleted.
 */
import { open } from 'node:fs/promises'
import { homedir } from 'node:os'
import type { Database } from '~/db/client'
import type { AgentLogParserState } from '~/domain/agent-logs/types'
import { chooseParser, type ParserChoice, resumeParser } from '~/server/ingest/agent-log-parsers'
import { SNIFF_BYTES, sniffContent } from '~/server/ingest/content-sniffer'
import { IngestRun } from '~/server/ingest/ingest-run'
import { LineSplitter } from '~/server/ingest/line-splitter'
import { DELETED_SESSION_REJECTION, type DiscoveredFileState } from '~/server/repositories/discovered-files-repository'
import { sessionsRepository } from '~/server/repositories/sessions-repository'
import { timelineEventsRepository } from '~/server/repositories/timeline-events-repository'
import { refreshRulesAfterIngest } from '~/server/rules/after-ingest'
import { forgetDetectionState } from '~/server/rules/detect-session'
import type { FoundFile } from './file-walker'

const READ_BYTES = 1024 * 1024

export interface ReadContext {
  db: Database
  accountId: string
  /** A file quiet for longer than this is complete: held events are released, status `complete`. */
  liveWindowMs: number
  now: number
}

export interface ReadResult {
  state: DiscoveredFileState
  /** True while the file counts as still being written. */
  live: boolean
}

/** `~/…` for paths under the home folder, as the original product showed them. */
export function displayPath(path: string) {
  const home = homedir()
  return home && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path
}

function rejected(file: FoundFile, previous: DiscoveredFileState | undefined, rejection: string): ReadResult {
  return {
    live: false,
    state: {
      path: file.path,
      sessionId: previous?.sessionId ?? null,
      sizeBytes: file.size,
      mtimeMs: file.mtimeMs,
      fileIdentity: file.identity,
      offsetBytes: 0,
      lineNumber: 0,
      parserState: null,
      rejection,
    },
  }
}

async function readHead(path: string) {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

export async function readDiscoveredFile(
  context: ReadContext,
  file: FoundFile,
  previous: DiscoveredFileState | undefined,
): Promise<ReadResult> {
  const isDocument = file.path.endsWith('.json')
  const replaced =
    previous !== undefined &&
    previous.offsetBytes > 0 &&
    (previous.fileIdentity !== file.identity || file.size < previous.offsetBytes)
  const savedState = previous?.parserState as AgentLogParserState | null | undefined
  const continues = previous !== undefined && !replaced && !isDocument && !previous.rejection && Boolean(savedState)
  const idle = context.now - file.mtimeMs > context.liveWindowMs

  let sourceKey: string | undefined
  let offset = 0
  let lineNumber = 0
  let parserChoice: ParserChoice
  if (continues && savedState) {
    const session = previous?.sessionId
      ? await sessionsRepository.findSession(context.db, previous.sessionId)
      : undefined
    // Deleted since this instance last read the file: what follows must not become a partial session.
    if (previous?.sessionId && !session) {
      const dismissed = rejected(file, previous, DELETED_SESSION_REJECTION)
      return { ...dismissed, state: { ...dismissed.state, sessionId: null } }
    }
    sourceKey = session?.sourceKey
    offset = previous?.offsetBytes ?? 0
    lineNumber = previous?.lineNumber ?? 0
    parserChoice = { ok: true, parser: resumeParser(savedState) }
  } else {
    const head = await readHead(file.path)
    if (head.length === 0) {
      // An agent creates the file before its first line: look again when it changes.
      return { live: !idle, state: { ...rejected(file, previous, '').state, rejection: null } }
    }
    const verdict = sniffContent(head)
    if (!verdict.ok) return rejected(file, previous, verdict.message)
    parserChoice = chooseParser(new TextDecoder().decode(head), file.path)
  }
  if (!parserChoice.ok) return rejected(file, previous, parserChoice.message)
  const parser = parserChoice.parser

  const run = new IngestRun(
    context.db,
    { accountId: context.accountId, source: 'discovered', displayName: displayPath(file.path), sourcePath: file.path },
    parser,
    { storeRaw: false, sourceKey, bytesBefore: offset, exactCounts: replaced },
  )
  const splitter = new LineSplitter(lineNumber + 1)
  let consumed = offset
  const handle = await open(file.path, 'r')
  try {
    const buffer = Buffer.alloc(READ_BYTES)
    for (let position = offset; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, position)
      if (bytesRead === 0) break
      position += bytesRead
      const chunk = buffer.subarray(0, bytesRead)
      run.acceptBytes(chunk)
      for (const line of splitter.push(chunk)) {
        await run.acceptLine(line)
        consumed += line.byteLength
        lineNumber = line.lineNumber
      }
    }
  } finally {
    await handle.close()
  }

  const finalLine = isDocument || idle ? splitter.end() : undefined
  if (finalLine) {
    consumed += finalLine.byteLength
    lineNumber = finalLine.lineNumber
  }
  if (isDocument) {
    await run.complete(finalLine)
  } else {
    if (finalLine) await run.acceptLine(finalLine)
    if (idle) await run.release('complete')
    else await run.flush('live')
    await run.settleKey()
  }
  const sessionId = run.sessionId ?? (continues ? (previous?.sessionId ?? null) : null)
  if (replaced && sessionId) {
    // The log now ends earlier than what was stored from it.
    const deleted = await timelineEventsRepository.deleteEventsFrom(context.db, sessionId, parser.info().eventCount)
    if (deleted > 0) {
      // What detection kept of the longer log no longer holds: the session is scanned again whole.
      forgetDetectionState(sessionId)
      void refreshRulesAfterIngest(context.db, { id: sessionId, accountId: context.accountId }, false)
    }
  }
  return {
    live: !idle && !isDocument,
    state: {
      path: file.path,
      sessionId,
      sizeBytes: file.size,
      mtimeMs: file.mtimeMs,
      fileIdentity: file.identity,
      offsetBytes: consumed,
      lineNumber,
      parserState: isDocument ? null : (parser.saveState() as unknown as Record<string, unknown>),
      rejection: null,
    },
  }
}
