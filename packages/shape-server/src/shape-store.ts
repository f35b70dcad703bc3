import { mkdir, open, readdir, readFile, rename, rm, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import type { LogEntry } from './change-converter.ts'
import { errorMessage } from './errors.ts'
import type { Logger } from './logger.ts'
import { tableSignature } from './schema-watch.ts'
import type { ActiveShape, Shape } from './shape.ts'
import {
  CorruptShapeFileError,
  decodeCheckpoint,
  decodeLog,
  decodeMeta,
  decodeSnapshot,
  encodeCheckpoint,
  encodeLogEntries,
  encodeMeta,
  encodeSnapshot,
  HANDLE_PATTERN,
  STORE_FORMAT_VERSION,
  type StoredCheckpoint,
  type StoredMeta,
} from './shape-files.ts'

/** Where the checkpoint belongs: a checkpoint of another cluster, database or slot is not ours. */
export interface StoreOwner {
  systemIdentifier: string
  database: string
  slotName: string
}

export interface LoadedShape {
  meta: StoredMeta
  chunks: string[]
  entries: LogEntry[]
}

export interface CheckpointCapture {
  /** WAL position every transaction before which is applied to the shapes listed. */
  lsn: bigint
  shapes: readonly ActiveShape[]
}

/** After this long a checkpoint is written even when only the WAL position moved (releases WAL). */
const POSITION_ONLY_CHECKPOINT_MS = 30_000
const PARALLEL_WRITES = 16
const PRIVATE_DIR = 0o700
const PRIVATE_FILE = 0o600

/**
 * Shape logs on disk, so a restarted server keeps serving its clients' handles (design in
 * docs/sync.md, "Restarts"). Every disk operation runs on one queue, in the order asked for.
 *
 * The contract with replication: `durableLsn` only moves when every listed shape's files hold
 * every change before it (fsynced), and the slot is never confirmed past `durableLsn`. So after
 * any stop, kill -9 included, the slot replays exactly what the files may lack.
 */
export class ShapeStore {
  /** Confirmed to the replication slot; what the last checkpoint on disk promises. */
  durableLsn = 0n
  private queue: Promise<void> = Promise.resolve()
  /** Shapes whose meta, snapshot and log file are on disk. */
  private readonly written = new Set<string>()
  private listChanged = true
  private lastCheckpointAt = 0

  private constructor(
    readonly dir: string,
    private readonly owner: StoreOwner,
    private readonly log: Logger,
  ) {}

  static async open(dir: string, owner: StoreOwner, log: Logger): Promise<ShapeStore> {
    // The files hold table rows: readable by this user only, like Postgres' own data directory
    // (an existing folder keeps its mode; what is created inside it is private).
    await mkdir(join(dir, 'shapes'), { recursive: true, mode: PRIVATE_DIR })
    return new ShapeStore(dir, owner, log)
  }

  private shapeDir(handle: string) {
    return join(this.dir, 'shapes', handle)
  }

  /** The checkpoint left by the last run, or why there is none that this server may use. */
  async readCheckpoint(): Promise<StoredCheckpoint | string> {
    let text: string
    try {
      text = await readFile(join(this.dir, 'checkpoint.json'), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'no checkpoint on disk'
      return `checkpoint.json unreadable: ${errorMessage(error)}`
    }
    let checkpoint: StoredCheckpoint
    try {
      checkpoint = decodeCheckpoint(text)
    } catch (error) {
      return errorMessage(error)
    }
    const { systemIdentifier, database, slotName } = this.owner
    if (checkpoint.systemIdentifier !== systemIdentifier || checkpoint.database !== database) {
      return 'the checkpoint belongs to another Postgres cluster or database'
    }
    if (checkpoint.slotName !== slotName) return `the checkpoint belongs to slot ${checkpoint.slotName}`
    return checkpoint
  }

  /** A shape's files, with its log cut back to `checkpointLsn`; a string says why it is unusable. */
  async loadShape(handle: string, checkpointLsn: bigint): Promise<LoadedShape | string> {
    const dir = this.shapeDir(handle)
    try {
      const meta = decodeMeta(await readFile(join(dir, 'meta.json'), 'utf8'), handle)
      const chunks = decodeSnapshot(await readFile(join(dir, 'snapshot.jsonl'), 'utf8'), meta)
      const logPath = join(dir, 'log.jsonl')
      const logText = await readFile(logPath, 'utf8')
      const { entries, keptBytes } = decodeLog(logText, checkpointLsn)
      // Later lines come again from the slot; appending after them would duplicate them.
      if (keptBytes < Buffer.byteLength(logText, 'utf8')) await truncate(logPath, keptBytes)
      this.written.add(handle)
      return { meta, chunks, entries }
    } catch (error) {
      if (error instanceof CorruptShapeFileError) return error.message
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'its files are incomplete'
      return `its files are unreadable: ${errorMessage(error)}`
    }
  }

  /** Forgets every stored shape (a checkpoint that cannot be trusted). */
  async discardAll(): Promise<void> {
    this.written.clear()
    this.listChanged = true
    await rm(join(this.dir, 'checkpoint.json'), { force: true })
    await rm(join(this.dir, 'shapes'), { recursive: true, force: true })
    await mkdir(join(this.dir, 'shapes'), { recursive: true, mode: PRIVATE_DIR })
  }

  /** Removes shape folders no checkpoint names (left by a crash between writing and listing). */
  async removeUnlisted(keep: ReadonlySet<string>): Promise<void> {
    for (const handle of [...this.written]) if (!keep.has(handle)) this.written.delete(handle)
    for (const name of await readdir(join(this.dir, 'shapes'))) {
      if (!keep.has(name)) await rm(this.shapeDir(name), { recursive: true, force: true })
    }
  }

  /** A shape became active: its definition and snapshot go to disk; its log follows at checkpoints. */
  shapeActivated(shape: ActiveShape): void {
    this.enqueue(`storing shape ${shape.handle}`, async () => {
      if (shape.isRotated) return
      const dir = this.shapeDir(shape.handle)
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR })
      const snapshotText = encodeSnapshot(shape.log.snapshotChunkTexts)
      await writeDurably(join(dir, 'snapshot.jsonl'), snapshotText)
      await writeDurably(join(dir, 'log.jsonl'), '')
      await writeDurably(join(dir, 'meta.json'), encodeMeta(shape, tableSignature(shape.table), snapshotText))
      await syncDirectory(dir)
      if (shape.isRotated) return
      this.written.add(shape.handle)
      this.listChanged = true
    })
  }

  /** A shape was rotated or evicted: its clients refetch, so its files go too. */
  shapeReleased(shape: Shape): void {
    if (!HANDLE_PATTERN.test(shape.handle)) return
    this.enqueue(`removing shape ${shape.handle}`, async () => {
      if (this.written.delete(shape.handle)) this.listChanged = true
      await rm(this.shapeDir(shape.handle), { recursive: true, force: true })
    })
  }

  /**
   * Appends what the listed shapes' logs gained, fsyncs it, then records `lsn` as the point they are
   * complete to. `capture` runs when the queue reaches this checkpoint, so all it returns is current.
   */
  checkpoint(capture: () => CheckpointCapture, { force = false } = {}): Promise<void> {
    return this.enqueue('writing a checkpoint', async () => {
      const { lsn, shapes } = capture()
      const listed = shapes.filter((shape) => this.written.has(shape.handle) && !shape.isRotated)
      const appends = listed
        .map((shape) => ({ shape, entries: shape.log.takeUnpersisted() }))
        .filter(({ entries }) => entries.length > 0)
      const positionOnly = appends.length === 0 && !this.listChanged
      if (
        positionOnly &&
        (lsn <= this.durableLsn || (!force && Date.now() - this.lastCheckpointAt < POSITION_ONLY_CHECKPOINT_MS))
      ) {
        return
      }
      for (let index = 0; index < appends.length; index += PARALLEL_WRITES) {
        await Promise.all(
          appends
            .slice(index, index + PARALLEL_WRITES)
            .map(({ shape, entries }) =>
              appendDurably(join(this.shapeDir(shape.handle), 'log.jsonl'), encodeLogEntries(entries)),
            ),
        )
      }
      const checkpoint: StoredCheckpoint = {
        version: STORE_FORMAT_VERSION,
        ...this.owner,
        lsn: lsn.toString(),
        shapes: listed.map((shape) => ({ handle: shape.handle, filtering: shape.snapshotFilter?.filtering ?? true })),
      }
      const path = join(this.dir, 'checkpoint.json')
      await writeDurably(`${path}.tmp`, encodeCheckpoint(checkpoint))
      await rename(`${path}.tmp`, path)
      await syncDirectory(this.dir)
      this.listChanged = false
      this.lastCheckpointAt = Date.now()
      if (lsn > this.durableLsn) this.durableLsn = lsn
    })
  }

  /** Resolves when every disk operation asked for so far is done. */
  settled(): Promise<void> {
    return this.queue
  }

  private enqueue(what: string, operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(operation).catch((error) => {
      // The slot is not confirmed past what is on disk, so a failed write costs WAL, not data.
      this.log.error(`Shape storage: ${what} failed: ${errorMessage(error)}`)
    })
    this.queue = run
    return run
  }
}

/**
 * Writes (`w`) or appends (`a`) and waits until the bytes are on disk. A new file's size and
 * directory entry must be durable too (`fsync`); an append to a file that already exists only
 * needs its data (`fdatasync`).
 */
async function writeFileDurably(path: string, text: string, flag: 'w' | 'a') {
  const file = await open(path, flag, PRIVATE_FILE)
  try {
    await file.writeFile(text)
    await (flag === 'w' ? file.sync() : file.datasync())
  } finally {
    await file.close()
  }
}

const writeDurably = (path: string, text: string) => writeFileDurably(path, text, 'w')
const appendDurably = (path: string, text: string) => writeFileDurably(path, text, 'a')

/** Makes a created or renamed file's directory entry durable. */
async function syncDirectory(path: string) {
  const directory = await open(path, 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
}
