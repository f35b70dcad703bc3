/**
 * Decides, before anything is written, where every legacy record goes: which threads stay active,
 * which thread a message without `threadId` joins, each message's `seq`, the recomputed thread
 * counters, and every fix to report. It keeps only ids, timestamps and one preview per thread, so
 * the message file can be streamed twice (plan, then write) instead of being held in memory.
 */
import { createHash } from 'node:crypto'
import type { ChatMode } from '~/domain/coach/chat-kinds'
import { messagePreview } from '~/domain/text/preview'
import { DEFAULT_THREAD_TITLES } from '~/server/repositories/chat-threads-repository'
import type { ImportReportBuilder } from './import-report'
import { LEGACY_FILE_NAMES, type LegacyKind } from './legacy-files'
import { type LegacyMessage, type LegacyThread, type LegacyToolEvent, validateLegacyRecord } from './legacy-records'
import { describeLegacySession, type LegacySessionDescription } from './legacy-sessions'
import type { ElementFacts } from './read-json-array'

type ThreadStatus = 'active' | 'archived'

/** Threads of the sessions being imported that are already in the database (an earlier import). */
export interface ExistingThread {
  id: string
  sessionKey: string
  mode: ChatMode
  status: ThreadStatus
  createdAt: string
  updatedAt: string
}

export interface ExistingLegacyState {
  threads: ExistingThread[]
  /** Message id → thread id for messages without `threadId` that an earlier import placed. */
  placedOrphans: Map<string, string>
  /** `threadId \0 clientMessageId` → message id, for messages already in the database. */
  clientMessageIds: Map<string, string>
  /** The sessions already hold messages: seq and counters are then recomputed in SQL after writing. */
  hasMessages: boolean
}

export const NO_EXISTING_STATE: ExistingLegacyState = {
  threads: [],
  placedOrphans: new Map(),
  clientMessageIds: new Map(),
  hasMessages: false,
}

export interface PlannedThread {
  id: string
  sessionKey: string
  mode: ChatMode
  title: string
  status: ThreadStatus
  messageCount: number
  lastMessagePreview: string | null
  lastMessageAt: string | null
  createdAt: string
  updatedAt: string
}

export interface MessagePlacement {
  /** Position of the record that wins for this id; any other record with the id is skipped. */
  index: number
  threadId: string
  sessionKey: string
  mode: ChatMode
  seq: number
  dropClientMessageId: boolean
}

export interface ToolEventPlacement {
  index: number
  threadId: string | null
}

export interface LegacySessionPlan extends LegacySessionDescription {
  sourceKey: string
}

export interface ImportPlan {
  sessions: LegacySessionPlan[]
  threads: PlannedThread[]
  /** Database threads that lose their `active` status to an imported thread; archived first. */
  existingThreadsToArchive: string[]
  messages: Map<string, MessagePlacement>
  toolEvents: Map<string, ToolEventPlacement>
  mergeIntoExisting: boolean
}

/**
 * What is kept of each message between the two passes: no content, numbers for instants. `finish`
 * completes it in place into the message's placement, so 100k messages cost one map, not two.
 */
interface MessageMeta {
  index: number
  sessionKey: string
  mode: ChatMode
  threadId: string | null
  createdAtMs: number
  updatedAtMs: number
  clientMessageId: string | undefined
  seq: number
  dropClientMessageId: boolean
}

interface LastMessage {
  id: string
  createdAtMs: number
  createdAt: string
  preview: string
}

interface WorkingThread extends PlannedThread {
  source: 'file' | 'database' | 'created' | 'recreated'
  index?: number
  fileMessageCount?: number
  fileLastMessagePreview?: string
  fileLastMessageAt?: string
}

const pairKey = (sessionKey: string, mode: ChatMode) => `${sessionKey}\u0000${mode}`
const byCreatedThenId = (a: { createdAtMs: number; id: string }, b: { createdAtMs: number; id: string }) =>
  a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const isLater = (a: { createdAtMs: number; id: string }, b: { createdAtMs: number; id: string }) =>
  byCreatedThenId(a, b) > 0

const toPlannedThread = (thread: WorkingThread): PlannedThread => ({
  id: thread.id,
  sessionKey: thread.sessionKey,
  mode: thread.mode,
  title: thread.title,
  status: thread.status,
  messageCount: thread.messageCount,
  lastMessagePreview: thread.lastMessagePreview,
  lastMessageAt: thread.lastMessageAt,
  createdAt: thread.createdAt,
  updatedAt: thread.updatedAt,
})

/**
 * Same session and mode → same id, so importing the same files into a new database gives the same
 * ids. `attempt` picks another id when an earlier import's thread (since archived) holds this one.
 */
export function createdThreadId(sessionKey: string, mode: ChatMode, attempt = 0) {
  const hex = createHash('sha256')
    .update(`legacy-import\u0000${pairKey(sessionKey, mode)}${attempt === 0 ? '' : `\u0000${attempt}`}`)
    .digest('hex')
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
  return `thread_${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export class LegacyImportPlanner {
  private readonly fileThreads = new Map<string, LegacyThread & { index: number }>()
  private readonly messages = new Map<string, MessageMeta>()
  private readonly toolEvents = new Map<string, { index: number; sessionKey: string; threadId: string | null }>()
  private readonly invalidIds: Record<LegacyKind, Set<string>> = {
    threads: new Set(),
    messages: new Set(),
    toolEvents: new Set(),
  }
  /** Latest message per explicit thread id, and per (session, mode) for messages without one. */
  private readonly lastByThread = new Map<string, LastMessage>()
  private readonly lastOrphanByPair = new Map<string, LastMessage>()
  private executingToolEvents = 0
  private readonly strings = new Map<string, string>()
  /** Threads per (session, mode), for the `#N` titles of threads the import creates. */
  private readonly threadsPerPair = new Map<string, number>()

  constructor(
    private readonly report: ImportReportBuilder,
    private readonly options: { skipInvalid: boolean },
  ) {}

  /** Takes one array element of a legacy file: validates, de-duplicates and remembers it. */
  accept(kind: LegacyKind, raw: unknown, index: number, facts?: ElementFacts) {
    const validation = validateLegacyRecord(kind, raw, facts)
    if (validation.outcome === 'missing-id') {
      this.report.skip(kind, { reason: 'missing-id', index })
      return
    }
    const id = validation.outcome === 'valid' ? validation.record.id : validation.id
    const firstIndex = id === undefined ? undefined : this.claimedIndex(kind, id)
    if (id !== undefined && firstIndex !== undefined) {
      this.report.skip(kind, {
        reason: 'duplicate-id',
        index,
        id,
        detail: `the record at index ${firstIndex} was kept`,
      })
      return
    }
    if (validation.outcome === 'invalid') {
      if (id !== undefined) this.invalidIds[kind].add(id)
      this.report.invalid(kind, { index, id, reason: validation.reason })
      if (this.options.skipInvalid) this.report.skip(kind, { reason: 'invalid', index, id, detail: validation.reason })
      return
    }
    for (const repair of validation.repairs)
      this.report.fix(kind, { kind: repair.kind, index, id: validation.record.id, detail: repair.detail })
    if (kind === 'threads') this.acceptThread(validation.record as LegacyThread, index)
    else if (kind === 'messages') this.acceptMessage(validation.record as LegacyMessage, index)
    else this.acceptToolEvent(validation.record as LegacyToolEvent, index)
  }

  private claimedIndex(kind: LegacyKind, id: string): number | string | undefined {
    const map = kind === 'threads' ? this.fileThreads : kind === 'messages' ? this.messages : this.toolEvents
    const claimed = map.get(id)
    if (claimed) return claimed.index
    return this.invalidIds[kind].has(id) ? 'an invalid record' : undefined
  }

  private acceptThread(thread: LegacyThread, index: number) {
    this.fileThreads.set(thread.id, { ...thread, index })
  }

  private acceptMessage(message: LegacyMessage, index: number) {
    const createdAtMs = Date.parse(message.createdAt)
    const threadId = message.threadId ? this.intern(message.threadId) : null
    this.messages.set(message.id, {
      index,
      sessionKey: this.intern(message.sessionId),
      mode: message.mode,
      threadId,
      createdAtMs,
      updatedAtMs: Date.parse(message.updatedAt),
      clientMessageId: message.clientMessageId,
      seq: 0,
      dropClientMessageId: false,
    })
    const candidate = { id: message.id, createdAtMs }
    const groups = threadId ? this.lastByThread : this.lastOrphanByPair
    const key = threadId ?? pairKey(message.sessionId, message.mode)
    const current = groups.get(key)
    if (!current || isLater(candidate, current)) {
      groups.set(key, { ...candidate, createdAt: message.createdAt, preview: messagePreview(message.content) })
    }
  }

  /** One string instance per distinct session or thread id: 100k messages share a few thousand. */
  private intern(value: string) {
    const known = this.strings.get(value)
    if (known !== undefined) return known
    this.strings.set(value, value)
    return value
  }

  private acceptToolEvent(event: LegacyToolEvent, index: number) {
    this.toolEvents.set(event.id, {
      index,
      sessionKey: this.intern(event.sessionId),
      threadId: event.threadId === null ? null : this.intern(event.threadId),
    })
    if (event.status === 'executing') this.executingToolEvents++
  }

  /** Session keys of every accepted record: the database state to load before `finish`. */
  sessionKeys(): string[] {
    const keys = new Set<string>()
    for (const thread of this.fileThreads.values()) keys.add(thread.sessionId)
    for (const message of this.messages.values()) keys.add(message.sessionKey)
    for (const event of this.toolEvents.values()) keys.add(event.sessionKey)
    return [...keys]
  }

  messagesWithoutThread(): string[] {
    return [...this.messages].filter(([, meta]) => meta.threadId === null).map(([id]) => id)
  }

  /** Call once, after every record was accepted. */
  finish(existing: ExistingLegacyState = NO_EXISTING_STATE): ImportPlan {
    const threads = this.collectThreads(existing)
    this.recreateMissingThreads(threads)
    const existingThreadsToArchive = this.keepOneActivePerPair(threads)
    const members = this.placeMessages(threads, existing)
    const messages = this.assignSequences(threads, members, existing)
    this.recomputeCounters(threads, members)
    const toolEvents = this.placeToolEvents(threads)

    const written = [...threads.values()].filter((thread) => thread.source !== 'database')
    const sessionKeys = new Set<string>()
    for (const thread of written) sessionKeys.add(thread.sessionKey)
    for (const placement of messages.values()) sessionKeys.add(placement.sessionKey)
    for (const event of this.toolEvents.values()) sessionKeys.add(event.sessionKey)

    this.report.imported('threads', this.fileThreads.size)
    this.report.imported('messages', messages.size)
    this.report.imported('toolEvents', toolEvents.size)
    if (this.executingToolEvents > 0) {
      this.report.note(
        `${this.executingToolEvents} tool event(s) are still "executing" (the original product never marked them ` +
          'complete); they are imported as they were and the UI shows them as interrupted.',
      )
    }

    return {
      sessions: [...sessionKeys].sort().map((sourceKey) => ({ sourceKey, ...describeLegacySession(sourceKey) })),
      threads: written.map(toPlannedThread),
      existingThreadsToArchive,
      messages,
      toolEvents,
      mergeIntoExisting: existing.threads.length > 0 || existing.hasMessages,
    }
  }

  private collectThreads(existing: ExistingLegacyState) {
    const threads = new Map<string, WorkingThread>()
    for (const thread of existing.threads) {
      threads.set(thread.id, {
        ...thread,
        title: '',
        messageCount: 0,
        lastMessagePreview: null,
        lastMessageAt: null,
        source: 'database',
      })
    }
    for (const thread of this.fileThreads.values()) {
      threads.set(thread.id, {
        id: thread.id,
        sessionKey: thread.sessionId,
        mode: thread.mode,
        title: thread.title,
        status: thread.status,
        messageCount: 0,
        lastMessagePreview: null,
        lastMessageAt: null,
        createdAt: thread.createdAt,
        updatedAt: thread.updatedAt,
        source: 'file',
        index: thread.index,
        fileMessageCount: thread.messageCount,
        fileLastMessagePreview: thread.lastMessagePreview,
        fileLastMessageAt: thread.lastMessageAt,
      })
    }
    for (const thread of threads.values()) this.countThread(thread)
    return threads
  }

  private countThread(thread: PlannedThread) {
    const key = pairKey(thread.sessionKey, thread.mode)
    this.threadsPerPair.set(key, (this.threadsPerPair.get(key) ?? 0) + 1)
  }

  private recreateMissingThreads(threads: Map<string, WorkingThread>) {
    const missing = new Map<string, MessageMeta[]>()
    for (const meta of this.messages.values()) {
      if (meta.threadId === null || threads.has(meta.threadId)) continue
      const group = missing.get(meta.threadId) ?? []
      group.push(meta)
      missing.set(meta.threadId, group)
    }
    for (const [threadId, group] of missing) {
      const first = group.reduce((a, b) => (b.index < a.index ? b : a))
      threads.set(threadId, {
        ...this.newThread(threadId, first.sessionKey, first.mode, group),
        status: 'archived',
        source: 'recreated',
      })
      this.report.created('threads')
      this.report.fix('threads', {
        kind: 'thread-recreated',
        id: threadId,
        detail: `named by ${group.length} message(s) of ${first.sessionKey}/${first.mode}`,
      })
    }
  }

  private newThread(id: string, sessionKey: string, mode: ChatMode, group: MessageMeta[]): PlannedThread {
    const peers = this.threadsPerPair.get(pairKey(sessionKey, mode)) ?? 0
    const title = peers === 0 ? DEFAULT_THREAD_TITLES[mode] : `${DEFAULT_THREAD_TITLES[mode]} #${peers + 1}`
    const createdAtMs = group.reduce((min, m) => Math.min(min, m.createdAtMs), Number.POSITIVE_INFINITY)
    const updatedAtMs = group.reduce((max, m) => Math.max(max, m.updatedAtMs), Number.NEGATIVE_INFINITY)
    // Instants were normalized to toISOString() form when validated, so this gives back the file's text.
    const createdAt = new Date(createdAtMs).toISOString()
    const updatedAt = new Date(updatedAtMs).toISOString()
    const thread: PlannedThread = {
      id,
      sessionKey,
      mode,
      title,
      status: 'active',
      messageCount: 0,
      lastMessagePreview: null,
      lastMessageAt: null,
      createdAt,
      updatedAt,
    }
    this.countThread(thread)
    return thread
  }

  /** One active thread per (session, mode): the most recently updated wins, as in the original product. */
  private keepOneActivePerPair(threads: Map<string, WorkingThread>) {
    const activeByPair = new Map<string, WorkingThread[]>()
    for (const thread of threads.values()) {
      if (thread.status !== 'active') continue
      const key = pairKey(thread.sessionKey, thread.mode)
      const active = activeByPair.get(key)
      if (active) active.push(thread)
      else activeByPair.set(key, [thread])
    }
    const existingToArchive: string[] = []
    for (const active of activeByPair.values()) {
      if (active.length < 2) continue
      active.sort(
        (a, b) =>
          Date.parse(b.updatedAt) - Date.parse(a.updatedAt) ||
          Date.parse(b.createdAt) - Date.parse(a.createdAt) ||
          (a.id < b.id ? 1 : -1),
      )
      const [kept, ...archived] = active
      for (const thread of archived) {
        thread.status = 'archived'
        const detail = `${thread.sessionKey}/${thread.mode} also had ${kept.id} active (updated ${kept.updatedAt}); this one was updated ${thread.updatedAt}`
        if (thread.source === 'database') {
          existingToArchive.push(thread.id)
          this.report.fix('threads', { kind: 'existing-thread-archived', id: thread.id, detail })
        } else {
          this.report.fix('threads', { kind: 'thread-archived', index: thread.index, id: thread.id, detail })
        }
      }
    }
    return existingToArchive
  }

  /** Thread id → ids of the messages it will hold. */
  private placeMessages(threads: Map<string, WorkingThread>, existing: ExistingLegacyState) {
    const members = new Map<string, string[]>()
    const add = (threadId: string, messageId: string) => {
      const list = members.get(threadId)
      if (list) list.push(messageId)
      else members.set(threadId, [messageId])
    }
    const orphansByPair = new Map<string, string[]>()
    for (const [id, meta] of this.messages) {
      if (meta.threadId !== null) {
        add(meta.threadId, id)
        continue
      }
      const placed = existing.placedOrphans.get(id)
      if (placed && threads.has(placed)) {
        meta.threadId = placed
        add(placed, id)
        continue
      }
      const key = pairKey(meta.sessionKey, meta.mode)
      const orphans = orphansByPair.get(key)
      if (orphans) orphans.push(id)
      else orphansByPair.set(key, [id])
    }
    const activeByPair = new Map<string, WorkingThread>()
    for (const thread of threads.values()) {
      if (thread.status === 'active') activeByPair.set(pairKey(thread.sessionKey, thread.mode), thread)
    }
    for (const [key, ids] of orphansByPair) {
      const group = ids.map((id) => this.messages.get(id) as MessageMeta)
      const { sessionKey, mode } = group[0]
      let target = activeByPair.get(key)
      if (!target) {
        let attempt = 0
        while (threads.has(createdThreadId(sessionKey, mode, attempt))) attempt++
        const id = createdThreadId(sessionKey, mode, attempt)
        target = { ...this.newThread(id, sessionKey, mode, group), source: 'created' }
        threads.set(id, target)
        this.report.created('threads')
        this.report.fix('threads', {
          kind: 'thread-created',
          id,
          detail: `active thread for ${ids.length} message(s) without threadId in ${sessionKey}/${mode}`,
        })
      }
      for (const id of ids) {
        const meta = this.messages.get(id) as MessageMeta
        meta.threadId = target.id
        add(target.id, id)
        this.report.fix('messages', { kind: 'thread-assigned', index: meta.index, id, detail: `joined ${target.id}` })
      }
      const last = this.lastOrphanByPair.get(key)
      const current = this.lastByThread.get(target.id)
      if (last && (!current || isLater(last, current))) this.lastByThread.set(target.id, last)
    }
    return members
  }

  private assignSequences(
    threads: Map<string, WorkingThread>,
    members: Map<string, string[]>,
    existing: ExistingLegacyState,
  ): Map<string, MessagePlacement> {
    for (const [threadId, ids] of members) {
      const thread = threads.get(threadId) as WorkingThread
      const ordered = ids
        .map((id) => ({ id, createdAtMs: (this.messages.get(id) as MessageMeta).createdAtMs }))
        .sort(byCreatedThenId)
      const clientIds = new Set<string>()
      ordered.forEach(({ id }, position) => {
        const meta = this.messages.get(id) as MessageMeta
        if (meta.sessionKey !== thread.sessionKey || meta.mode !== thread.mode) {
          this.report.fix('messages', {
            kind: 'message-aligned-with-thread',
            index: meta.index,
            id,
            detail: `${meta.sessionKey}/${meta.mode} → ${thread.sessionKey}/${thread.mode} of ${threadId}`,
          })
        }
        if (meta.clientMessageId !== undefined) {
          const holder = existing.clientMessageIds.get(`${threadId}\u0000${meta.clientMessageId}`)
          if (clientIds.has(meta.clientMessageId) || (holder !== undefined && holder !== id)) {
            meta.dropClientMessageId = true
            this.report.fix('messages', {
              kind: 'client-message-id-cleared',
              index: meta.index,
              id,
              detail: `clientMessageId ${meta.clientMessageId} is already used by an earlier message of ${threadId}`,
            })
          }
          clientIds.add(meta.clientMessageId)
        }
        meta.threadId = threadId
        meta.sessionKey = thread.sessionKey
        meta.mode = thread.mode
        meta.seq = position + 1
      })
    }
    return this.messages as Map<string, MessagePlacement>
  }

  private recomputeCounters(threads: Map<string, WorkingThread>, members: Map<string, string[]>) {
    for (const thread of threads.values()) {
      if (thread.source === 'database') continue
      const last = this.lastByThread.get(thread.id)
      thread.messageCount = members.get(thread.id)?.length ?? 0
      thread.lastMessagePreview = last ? last.preview : null
      thread.lastMessageAt = last ? last.createdAt : null
      if (thread.source !== 'file') continue
      const changes: string[] = []
      if (thread.fileMessageCount !== thread.messageCount) {
        changes.push(`messageCount ${thread.fileMessageCount ?? '(absent)'} → ${thread.messageCount}`)
      }
      if ((thread.fileLastMessagePreview ?? null) !== thread.lastMessagePreview) changes.push('lastMessagePreview')
      const fileAt = thread.fileLastMessageAt === undefined ? null : Date.parse(thread.fileLastMessageAt)
      const newAt = thread.lastMessageAt === null ? null : Date.parse(thread.lastMessageAt)
      if (fileAt !== newAt)
        changes.push(`lastMessageAt ${thread.fileLastMessageAt ?? '(absent)'} → ${thread.lastMessageAt ?? '(none)'}`)
      if (changes.length > 0) {
        this.report.fix('threads', {
          kind: 'thread-counters-recomputed',
          index: thread.index,
          id: thread.id,
          detail: changes.join('; '),
        })
      }
    }
  }

  private placeToolEvents(threads: Map<string, WorkingThread>): Map<string, ToolEventPlacement> {
    for (const [id, event] of this.toolEvents) {
      if (event.threadId === null || threads.has(event.threadId)) continue
      this.report.fix('toolEvents', {
        kind: 'tool-event-thread-cleared',
        index: event.index,
        id,
        detail: `${event.threadId} is neither in ${LEGACY_FILE_NAMES.threads} nor named by any message`,
      })
      event.threadId = null
    }
    return this.toolEvents
  }
}
