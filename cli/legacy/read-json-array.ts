/**
 * Streams the elements of a file whose top level is a JSON array, hashing the bytes on the way,
 * so files of hundreds of MB are read with bounded memory. Problems become `LegacyFileError`s that
 * name the file and, for malformed JSON, the exact line and column (found by stream-json's
 * verifier, which only runs once something is wrong).
 */
import { createHash } from 'node:crypto'
import type { Stats } from 'node:fs'
import { type FileHandle, lstat, open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { verifyFile } from 'stream-json/file/verifier.js'
import { createHeapTrimmer } from './heap-trimmer'
import { type JsonArrayElement, JsonArraySplitter, JsonArraySyntaxError } from './json-array-splitter'
import { findInvalidUtf8, type InvalidUtf8 } from './utf8-check'

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

/** What reading an element showed beyond its value, for validation to judge. */
export interface ElementFacts {
  /** Deepest nesting of objects and arrays; the record object itself is 1. */
  depth: number
  /** Bytes that were not UTF-8 and were decoded as U+FFFD; offsets relative to the file. */
  invalidUtf8?: InvalidUtf8
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

function describeFileType(info: Stats): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  if (info.isFIFO()) return 'a named pipe'
  if (info.isSocket()) return 'a socket'
  return 'not a regular file'
}

async function notRegularFile(path: string, info: Stats) {
  const viaLink = await lstat(path).then(
    (link) => link.isSymbolicLink(),
    () => false,
  )
  return new LegacyFileError(
    basename(path),
    `${path} is not a regular file (it is ${viaLink ? 'a symbolic link to ' : ''}${describeFileType(info)}). ` +
      "The import reads only regular files, such as a copy of the original product's data folder.",
  )
}

/**
 * Opens a regular file for reading (symbolic links are followed). Anything else is refused before
 * a byte is read: a device such as /dev/zero never ends and a named pipe blocks. Missing → undefined.
 */
async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number } | undefined> {
  let info: Stats
  try {
    info = await stat(path)
  } catch (error) {
    if (isMissing(error)) return undefined
    throw cannotRead(path, error)
  }
  // Checked before opening: opening a named pipe would wait for a writer.
  if (!info.isFile()) throw await notRegularFile(path, info)
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if (isMissing(error)) return undefined
    throw cannotRead(path, error)
  }
  const opened = await handle.stat()
  if (!opened.isFile()) {
    await handle.close()
    throw await notRegularFile(path, opened)
  }
  return { handle, size: opened.size }
}

/** sha256 and size of a file; a missing file hashes as empty. */
export async function hashFile(path: string): Promise<JsonArrayFileSummary> {
  const file = await openRegularFile(path)
  if (!file) return MISSING
  const hash = createHash('sha256')
  let sizeBytes = 0
  try {
    for await (const chunk of file.handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES })) {
      hash.update(chunk as Buffer)
      sizeBytes += (chunk as Buffer).length
    }
  } catch (error) {
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
  onRecord: (value: unknown, index: number, facts: ElementFacts) => void | Promise<void>,
  onProgress?: (progress: ReadProgress) => void,
): Promise<JsonArrayFileSummary> {
  const name = basename(path)
  const file = await openRegularFile(path)
  if (!file) return MISSING
  const totalBytes = file.size
  if (totalBytes === 0) {
    await file.handle.close()
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
  const elements: JsonArrayElement[] = []
  const collect = (element: JsonArrayElement) => {
    elements.push(element)
  }
  const stream = file.handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES })
  try {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer)
      bytesRead += (chunk as Buffer).length
      splitter.push(chunk as Buffer, collect)
      for (const element of elements.splice(0)) {
        // Decoding replaces bytes that are not UTF-8 by U+FFFD; validation reports it.
        const value = JSON.parse(element.bytes.toString('utf8'))
        const invalid = findInvalidUtf8(element.bytes)
        const facts: ElementFacts = invalid
          ? { depth: element.depth, invalidUtf8: { ...invalid, firstOffset: element.offset + invalid.firstOffset } }
          : { depth: element.depth }
        try {
          await onRecord(value, read, facts)
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
