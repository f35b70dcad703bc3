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
  decodeSubqueryState,
  encodeCheckpoint,
  encodeLogEntries,
  encodeMeta,
  encodeSnapshot,
  encodeSubqueryState,
  HANDLE_PATTERN,
  STORE_FORMAT_VERSION,
  type StoredCheckpoint,
  type StoredMeta,
  SUBQUERY_STATE_FILE_PATTERN,
  sha256,
  subqueryStateFileName,
} from './shape-files.ts'
import type { StoredSubqueryState } from './subquery-runtime.ts'

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
  subqueryState?: StoredSubqueryState
}

type StoredShapeRef = StoredCheckpoint['shapes'][number]

/** The state file a subquery shape's last checkpoint names, and the state version it holds. */
interface WrittenSubqueryState {
  generation: number
  sha256: string
  version: number
}

export interface CheckpointCapture {
  /** WAL position every transaction before which is applied to the shapes listed. */
  lsn: bigint
  shapes: readonly ActiveShape[]
}

/** Runs a read at a point where every shape is consistent (`ShapeRegistry.betweenJobs`). */
export type RunAtRest = <T>(read: () => T) => Promise<T>

const runNow: RunAtRest = async (read) => read()

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
  /** Subquery shapes: the state file the last checkpoint on disk names. */
  private readonly subqueryStates = new Map<string, WrittenSubqueryState>()
  private listChanged = true
  private lastCheckpointAt = 0
  /** The server wrote its last checkpoint before letting its shapes go (`last: true`). */
  private finished = false

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
  async loadShape(ref: StoredShapeRef, checkpointLsn: bigint): Promise<LoadedShape | string> {
    const { handle } = ref
    const dir = this.shapeDir(handle)
    try {
      const meta = decodeMeta(await readFile(join(dir, 'meta.json'), 'utf8'), handle)
      const chunks = decodeSnapshot(await readFile(join(dir, 'snapshot.jsonl'), 'utf8'), meta)
      let subqueryState: StoredSubqueryState | undefined
      if (ref.subqueryState) {
        const { generation, sha256: checksum } = ref.subqueryState
        const text = await readFile(join(dir, subqueryStateFileName(generation)), 'utf8')
        subqueryState = decodeSubqueryState(text, handle, checksum)
        await this.removeOtherStateFiles(handle, generation)
        this.subqueryStates.set(handle, { generation, sha256: checksum, version: 0 })
      }
      const logPath = join(dir, 'log.jsonl')
      const logText = await readFile(logPath, 'utf8')
      const { entries, keptBytes } = decodeLog(logText, checkpointLsn)
      // Later lines come again from the slot; appending after them would duplicate them.
      if (keptBytes < Buffer.byteLength(logText, 'utf8')) await truncate(logPath, keptBytes)
      this.written.add(handle)
      return { meta, chunks, entries, subqueryState }
    } catch (error) {
      if (error instanceof CorruptShapeFileError) return error.message
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'its files are incomplete'
      return `its files are unreadable: ${errorMessage(error)}`
    }
  }

  /** Forgets every stored shape (a checkpoint that cannot be trusted). */
  async discardAll(): Promise<void> {
    this.written.clear()
    this.subqueryStates.clear()
    this.listChanged = true
    await rm(join(this.dir, 'checkpoint.json'), { force: true })
    await rm(join(this.dir, 'shapes'), { recursive: true, force: true })
    await mkdir(join(this.dir, 'shapes'), { recursive: true, mode: PRIVATE_DIR })
  }

  /** Removes shape folders no checkpoint names (left by a crash between writing and listing). */
  async removeUnlisted(keep: ReadonlySet<string>): Promise<void> {
    for (const handle of [...this.written]) if (!keep.has(handle)) this.written.delete(handle)
    for (const handle of [...this.subqueryStates.keys()]) if (!keep.has(handle)) this.subqueryStates.delete(handle)
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
      await writeDurably(join(dir, 'meta.json'), encodeMeta(shape, tableSignature, snapshotText))
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
      this.forget(shape.handle)
      await rm(this.shapeDir(shape.handle), { recursive: true, force: true })
    })
  }

  private forget(handle: string) {
    if (this.written.delete(handle)) this.listChanged = true
    this.subqueryStates.delete(handle)
  }

  /**
   * Appends what the listed shapes' logs gained and writes the subquery shapes' changed state,
   * fsyncs it, then records `lsn` as the point they are complete to. `capture` runs when the queue
   * reaches this checkpoint, inside `atRest` (between two transactions of the shape registry, so
   * a subquery shape's sets are exactly as of `lsn`, never halfway through a transaction).
   *
   * `last`: the stopping server's final checkpoint. Checkpoints asked for after it (a move held
   * while it was written) are not taken: they would capture a registry that has let its shapes go
   * and, if anything changed the list meanwhile, record that no shape is stored.
   */
  checkpoint(
    capture: () => CheckpointCapture,
    { force = false, atRest = runNow, last = false }: { force?: boolean; atRest?: RunAtRest; last?: boolean } = {},
  ): Promise<void> {
    return this.enqueue('writing a checkpoint', async () => {
      if (this.finished) return
      if (last) this.finished = true
      const { lsn, shapes, listed, appends, states } = await atRest(() => this.take(capture()))
      const positionOnly = appends.length === 0 && states.length === 0 && !this.listChanged
      if (
        positionOnly &&
        (lsn <= this.durableLsn || (!force && Date.now() - this.lastCheckpointAt < POSITION_ONLY_CHECKPOINT_MS))
      ) {
        for (const shape of shapes) shape.log.releaseThrough(this.durableLsn)
        return
      }
      const writes = [
        ...appends.map(({ shape, entries }) => ({
          shape,
          write: () => appendDurably(join(this.shapeDir(shape.handle), 'log.jsonl'), encodeLogEntries(entries)),
        })),
        ...states.map(({ shape, generation, text }) => ({
          shape,
          write: async () => {
            const dir = this.shapeDir(shape.handle)
            await writeDurably(join(dir, subqueryStateFileName(generation)), text)
            await syncDirectory(dir)
          },
        })),
      ]
      const failed = new Map<ActiveShape, unknown>()
      for (let index = 0; index < writes.length; index += PARALLEL_WRITES) {
        const batch = writes.slice(index, index + PARALLEL_WRITES)
        const results = await Promise.allSettled(batch.map(({ write }) => write()))
        results.forEach((result, position) => {
          if (result.status === 'rejected') failed.set(batch[position].shape, result.reason)
        })
      }
      // The entries taken for a failed write are gone from what later checkpoints append, so its
      // file would have a gap: such a shape is no longer stored (it keeps serving from memory;
      // after a restart its clients refetch).
      for (const [shape, reason] of failed) {
        this.log.error(`Shape storage: writing shape ${shape.handle} failed, no longer stored: ${errorMessage(reason)}`)
        this.forget(shape.handle)
        await rm(this.shapeDir(shape.handle), { recursive: true, force: true }).catch(() => {})
      }
      const stored = listed.filter((shape) => !failed.has(shape))
      const written = new Map(states.map((state) => [state.shape.handle, state]))
      const checkpoint: StoredCheckpoint = {
        version: STORE_FORMAT_VERSION,
        ...this.owner,
        lsn: lsn.toString(),
        shapes: stored.map((shape) => {
          const state = written.get(shape.handle) ?? this.subqueryStates.get(shape.handle)
          return {
            handle: shape.handle,
            filtering: shape.snapshotFilter?.filtering ?? true,
            ...(state && { subqueryState: { generation: state.generation, sha256: state.sha256 } }),
          }
        }),
      }
      const path = join(this.dir, 'checkpoint.json')
      await writeDurably(`${path}.tmp`, encodeCheckpoint(checkpoint))
      await rename(`${path}.tmp`, path)
      await syncDirectory(this.dir)
      this.listChanged = false
      this.lastCheckpointAt = Date.now()
      if (lsn > this.durableLsn) this.durableLsn = lsn
      for (const shape of shapes) shape.log.releaseThrough(lsn)
      for (const { shape, generation, sha256: checksum, version } of states) {
        if (failed.has(shape)) continue
        this.subqueryStates.set(shape.handle, { generation, sha256: checksum, version })
        await this.removeOtherStateFiles(shape.handle, generation)
      }
    })
  }

  /**
   * What a checkpoint writes, taken in one synchronous step: the log entries not yet on disk and
   * the state of every subquery shape that changed since its last state file (with the version it
   * had then, so a failed write is retried by the next checkpoint).
   */
  private take({ lsn, shapes }: CheckpointCapture) {
    const listed = shapes.filter((shape) => this.written.has(shape.handle) && !shape.isRotated)
    const appends = listed
      .map((shape) => ({ shape, entries: shape.log.takeUnpersisted() }))
      .filter(({ entries }) => entries.length > 0)
    const states = listed.flatMap((shape) => {
      const state = shape.subqueries
      const previous = this.subqueryStates.get(shape.handle)
      if (!state || previous?.version === state.version) return []
      const text = encodeSubqueryState(shape.handle, state.exportState())
      const generation = (previous?.generation ?? 0) + 1
      return [{ shape, generation, text, sha256: sha256(text), version: state.version }]
    })
    return { lsn, shapes, listed, appends, states }
  }

  private async removeOtherStateFiles(handle: string, keepGeneration: number) {
    const dir = this.shapeDir(handle)
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const match = SUBQUERY_STATE_FILE_PATTERN.exec(name)
      if (match && Number(match[1]) !== keepGeneration) await rm(join(dir, name), { force: true })
    }
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
