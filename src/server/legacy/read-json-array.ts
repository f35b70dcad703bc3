/**
 * Streams the elements of a file whose top level is a JSON array, hashing the bytes on the way,
 * so files of hundreds of MB are read with bounded memory. Problems become `LegacyFileError`s that
 * name the file and, for malformed JSON, the exact line and column.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { compose, Transform } from 'node:stream'
import { verifyFile } from 'stream-json/file/verifier.js'
import { streamArray } from 'stream-json/streamers/stream-array.js'

export class LegacyFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message)
    this.name = 'LegacyFileError'
  }
}

export interface JsonArrayFileSummary {
  missing: boolean
  sha256: string
  sizeBytes: number
  /** Array elements read. */
  read: number
}

export interface ReadProgress {
  bytesRead: number
  totalBytes: number
  records: number
}

const EMPTY_SHA256 = createHash('sha256').digest('hex')
const READ_CHUNK_BYTES = 1 << 20

/** sha256 and size of a file; a missing file hashes as empty. */
export async function hashFile(path: string): Promise<JsonArrayFileSummary> {
  const hash = createHash('sha256')
  let sizeBytes = 0
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
      hash.update(chunk as Buffer)
      sizeBytes += (chunk as Buffer).length
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { missing: true, sha256: EMPTY_SHA256, sizeBytes: 0, read: 0 }
    throw new LegacyFileError(basename(path), `Cannot read ${path}: ${(error as Error).message}`)
  }
  return { missing: false, sha256: hash.digest('hex'), sizeBytes, read: 0 }
}

async function firstNonBlankCharacter(path: string) {
  const handle = await open(path, 'r')
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0)
    return buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()[0]
  } finally {
    await handle.close()
  }
}

const TOP_LEVEL_NAMES: Record<string, string> = { '{': 'an object', '"': 'a string', n: 'null', t: 'true', f: 'false' }

async function describeParseFailure(path: string, error: Error): Promise<string> {
  const name = basename(path)
  if (/Top-level object should be an array/.test(error.message)) {
    const first = (await firstNonBlankCharacter(path)) ?? ''
    const found = TOP_LEVEL_NAMES[first] ?? (/[-0-9]/.test(first) ? 'a number' : 'something else')
    return `${name} must contain a JSON array of records (the original product's format), but its top level is ${found}.`
  }
  try {
    await verifyFile(path)
  } catch (located) {
    const { line, pos } = located as { line?: number; pos?: number }
    if (line !== undefined && pos !== undefined) {
      return `${name} is not valid JSON: ${error.message.replace(/^Parser /, '')} at line ${line}, column ${pos}.`
    }
  }
  return `${name} is not valid JSON: ${error.message}.`
}

/**
 * Calls `onRecord` for each element in order and waits for it, so a slow consumer (a database
 * write) holds back the reading. A missing file reads as an empty array and is reported as missing.
 */
export async function readJsonArrayFile(
  path: string,
  onRecord: (value: unknown, index: number) => void | Promise<void>,
  onProgress?: (progress: ReadProgress) => void,
): Promise<JsonArrayFileSummary> {
  let totalBytes: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new LegacyFileError(basename(path), `${path} is not a regular file.`)
    totalBytes = info.size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { missing: true, sha256: EMPTY_SHA256, sizeBytes: 0, read: 0 }
    if (error instanceof LegacyFileError) throw error
    throw new LegacyFileError(basename(path), `Cannot read ${path}: ${(error as Error).message}`)
  }
  if (totalBytes === 0) {
    throw new LegacyFileError(
      basename(path),
      `${basename(path)} is empty (0 bytes), which is not valid JSON. If it is meant to hold no records, write [] into it or remove it.`,
    )
  }

  const hash = createHash('sha256')
  let bytesRead = 0
  let read = 0
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      bytesRead += chunk.length
      done(null, chunk)
    },
  })
  // Packed values only: no per-chunk string tokens, about twice as fast on large messages.
  const records = compose(
    createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }),
    hashing,
    streamArray.withParserAsStream({ streamValues: false }),
  )
  const consumerFailure: { error?: unknown } = {}
  try {
    for await (const item of records) {
      const { key, value } = item as { key: number; value: unknown }
      try {
        await onRecord(value, key)
      } catch (error) {
        consumerFailure.error = error
        throw error
      }
      read++
      onProgress?.({ bytesRead, totalBytes, records: read })
    }
  } catch (error) {
    records.destroy()
    if ('error' in consumerFailure) throw error
    if (error instanceof Error && /Parser|Top-level/.test(error.message)) {
      throw new LegacyFileError(basename(path), await describeParseFailure(path, error))
    }
    throw new LegacyFileError(basename(path), `Cannot read ${path}: ${(error as Error).message}`)
  }
  return { missing: false, sha256: hash.digest('hex'), sizeBytes: bytesRead, read }
}
