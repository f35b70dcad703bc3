/**
 * The machinery every agent parser shares: JSON line reading, malformed-line bookkeeping, the
 * held-event queue that pairs calls with their outputs without reordering the timeline, and
 * the session info. Agent parsers only say what each entry means (`handleEntry`).
 */
import { boundedJson, columnText, isoInstant, oneLine } from './bounded-text'
import { readJsonLine } from './json-line'
import { MALFORMED_EXCERPT_LENGTH, MAX_HELD_EVENTS, MAX_KEPT_MALFORMED_LINES, MAX_TITLE_LENGTH } from './limits'
import type { TimelineEventType } from './timeline-event-types'
import type {
  AgentLogFormat,
  AgentLogParser,
  AgentLogParserState,
  ParsedSessionInfo,
  TimelineEventDraft,
} from './types'

/** An event as an agent parser describes it; the base class fills the rest. */
export interface EventInput {
  type: TimelineEventType
  line: number
  eventKey?: string | null
  role?: string | null
  at?: string | null
  name?: string | null
  command?: string | null
  path?: string | null
  exitCode?: number | null
  durationMs?: number | null
  /** Text for the one-line summary; a default is derived from the other fields otherwise. */
  summary?: string
  payload: Record<string, unknown>
}

interface HeldSlot {
  event: EventInput
  /** The pairing key (call id) this event still waits for; null when ready. */
  waitingFor: string | null
}

interface CoreState {
  info: ParsedSessionInfo
  held: HeldSlot[]
  nextOrdinal: number
  lastLineNumber: number
  /** The token totals last written into an event's `payload.tokensSoFar` (absent in older saved states). */
  stampedTokens?: string
}

export abstract class LineParser<AgentState> implements AgentLogParser {
  protected core: CoreState
  protected agent: AgentState

  constructor(
    readonly format: AgentLogFormat,
    initialAgentState: AgentState,
    resumeFrom?: AgentLogParserState,
  ) {
    if (resumeFrom) {
      if (resumeFrom.version !== 1 || resumeFrom.format !== format) {
        throw new Error(
          `Cannot resume a ${format} parser from ${resumeFrom.format} state (version ${resumeFrom.version}).`,
        )
      }
      this.core = structuredClone(resumeFrom.core as CoreState)
      this.agent = structuredClone(resumeFrom.agent as AgentState)
    } else {
      this.core = { info: emptyInfo(format), held: [], nextOrdinal: 0, lastLineNumber: 0 }
      this.agent = initialAgentState
    }
  }

  push(line: string, lineNumber: number): TimelineEventDraft[] {
    this.core.lastLineNumber = lineNumber
    this.handleLine(line, lineNumber)
    return this.drainReady()
  }

  flush(): TimelineEventDraft[] {
    this.flushAgent()
    this.releaseWaitingCalls()
    return this.drainReady()
  }

  info(): ParsedSessionInfo {
    return structuredClone(this.finalInfo())
  }

  finish() {
    const events = this.flush()
    return { events, info: this.info() }
  }

  saveState(): AgentLogParserState {
    return structuredClone({
      version: 1,
      format: this.format,
      nextOrdinal: this.core.nextOrdinal,
      lastLineNumber: this.core.lastLineNumber,
      core: this.core,
      agent: this.agent,
    })
  }

  /** One raw line; the default reads it as JSON and hands the value to `handleEntry`. */
  protected handleLine(line: string, lineNumber: number) {
    const read = readJsonLine(line)
    if (read.ok === 'blank') return
    this.core.info.linesRead++
    if (read.ok === false) {
      this.malformed(lineNumber, read.reason, line)
      return
    }
    this.handleValue(read.value, lineNumber, line)
  }

  protected handleValue(value: unknown, lineNumber: number, raw: string) {
    try {
      const problem = this.handleEntry(value, lineNumber)
      if (problem) this.malformed(lineNumber, problem, raw)
    } catch (error) {
      // A parser bug on one odd line must not end the whole parse.
      this.malformed(lineNumber, `could not be read: ${error instanceof Error ? error.message : String(error)}`, raw)
    }
  }

  /** Interprets one parsed entry; returns a reason when the entry is malformed. */
  protected abstract handleEntry(value: unknown, lineNumber: number): string | undefined

  /** Agent-specific buffers to release on flush (e.g. a message that may still be rewritten). */
  protected flushAgent() {}

  /** Agent-specific adjustments of the info returned to callers. */
  protected finalInfo(): ParsedSessionInfo {
    return this.core.info
  }

  protected malformed(lineNumber: number, reason: string, raw: string) {
    const info = this.core.info
    info.errorLineCount++
    if (info.malformedLines.length < MAX_KEPT_MALFORMED_LINES) {
      info.malformedLines.push({ lineNumber, reason, excerpt: oneLine(raw, MALFORMED_EXCERPT_LENGTH) })
    }
  }

  protected emit(event: EventInput) {
    this.core.held.push({ event: boundEvent(event), waitingFor: null })
    this.releaseOverflow()
  }

  /** Emits an event that must wait until `complete(pairingKey)` (or a flush) releases it. */
  protected hold(event: EventInput, pairingKey: string) {
    this.core.held.push({ event: boundEvent(event), waitingFor: pairingKey })
    this.releaseOverflow()
  }

  /** Completes the held event waiting for `pairingKey`; false when none is waiting. */
  protected complete(pairingKey: string, apply: (event: EventInput) => EventInput): boolean {
    const slot = this.core.held.find((candidate) => candidate.waitingFor === pairingKey)
    if (!slot) return false
    slot.event = boundEvent(apply(slot.event))
    slot.waitingFor = null
    return true
  }

  /**
   * A new prompt from the person starts a new turn: calls of the previous turn that still have
   * no output never will (the turn was interrupted), so they stop holding back the timeline.
   */
  protected releaseWaitingCalls() {
    for (const slot of this.core.held) if (slot.waitingFor !== null) releaseUnpaired(slot)
  }

  protected offerTitle(text: string | null | undefined) {
    if (this.core.info.title || !text) return
    const title = oneLine(text, MAX_TITLE_LENGTH)
    if (title) this.core.info.title = title
  }

  /** Sets info fields that are still empty; the first value seen wins. */
  protected fillInfo(values: Partial<Pick<ParsedSessionInfo, InfoTextField>>) {
    const info = this.core.info
    for (const [key, value] of Object.entries(values) as [InfoTextField, string | null | undefined][]) {
      if (info[key] === null && typeof value === 'string' && value.length > 0) info[key] = columnText(value, 1024)
    }
  }

  protected setInfo(values: Partial<Pick<ParsedSessionInfo, InfoTextField>>) {
    for (const [key, value] of Object.entries(values) as [InfoTextField, string | null | undefined][]) {
      if (typeof value === 'string' && value.length > 0) this.core.info[key] = columnText(value, 1024)
    }
  }

  private releaseOverflow() {
    // A call whose output never comes must not hold back the rest of the timeline forever.
    const held = this.core.held
    while (held.length - readyPrefixLength(held) > MAX_HELD_EVENTS) {
      const oldest = held.find((slot) => slot.waitingFor !== null)
      if (!oldest) return
      releaseUnpaired(oldest)
    }
  }

  private drainReady(): TimelineEventDraft[] {
    const out: TimelineEventDraft[] = []
    this.drainInto(out)
    return out
  }

  private drainInto(out: TimelineEventDraft[]) {
    const held = this.core.held
    const ready = readyPrefixLength(held)
    if (ready === 0) return
    for (const slot of held.splice(0, ready)) out.push(this.toDraft(slot.event))
  }

  private toDraft(event: EventInput): TimelineEventDraft {
    const info = this.core.info
    const at = event.at ?? null
    info.eventCount++
    if (at) {
      if (!info.startedAt || at < info.startedAt) info.startedAt = at
      if (!info.lastEventAt || at > info.lastEventAt) info.lastEventAt = at
    }
    return {
      ordinal: this.core.nextOrdinal++,
      eventKey: columnText(event.eventKey, 512),
      type: event.type,
      role: columnText(event.role, 64),
      at,
      name: columnText(event.name, 512),
      command: columnText(event.command),
      path: columnText(event.path),
      exitCode: integerOrNull(event.exitCode),
      durationMs: integerOrNull(event.durationMs),
      summary: oneLine(event.summary ?? defaultSummary(event)) || event.type,
      payload: { ...(event.payload as Record<string, unknown>), line: event.line, ...this.tokenStamp() },
    }
  }

  /**
   * The session's running token totals, on the first event emitted after they changed: the only
   * record of token use over time (the agents report usage per API call, not per event), read by
   * the per-session stats (docs/stats.md). Unchanged totals add nothing, so payloads stay small.
   */
  private tokenStamp(): { tokensSoFar?: TokenTotals } {
    const info = this.finalInfo()
    const totals: TokenTotals = {
      input: info.inputTokens,
      cached: info.cachedInputTokens,
      output: info.outputTokens,
      reasoning: info.reasoningTokens,
    }
    const key = `${totals.input}/${totals.cached}/${totals.output}/${totals.reasoning}`
    if (key === (this.core.stampedTokens ?? '0/0/0/0')) return {}
    this.core.stampedTokens = key
    return { tokensSoFar: totals }
  }
}

export interface TokenTotals {
  input: number
  cached: number
  output: number
  reasoning: number
}

type InfoTextField = 'sourceKey' | 'repoName' | 'remoteUrl' | 'branch' | 'commitSha' | 'cwd' | 'model' | 'cliVersion'

/** A call released before its output arrived goes out as it is, marked. */
function releaseUnpaired(slot: HeldSlot) {
  slot.waitingFor = null
  slot.event = { ...slot.event, payload: { ...slot.event.payload, unpaired: true } }
}

function readyPrefixLength(held: HeldSlot[]) {
  let ready = 0
  while (ready < held.length && held[ready].waitingFor === null) ready++
  return ready
}

function boundEvent(event: EventInput): EventInput {
  return {
    ...event,
    at: event.at ? isoInstant(event.at) : null,
    payload: boundedJson(event.payload) as Record<string, unknown>,
  }
}

function integerOrNull(value: number | null | undefined) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  const rounded = Math.round(value)
  // Postgres `integer` is 32-bit signed.
  return Math.abs(rounded) <= 2_147_483_647 ? rounded : null
}

function defaultSummary(event: EventInput): string {
  switch (event.type) {
    case 'LocalShellCall':
      return `$ ${event.command ?? ''}${event.exitCode ? ` (exit ${event.exitCode})` : ''}`
    case 'FileChange':
      return `File change: ${event.path ?? ''}`
    case 'WebSearchCall':
      return `Web search: ${String(event.payload.query ?? '')}`
    case 'Message':
      return `${capitalize(event.role ?? 'message')}: ${String(event.payload.content ?? '')}`
    case 'Reasoning':
      return String(event.payload.content ?? 'Reasoning')
    case 'FunctionCall':
    case 'CustomToolCall': {
      const hint = firstText(event.payload.description ?? event.payload.args ?? event.payload.input)
      return `${event.name ?? event.type}${hint ? ` ${hint}` : ''}`
    }
    default:
      return event.name ?? event.type
  }
}

/** The first short string in a call's arguments, e.g. the file a read_file call reads. */
function firstText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const item of Object.values(value)) if (typeof item === 'string' && item.length > 0) return item
  }
  return ''
}

function capitalize(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function emptyInfo(origin: AgentLogFormat): ParsedSessionInfo {
  return {
    origin,
    sourceKey: null,
    title: null,
    repoName: null,
    remoteUrl: null,
    branch: null,
    commitSha: null,
    cwd: null,
    model: null,
    cliVersion: null,
    startedAt: null,
    lastEventAt: null,
    eventCount: 0,
    errorLineCount: 0,
    malformedLines: [],
    linesRead: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  }
}
