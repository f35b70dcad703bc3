/**
 * Gemini CLI chat files (`~/.gemini/tmp/<project>/chats/session-*.json[l]`) and checkpoints.
 *
 * - JSONL (current): a header `{sessionId, projectHash, startTime, lastUpdated, kind}`, then
 *   message records, `{"$set": …}` metadata patches and `{"$rewindTo": id}` markers. A gemini
 *   message is appended while it streams and appended again, same `id`, once its tool calls
 *   finish, so the latest record of an id is held back until a different message follows.
 * - JSON (legacy, pretty-printed): one ConversationRecord `{sessionId, …, messages: […]}`,
 *   streamed one message at a time by the document scanner.
 * - Checkpoints: `/chat save` files (a JSON array of `{role, parts}`) and `/restore`
 *   checkpoints (`{history: [{role, parts}], …}`), streamed the same way.
 */
import { isoInstant, textOf } from '~/domain/agent-logs/bounded-text'
import { isRecord, readJsonLine } from '~/domain/agent-logs/json-line'
import { type EventInput, LineParser } from '~/domain/agent-logs/line-parser'
import { describeIssues } from '~/domain/agent-logs/schema-issues'
import type { AgentLogParserState } from '~/domain/agent-logs/types'
import { endOfDocument, newScannerState, type ScannerSink, type ScannerState, scanLine } from './json-document-scanner'
import {
  checkpointContentSchema,
  conversationHeaderSchema,
  type MessageRecord,
  messageRecordSchema,
  partSchema,
  rewindSchema,
  setPatchSchema,
  type ToolCallRecord,
} from './schema'

const SHELL_TOOLS = new Set(['run_shell_command', 'shell'])
const FILE_TOOLS = new Set(['write_file', 'replace', 'edit', 'smart_edit'])
const SEARCH_TOOLS = new Set(['google_web_search', 'web_search'])

interface GeminiState {
  mode: 'undecided' | 'lines' | 'document'
  scanner: ScannerState
  /** JSONL: the latest record of the newest message, which may still be re-appended. */
  pending: { record: MessageRecord; line: number } | null
  /** What the last emitted message produced, so a later record of the same id adds only what is new. */
  emitted: EmittedMessage | null
}

interface EmittedMessage {
  id: string
  thoughts: number
  content: boolean
  toolCallIds: string[]
  tokens: { input: number; cached: number; output: number; thoughts: number }
}

interface ToolUse {
  id: string | null
  name: string
  args: Record<string, unknown>
  at: string | null
  line: number
}

export class GeminiCliParser extends LineParser<GeminiState> {
  constructor(resumeFrom?: AgentLogParserState) {
    super('gemini-cli', { mode: 'undecided', scanner: newScannerState(), pending: null, emitted: null }, resumeFrom)
  }

  override finish() {
    if (this.agent.mode === 'document') endOfDocument(this.agent.scanner, this.core.lastLineNumber, this.documentSink())
    return super.finish()
  }

  protected override handleLine(line: string, lineNumber: number) {
    if (this.agent.mode === 'undecided') {
      const trimmed = line.trim()
      if (trimmed.length === 0) return
      const read = readJsonLine(line)
      // A first line that is not a whole JSON value is the start of a pretty-printed document.
      this.agent.mode = read.ok !== true && (trimmed.startsWith('{') || trimmed.startsWith('[')) ? 'document' : 'lines'
    }
    if (this.agent.mode === 'lines') {
      super.handleLine(line, lineNumber)
      return
    }
    if (line.trim().length > 0) this.core.info.linesRead++
    scanLine(this.agent.scanner, line, lineNumber, this.documentSink())
  }

  protected override flushAgent() {
    const pending = this.agent.pending
    this.agent.pending = null
    if (pending) this.message(pending.record, pending.line)
  }

  protected handleEntry(value: unknown, line: number): string | undefined {
    if (!isRecord(value)) return 'expected a JSON object'
    if ('$set' in value) {
      const patch = setPatchSchema.safeParse(value)
      if (!patch.success) return describeIssues('$set', patch.error)
      if ('messages' in patch.data.$set) {
        this.flushAgent()
        this.emit({
          type: 'Other',
          line,
          name: '$set',
          summary: 'Messages replaced',
          payload: { kind: '$set', data: patch.data.$set },
        })
      }
      return undefined
    }
    if ('$rewindTo' in value) {
      const rewind = rewindSchema.safeParse(value)
      if (!rewind.success) return describeIssues('$rewindTo', rewind.error)
      // Events already emitted stay; the marker tells the reader that later ones replace them.
      this.flushAgent()
      this.emit({
        type: 'Other',
        line,
        name: 'rewind',
        eventKey: rewind.data.$rewindTo,
        summary: `Rewound to message ${rewind.data.$rewindTo}`,
        payload: { kind: 'rewind', messageId: rewind.data.$rewindTo },
      })
      return undefined
    }
    if ('sessionId' in value && !('type' in value)) {
      const header = conversationHeaderSchema.safeParse(value)
      if (!header.success) return describeIssues('header', header.error)
      this.applyHeader(header.data)
      return undefined
    }
    if ('type' in value && 'id' in value) {
      const record = messageRecordSchema.safeParse(value)
      if (!record.success) return describeIssues(`${String(value.type)} message`, record.error)
      if (this.agent.pending?.record.id !== record.data.id) this.flushAgent()
      this.agent.pending = { record: record.data, line }
      return undefined
    }
    if ('role' in value && 'parts' in value) return this.checkpointContent(value, line)
    this.emit({ type: 'Other', line, name: 'unknown', summary: 'Unrecognised entry', payload: { data: value } })
    return undefined
  }

  private documentSink(): ScannerSink {
    return {
      field: (key, text) => {
        const read = readJsonLine(text)
        if (read.ok !== true) return
        if (key === 'sessionId' || key === 'startTime') this.applyHeader({ [key]: read.value })
        if (key === 'directories' && Array.isArray(read.value) && typeof read.value[0] === 'string') {
          this.fillInfo({ cwd: read.value[0] })
        }
      },
      element: (text, line) => {
        let value: unknown
        try {
          value = JSON.parse(text)
        } catch (error) {
          this.malformed(line, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`, text)
          return
        }
        this.handleValue(value, line, text)
        // Document messages never repeat an id, so nothing needs holding back.
        this.flushAgent()
      },
      problem: (reason, line) => this.malformed(line, reason, ''),
    }
  }

  private applyHeader(header: { sessionId?: unknown; startTime?: unknown }) {
    if (typeof header.sessionId === 'string') this.fillInfo({ sourceKey: header.sessionId })
    const started = isoInstant(header.startTime)
    const info = this.core.info
    if (started && (!info.startedAt || started < info.startedAt)) info.startedAt = started
  }

  private message(record: MessageRecord, line: number) {
    const at = isoInstant(record.timestamp)
    // A flush (live tail) may have emitted this message already; it can still grow afterwards.
    const previous = this.agent.emitted?.id === record.id ? this.agent.emitted : null
    if (record.type === 'gemini') {
      this.geminiMessage(record, at, line, previous)
      return
    }
    if (previous) return
    this.agent.emitted = { id: record.id, thoughts: 0, content: true, toolCallIds: [], tokens: noTokens() }
    switch (record.type) {
      case 'user': {
        const text = contentText(record.content)
        const typed = contentText(record.displayContent)
        this.offerTitle(typed || text)
        this.emit({
          type: 'Message',
          line,
          at,
          role: 'user',
          eventKey: record.id,
          payload: { role: 'user', content: text, ...(typed && typed !== text ? { displayContent: typed } : {}) },
        })
        return
      }
      default: {
        const text = contentText(record.content)
        this.emit({
          type: 'Other',
          line,
          at,
          eventKey: record.id,
          name: record.type,
          summary: `${record.type}: ${text}`,
          payload: { kind: record.type, content: text },
        })
      }
    }
  }

  private geminiMessage(record: MessageRecord, at: string | null, line: number, previous: EmittedMessage | null) {
    this.setInfo({ model: record.model ?? undefined })
    const tokens = {
      input: record.tokens?.input ?? 0,
      cached: record.tokens?.cached ?? 0,
      output: record.tokens?.output ?? 0,
      thoughts: record.tokens?.thoughts ?? 0,
    }
    const counted = previous?.tokens ?? noTokens()
    // Each turn reports its own request, so the session total is their sum (a re-emitted turn replaces its share).
    const info = this.core.info
    info.inputTokens += tokens.input - counted.input
    info.cachedInputTokens += tokens.cached - counted.cached
    info.outputTokens += tokens.output - counted.output
    info.reasoningTokens += tokens.thoughts - counted.thoughts
    const thoughts = record.thoughts ?? []
    for (const thought of thoughts.slice(previous?.thoughts ?? 0)) {
      const content = [thought.subject, thought.description].filter(Boolean).join(': ')
      this.emit({
        type: 'Reasoning',
        line,
        at: isoInstant(thought.timestamp) ?? at,
        role: 'assistant',
        eventKey: record.id,
        payload: { content, subject: thought.subject ?? null },
      })
    }
    const text = contentText(record.content)
    const hasText = text.trim().length > 0
    if (hasText && !previous?.content) {
      this.emit({
        type: 'Message',
        line,
        at,
        role: 'assistant',
        eventKey: record.id,
        payload: { role: 'assistant', content: text, model: record.model ?? null },
      })
    }
    const emittedCalls = previous?.toolCallIds ?? []
    const calls = record.toolCalls ?? []
    for (const call of calls) if (!emittedCalls.includes(call.id)) this.emit(recordedToolCall(call, at, line))
    this.agent.emitted = {
      id: record.id,
      thoughts: Math.max(thoughts.length, previous?.thoughts ?? 0),
      content: hasText || Boolean(previous?.content),
      toolCallIds: [...new Set([...emittedCalls, ...calls.map((call) => call.id)])],
      tokens,
    }
  }

  private checkpointContent(value: Record<string, unknown>, line: number): string | undefined {
    const content = checkpointContentSchema.safeParse(value)
    if (!content.success) return describeIssues('checkpoint content', content.error)
    const role = content.data.role === 'model' ? 'assistant' : content.data.role
    for (const part of content.data.parts) {
      if (part.functionCall) {
        const use: ToolUse = {
          id: part.functionCall.id ?? null,
          name: part.functionCall.name,
          args: isRecord(part.functionCall.args) ? part.functionCall.args : {},
          at: null,
          line,
        }
        this.hold(toolEvent(use), use.id ?? use.name)
      } else if (part.functionResponse) {
        const key = part.functionResponse.id ?? part.functionResponse.name ?? ''
        const output = responseText(part.functionResponse.response)
        if (!this.complete(key, (event) => withToolOutput(event, output, null))) {
          this.emit({
            type: 'FunctionCall',
            line,
            role: 'user',
            eventKey: key || null,
            name: part.functionResponse.name ?? null,
            payload: { result: output, unpaired: true },
          })
        }
      } else if (typeof part.text === 'string' && part.text.length > 0) {
        this.emit({
          type: part.thought ? 'Reasoning' : 'Message',
          line,
          role,
          payload: part.thought ? { content: part.text } : { role, content: part.text },
        })
        if (role === 'user' && !part.thought) this.offerTitle(part.text)
      }
    }
    return undefined
  }
}

function noTokens() {
  return { input: 0, cached: 0, output: 0, thoughts: 0 }
}

function recordedToolCall(call: ToolCallRecord, messageAt: string | null, line: number): EventInput {
  const use: ToolUse = {
    id: call.id,
    name: call.name,
    args: call.args ?? {},
    at: isoInstant(call.timestamp) ?? messageAt,
    line,
  }
  const output = Array.isArray(call.result)
    ? call.result
        .map((item) =>
          isRecord(item) && isRecord(item.functionResponse)
            ? responseText(item.functionResponse.response)
            : textOf(item),
        )
        .join('\n')
    : textOf(call.result)
  const event = withToolOutput(toolEvent(use), output, call.status ?? null)
  const display = call.resultDisplay
  const diff = isRecord(display) && typeof display.fileDiff === 'string' ? display.fileDiff : null
  const filePath = isRecord(display) && typeof display.filePath === 'string' ? display.filePath : null
  return {
    ...event,
    path: event.path ?? (event.type === 'FileChange' ? filePath : null),
    payload: {
      ...event.payload,
      ...(diff ? { diff } : {}),
      ...(call.description ? { description: call.description } : {}),
      ...(call.displayName ? { displayName: call.displayName } : {}),
    },
  }
}

function toolEvent(use: ToolUse): EventInput {
  const base = { line: use.line, at: use.at, role: 'assistant', eventKey: use.id, name: use.name }
  const { args } = use
  if (SHELL_TOOLS.has(use.name)) {
    const command = typeof args.command === 'string' ? args.command : textOf(args.command)
    const cwd =
      typeof args.directory === 'string' ? args.directory : typeof args.dir_path === 'string' ? args.dir_path : null
    return { ...base, type: 'LocalShellCall', command, payload: { command, cwd, args } }
  }
  if (FILE_TOOLS.has(use.name)) {
    const path = [args.file_path, args.absolute_path, args.path].find((value) => typeof value === 'string') as
      | string
      | undefined
    return { ...base, type: 'FileChange', path: path ?? null, payload: { path: path ?? null, args } }
  }
  if (SEARCH_TOOLS.has(use.name)) {
    const query = typeof args.query === 'string' ? args.query : ''
    return { ...base, type: 'WebSearchCall', payload: { query, args } }
  }
  return { ...base, type: 'FunctionCall', payload: { name: use.name, args } }
}

function withToolOutput(event: EventInput, output: string, status: string | null): EventInput {
  const payload = { ...event.payload, status }
  if (event.type === 'LocalShellCall') {
    const exit = /^Exit Code: (-?\d+)/m.exec(output)
    // The shell tool only prints an exit code when it is not zero.
    const exitCode = exit ? Number(exit[1]) : status === 'success' ? 0 : null
    return { ...event, exitCode, payload: { ...payload, stdout: output, exitCode } }
  }
  if (event.type === 'FileChange' || event.type === 'WebSearchCall')
    return { ...event, payload: { ...payload, output } }
  return { ...event, payload: { ...payload, result: output } }
}

function responseText(response: unknown): string {
  if (isRecord(response)) {
    if (typeof response.output === 'string') return response.output
    if (typeof response.error === 'string') return response.error
    if (typeof response.content === 'string') return response.content
  }
  return textOf(response)
}

/** Text of a string, a Part, or a Part[] (function parts are not text). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  const parts = Array.isArray(content) ? content : content ? [content] : []
  return parts
    .map((part) => partSchema.safeParse(part))
    .map((part) => (part.success && typeof part.data.text === 'string' && !part.data.thought ? part.data.text : ''))
    .filter((text) => text.length > 0)
    .join('\n')
}
