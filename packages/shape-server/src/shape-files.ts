/**
 * What a shape looks like on disk (`shape-store.ts` does the I/O): pure encoders and validating
 * decoders, so a truncated or tampered file is recognised and never trusted.
 *
 * `<dir>/checkpoint.json`      which shapes are complete up to which WAL position (`lsn`)
 * `<dir>/shapes/<handle>/meta.json`       definition, snapshot visibility, snapshot checksum
 * `<dir>/shapes/<handle>/snapshot.jsonl`  one snapshot chunk per line, as served
 * `<dir>/shapes/<handle>/log.jsonl`       append-only, one `<tx>_<op> <message json>` per line
 * `<dir>/shapes/<handle>/subquery-state-<n>.json`  subquery shapes: sets and held rows as of the
 *                                         checkpoint that names generation `n` and its checksum
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { LogEntry } from './change-converter.ts'
import { formatOffset, type LogOffset, parseRequestedOffset } from './offsets.ts'
import type { ActiveShape } from './shape.ts'
import type { ShapeSource } from './shape-definition.ts'
import type { PostgresSnapshot } from './snapshot-query.ts'
import { planTables } from './subquery-plan.ts'
import type { StoredSubqueryState, StoredViewState } from './subquery-runtime.ts'
import type { TableInfo } from './table-catalog.ts'

export const STORE_FORMAT_VERSION = 1

/** Handles are `<hash>-<µs>`; anything else in a file must not become a path. */
export const HANDLE_PATTERN = /^\d{1,10}-\d{1,20}$/

const decimal = z.string().regex(/^\d+$/, 'must be a decimal integer')
const handle = z.string().regex(HANDLE_PATTERN, 'must be a shape handle')
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

const checkpointSchema = z.object({
  version: z.literal(STORE_FORMAT_VERSION),
  /** `pg_control_system().system_identifier`: the same Postgres cluster. */
  systemIdentifier: decimal,
  database: z.string().min(1),
  slotName: z.string().min(1),
  /** Every listed shape's log holds every change committed before this WAL position. */
  lsn: decimal,
  shapes: z.array(
    z.object({
      handle,
      filtering: z.boolean(),
      /** Subquery shapes: which state file holds their sets as of `lsn`, and its checksum. */
      subqueryState: z.object({ generation: z.number().int().min(1), sha256: sha256Hex }).optional(),
    }),
  ),
})

export type StoredCheckpoint = z.infer<typeof checkpointSchema>

const metaSchema = z.object({
  version: z.literal(STORE_FORMAT_VERSION),
  handle,
  identity: z.string(),
  table: z.object({ schema: z.string(), name: z.string(), oid: z.number().int() }),
  /** `tableSignature` of the table when the shape was built. */
  tableSignature: z.string(),
  source: z.object({
    where: z.string().nullable(),
    params: z.array(z.tuple([z.number().int(), z.string()])),
    columns: z.string().nullable(),
    replica: z.enum(['default', 'full']),
    logMode: z.enum(['full', 'changes_only']),
  }),
  snapshot: z.object({ xmin: decimal, xmax: decimal, xip: z.array(decimal) }),
  snapshotChunks: z.number().int().min(1),
  snapshotSha256: sha256Hex,
  /** Subquery shapes: the other tables the subqueries read, as they were when the shape was built. */
  subqueryTables: z
    .array(z.object({ schema: z.string(), name: z.string(), oid: z.number().int(), signature: z.string() }))
    .optional(),
})

export type StoredMeta = z.infer<typeof metaSchema>

export class CorruptShapeFileError extends Error {}

function parseJson<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new CorruptShapeFileError(`${what} is not valid JSON`)
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CorruptShapeFileError(`${what}: ${issue.path.join('.') || '(root)'} ${issue.message}`)
  }
  return parsed.data
}

export function encodeCheckpoint(checkpoint: StoredCheckpoint): string {
  return `${JSON.stringify(checkpoint)}\n`
}

export function decodeCheckpoint(text: string): StoredCheckpoint {
  return parseJson(text, checkpointSchema, 'checkpoint.json')
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

export function encodeSnapshot(chunks: readonly string[]): string {
  // JSON text never contains a raw line break, so a line is exactly one chunk.
  return `${chunks.join('\n')}\n`
}

export function encodeMeta(
  shape: ActiveShape,
  tableSignature: (table: TableInfo) => string,
  snapshotText: string,
): string {
  const { definition } = shape
  const filter = shape.snapshotFilter as { snapshot: PostgresSnapshot }
  const meta: StoredMeta = {
    version: STORE_FORMAT_VERSION,
    handle: shape.handle,
    identity: definition.identity,
    table: { schema: definition.table.schema, name: definition.table.name, oid: definition.table.oid },
    tableSignature: tableSignature(definition.table),
    source: {
      where: definition.source.where ?? null,
      params: definition.source.params,
      columns: definition.source.columns ?? null,
      replica: definition.source.replica,
      logMode: definition.source.logMode,
    },
    snapshot: {
      xmin: filter.snapshot.xmin.toString(),
      xmax: filter.snapshot.xmax.toString(),
      xip: filter.snapshot.xip.map(String),
    },
    snapshotChunks: shape.log.snapshotChunkTexts.length,
    snapshotSha256: sha256(snapshotText),
  }
  if (definition.plan) {
    meta.subqueryTables = [...planTables(definition.table, definition.plan).values()]
      .filter((table) => table.oid !== definition.table.oid)
      .map((table) => ({ schema: table.schema, name: table.name, oid: table.oid, signature: tableSignature(table) }))
  }
  return `${JSON.stringify(meta)}\n`
}

export function decodeMeta(text: string, expectedHandle: string): StoredMeta {
  const meta = parseJson(text, metaSchema, 'meta.json')
  if (meta.handle !== expectedHandle) throw new CorruptShapeFileError('meta.json belongs to another shape')
  return meta
}

export function sourceOf(meta: StoredMeta): ShapeSource {
  return {
    where: meta.source.where ?? undefined,
    params: meta.source.params,
    columns: meta.source.columns ?? undefined,
    replica: meta.source.replica,
    logMode: meta.source.logMode,
  }
}

export function snapshotOf(meta: StoredMeta): PostgresSnapshot {
  return { xmin: BigInt(meta.snapshot.xmin), xmax: BigInt(meta.snapshot.xmax), xip: meta.snapshot.xip.map(BigInt) }
}

export function decodeSnapshot(text: string, meta: StoredMeta): string[] {
  if (sha256(text) !== meta.snapshotSha256)
    throw new CorruptShapeFileError('snapshot.jsonl does not match its checksum')
  const chunks = text.split('\n')
  chunks.pop()
  if (chunks.length !== meta.snapshotChunks) throw new CorruptShapeFileError('snapshot.jsonl has the wrong chunk count')
  return chunks
}

export function encodeLogEntries(entries: readonly LogEntry[]): string {
  return entries.map((entry) => `${formatOffset(entry.offset)} ${entry.json}\n`).join('')
}

export interface DecodedLog {
  entries: LogEntry[]
  /** Bytes of the file that hold `entries`; anything after it is to be cut off. */
  keptBytes: number
}

/**
 * The entries of a log file that belong to transactions before `checkpointLsn`. Later lines were
 * written after the last checkpoint (the slot will send those transactions again), and a last
 * line without its line break was cut short by a crash; both are left out. A damaged line before
 * the checkpoint means the file cannot be trusted.
 */
export function decodeLog(text: string, checkpointLsn: bigint): DecodedLog {
  const entries: LogEntry[] = []
  let keptBytes = 0
  let position = 0
  let previous: LogOffset | undefined
  while (position < text.length) {
    const lineEnd = text.indexOf('\n', position)
    if (lineEnd < 0) break
    const line = text.slice(position, lineEnd)
    position = lineEnd + 1
    const space = line.indexOf(' ')
    const requested = space > 0 ? parseRequestedOffset(line.slice(0, space)) : null
    if (requested?.kind !== 'offset' || requested.offset.tx <= 0n) {
      throw new CorruptShapeFileError(`log.jsonl has a line without a valid offset after ${entries.length} entries`)
    }
    const offset = requested.offset
    if (offset.tx >= checkpointLsn) break
    if (previous && (offset.tx < previous.tx || (offset.tx === previous.tx && offset.op <= previous.op))) {
      throw new CorruptShapeFileError('log.jsonl offsets do not increase')
    }
    const json = line.slice(space + 1)
    try {
      JSON.parse(json)
    } catch {
      throw new CorruptShapeFileError(`log.jsonl entry ${formatOffset(offset)} is not valid JSON`)
    }
    entries.push({ offset, json })
    keptBytes += Buffer.byteLength(line, 'utf8') + 1
    previous = offset
  }
  return { entries, keptBytes }
}

const viewStateSchema: z.ZodType<StoredViewState> = z.lazy(() =>
  z.object({
    rows: z.array(z.tuple([z.string(), z.string()])),
    children: z.array(viewStateSchema.nullable()),
  }),
)

const subqueryStateSchema = z.object({
  version: z.literal(STORE_FORMAT_VERSION),
  handle,
  views: z.array(viewStateSchema.nullable()),
  present: z.array(z.tuple([z.string(), z.array(z.string().nullable()), z.array(z.boolean())])),
})

export function subqueryStateFileName(generation: number): string {
  return `subquery-state-${generation}.json`
}

export const SUBQUERY_STATE_FILE_PATTERN = /^subquery-state-(\d+)\.json$/

export function encodeSubqueryState(shapeHandle: string, state: StoredSubqueryState): string {
  return `${JSON.stringify({ version: STORE_FORMAT_VERSION, handle: shapeHandle, ...state })}\n`
}

/** A subquery shape's state file, trusted only with the checksum the checkpoint recorded for it. */
export function decodeSubqueryState(text: string, expectedHandle: string, expectedSha256: string): StoredSubqueryState {
  if (sha256(text) !== expectedSha256) {
    throw new CorruptShapeFileError('the subquery state file does not match the checksum in checkpoint.json')
  }
  const { handle: owner, views, present } = parseJson(text, subqueryStateSchema, 'the subquery state file')
  if (owner !== expectedHandle) throw new CorruptShapeFileError('the subquery state file belongs to another shape')
  return { views, present }
}
