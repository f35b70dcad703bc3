/**
 * A whole log from a byte stream (an upload's request body, a file read from its start): checked
 * before anything is stored, then parsed and written batch by batch. Bad input ends in an
 * `IngestRejection` whose message tells the person what to do, and nothing stays behind.
 */
import type { Database } from '~/db/client'
import type { MalformedLine } from '~/domain/agent-logs/types'
import { agentName, chooseParser } from './agent-log-parsers'
import { SNIFF_BYTES, sniffContent } from './content-sniffer'
import { type IngestOutcome, type IngestProgress, IngestRun, type IngestTarget } from './ingest-run'
import { LineSplitter } from './line-splitter'

export type RejectionKind = 'empty' | 'binary' | 'undecodable' | 'unsupported' | 'no-events' | 'too-large'

export class IngestRejection extends Error {
  constructor(
    readonly kind: RejectionKind,
    message: string,
  ) {
    super(message)
    this.name = 'IngestRejection'
  }
}

export interface StreamIngestOptions {
  /** Bytes accepted before the stream is refused as too large. */
  maxBytes: number
  storeRaw: boolean
  onProgress?: (progress: IngestProgress) => void
}

/** Reads the first SNIFF_BYTES (or everything, if shorter) and hands back the rest untouched. */
async function readStart(iterator: AsyncIterator<Uint8Array>) {
  const head: Uint8Array[] = []
  let size = 0
  let done = false
  while (size < SNIFF_BYTES) {
    const next = await iterator.next()
    if (next.done) {
      done = true
      break
    }
    if (next.value.length === 0) continue
    head.push(next.value)
    size += next.value.length
  }
  return { head, start: Buffer.concat(head.map((chunk) => Buffer.from(chunk))), done }
}

export function describeMalformed(lines: MalformedLine[], total: number) {
  const shown = lines
    .slice(0, 3)
    .map((line) => `line ${line.lineNumber}: ${line.reason}`)
    .join('; ')
  return `${total} line${total === 1 ? '' : 's'} could not be read (${shown}${total > 3 ? '; …' : ''})`
}

export async function ingestStream(
  db: Database,
  target: IngestTarget,
  body: AsyncIterable<Uint8Array>,
  options: StreamIngestOptions,
): Promise<IngestOutcome & { sessionId: string }> {
  const iterator = body[Symbol.asyncIterator]()
  const { head, start, done } = await readStart(iterator)
  if (start.length === 0) {
    throw new IngestRejection('empty', 'The file is empty. Choose the session log itself (a .jsonl or .json file).')
  }
  if (start.length > options.maxBytes) throw tooLarge(options.maxBytes)
  const verdict = sniffContent(start)
  if (!verdict.ok) throw new IngestRejection(verdict.kind, verdict.message)
  const choice = chooseParser(new TextDecoder().decode(start), target.displayName)
  if (!choice.ok) throw new IngestRejection('unsupported', choice.message)

  const run = new IngestRun(db, target, choice.parser, { storeRaw: options.storeRaw, onProgress: options.onProgress })
  const splitter = new LineSplitter()
  const feed = async (chunk: Uint8Array) => {
    run.acceptBytes(chunk)
    for (const line of splitter.push(chunk)) await run.acceptLine(line)
  }
  try {
    for (const chunk of head) await feed(chunk)
    if (!done) {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (run.bytesReadSoFar + next.value.length > options.maxBytes) throw tooLarge(options.maxBytes)
        await feed(next.value)
      }
    }
    const outcome = await run.complete(splitter.end())
    if (!outcome.sessionId) {
      throw new IngestRejection(
        'no-events',
        `No ${agentName(choice.parser.format)} log entry could be read from this file: ` +
          `${describeMalformed(outcome.malformedLines, outcome.errorLineCount)}. Nothing was stored.`,
      )
    }
    return { ...outcome, sessionId: outcome.sessionId }
  } catch (error) {
    await run.abandon(error instanceof Error ? error.message : String(error)).catch(() => {})
    await iterator.return?.().catch(() => {})
    throw error
  }
}

function tooLarge(maxBytes: number) {
  return new IngestRejection(
    'too-large',
    `The file is larger than the ${formatBytes(maxBytes)} upload limit (UPLOAD_MAX_BYTES). ` +
      'Split it, or ask the operator to raise the limit.',
  )
}

export function formatBytes(bytes: number) {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`
  return `${Math.round(bytes / 1024)} KB`
}
