/**
 * Timeline events as one `COPY … FROM STDIN (FORMAT binary)` body. Binary rather than text or CSV:
 * every field is length-prefixed, so nothing is escaped (JSON is full of the backslashes and quotes
 * the text formats would have to double), and Postgres reads integers, booleans, uuids and times
 * without parsing text. Only the payload's JSON is parsed, once per row, as jsonb input.
 *
 * Layout (PostgreSQL docs, "COPY", Binary Format): an 11-byte signature, a flags word and a header
 * extension length; per row a 16-bit field count and per field a 32-bit length (-1 for NULL) and
 * its bytes; a 16-bit -1 at the end.
 */
import { commandFamily } from '~/domain/agent-logs/command-family'
import type { TimelineEventDraft } from '~/domain/agent-logs/types'
import { NUL_REPLACEMENT } from '~/domain/storable-text'

/** The column order the rows are encoded in; the COPY statement must name exactly these. */
export const COPY_COLUMNS = [
  'session_id',
  'account_id',
  'ordinal',
  'event_key',
  'type',
  'role',
  'at',
  'name',
  'command',
  'command_family',
  'sidechain',
  'path',
  'exit_code',
  'duration_ms',
  'summary',
  'payload',
] as const

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
/** Microseconds between the Unix epoch and Postgres' (2000-01-01 UTC). */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1)
const TWO_32 = 2 ** 32
/** jsonb's binary input: a version byte, then the JSON text. */
const JSONB_VERSION = 1

/**
 * JSON.stringify writes U+0000 and unpaired surrogates as `\u` escapes (paired ones stay raw), and
 * jsonb refuses both. Rewriting those escapes (when not themselves escaped) to U+FFFD makes the
 * text storable.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi

export function storableJsonText(value: unknown) {
  const text = JSON.stringify(value)
  // Nearly every value has no `\u` escape at all; one scan for it is far cheaper than the regex.
  return text.includes('\\u') ? text.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : text
}

/** Text columns: NUL cannot be stored (unpaired surrogates become U+FFFD when encoded as UTF-8). */
function storable(text: string) {
  return text.includes('\u0000') ? text.replaceAll('\u0000', NUL_REPLACEMENT) : text
}

class CopyWriter {
  private buffer: Buffer
  private offset = 0

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(initialBytes)
  }

  private ensure(bytes: number) {
    if (this.offset + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes))
    this.buffer.copy(grown, 0, 0, this.offset)
    this.buffer = grown
  }

  raw(bytes: Buffer) {
    this.ensure(bytes.length)
    bytes.copy(this.buffer, this.offset)
    this.offset += bytes.length
  }

  int16(value: number) {
    this.ensure(2)
    this.buffer.writeInt16BE(value, this.offset)
    this.offset += 2
  }

  int32(value: number) {
    this.ensure(4)
    this.buffer.writeInt32BE(value, this.offset)
    this.offset += 4
  }

  null() {
    this.int32(-1)
  }

  /** A field of 4 bytes (int4). */
  integer(value: number | null) {
    if (value === null) return this.null()
    this.int32(4)
    this.int32(value)
  }

  boolean(value: boolean) {
    this.int32(1)
    this.ensure(1)
    this.buffer[this.offset++] = value ? 1 : 0
  }

  /** A uuid field from its canonical text. */
  uuid(value: string) {
    const hex = value.replaceAll('-', '')
    if (hex.length !== 32) throw new Error(`not a uuid: ${value}`)
    this.int32(16)
    this.ensure(16)
    this.buffer.write(hex, this.offset, 16, 'hex')
    this.offset += 16
  }

  /** timestamptz: microseconds since 2000-01-01 UTC as a signed 64-bit integer. */
  instant(iso: string | null) {
    if (iso === null) return this.null()
    const ms = Date.parse(iso)
    if (!Number.isFinite(ms)) throw new Error(`not an instant: ${iso}`)
    const micros = (ms - POSTGRES_EPOCH_MS) * 1000
    const high = Math.floor(micros / TWO_32)
    this.int32(8)
    this.int32(high)
    this.ensure(4)
    this.buffer.writeUInt32BE(micros - high * TWO_32, this.offset)
    this.offset += 4
  }

  /** UTF-8 text, written in place: the length is filled in once the bytes are known. */
  text(value: string | null, prefix?: number) {
    if (value === null) return this.null()
    const extra = prefix === undefined ? 0 : 1
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.ensure(4 + extra + value.length * 3)
    const lengthAt = this.offset
    this.offset += 4
    if (prefix !== undefined) this.buffer[this.offset++] = prefix
    const written = this.buffer.write(value, this.offset, 'utf8')
    this.offset += written
    this.buffer.writeInt32BE(written + extra, lengthAt)
  }

  result() {
    return this.buffer.subarray(0, this.offset)
  }
}

/** The COPY body for these events of one session, ready to be written to the COPY stream. */
export function encodeEventsForCopy(target: { sessionId: string; accountId: string }, events: TimelineEventDraft[]) {
  const writer = new CopyWriter(64 * 1024 + events.length * 1024)
  writer.raw(SIGNATURE)
  writer.int32(0)
  writer.int32(0)
  for (const event of events) {
    writer.int16(COPY_COLUMNS.length)
    writer.uuid(target.sessionId)
    writer.uuid(target.accountId)
    writer.integer(event.ordinal)
    writer.text(event.eventKey === null ? null : storable(event.eventKey))
    writer.text(event.type)
    writer.text(event.role === null ? null : storable(event.role))
    writer.instant(event.at)
    writer.text(event.name === null ? null : storable(event.name))
    writer.text(event.command === null ? null : storable(event.command))
    writer.text(commandFamily(event.command))
    writer.boolean(event.payload.sidechain === true)
    writer.text(event.path === null ? null : storable(event.path))
    writer.integer(event.exitCode)
    writer.integer(event.durationMs)
    writer.text(storable(event.summary ?? ''))
    writer.text(storableJsonText(event.payload ?? {}), JSONB_VERSION)
  }
  writer.int16(-1)
  return writer.result()
}
