/**
 * Streams the elements of a file whose top level is a JSON array, hashing the bytes on the way,
 * so files of hundreds of MB are read with bounded memory. Problems become `LegacyFileError`s that
 * name the file and, for malformed JSON, the exact line and column (found by stream-json's
 * verifier, which only runs once something is wrong).
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { verifyFile } from 'stream-json/file/verifier.js'
import { createHeapTrimmer } from './heap-trimmer'
import { JsonArraySplitter, JsonArraySyntaxError } from './json-array-splitter'

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
const MISSING: JsonArrayFileSummary = { missing: true, sha256: EMPTY_SHA256, sizeBytes: 0, read: 0 }
const READ_CHUNK_BYTES = 1 << 16

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT'
const cannotRead = (path: string, error: unknown) =>
  new LegacyFileError(basename(path), `Cannot read ${path}: ${(error as Error).message}`)

/** Carries an error of the caller's `onRecord` past the file-error handling. */
class ConsumerFailure {
  constructor(readonly cause: unknown) {}
}

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
    if (isMissing(error)) return MISSING
    throw cannotRead(path, error)
  }
  return { missing: false, sha256: hash.digest('hex'), sizeBytes, read: 0 }
}

async function describeSyntaxError(path: string, problem: string): Promise<string> {
  const name = basename(path)
  try {
    await verifyFile(path)
  } catch (located) {
    const { line, pos, message } = located as { line?: number; pos?: number; message?: string }
    if (line !== undefined && pos !== undefined) {
      const reason = (message ?? problem).replace(/^.*Verifier (cannot parse input: |has )?/, '')
      return `${name} is not valid JSON: ${reason} at line ${line}, column ${pos}.`
    }
  }
  return `${name} is not valid JSON: ${problem}.`
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
  const name = basename(path)
  let totalBytes: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new LegacyFileError(name, `${path} is not a regular file.`)
    totalBytes = info.size
  } catch (error) {
    if (isMissing(error)) return MISSING
    throw error instanceof LegacyFileError ? error : cannotRead(path, error)
  }
  if (totalBytes === 0) {
    throw new LegacyFileError(
      name,
      `${name} is empty (0 bytes), which is not valid JSON. If it is meant to hold no records, write [] into it or remove it.`,
    )
  }

  const hash = createHash('sha256')
  const trimHeap = createHeapTrimmer()
  const splitter = new JsonArraySplitter()
  let bytesRead = 0
  let read = 0
  const elements: string[] = []
  const collect = (json: string) => {
    elements.push(json)
  }
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })
  try {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer)
      bytesRead += (chunk as Buffer).length
      splitter.push(chunk as Buffer, collect)
      for (const json of elements.splice(0)) {
        const value = JSON.parse(json)
        try {
          await onRecord(value, read)
        } catch (error) {
          throw new ConsumerFailure(error)
        }
        read++
      }
      onProgress?.({ bytesRead, totalBytes, records: read })
      trimHeap(bytesRead)
    }
    splitter.finish()
  } catch (error) {
    stream.destroy()
    if (error instanceof ConsumerFailure) throw error.cause
    if (error instanceof JsonArraySyntaxError && error.topLevel) {
      throw new LegacyFileError(
        name,
        `${name} must contain a JSON array of records (the original product's format), but its top level is ${error.topLevel}.`,
      )
    }
    if (error instanceof JsonArraySyntaxError || error instanceof SyntaxError) {
      throw new LegacyFileError(name, await describeSyntaxError(path, error.message))
    }
    throw cannotRead(path, error)
  }
  return { missing: false, sha256: hash.digest('hex'), sizeBytes: bytesRead, read }
}
