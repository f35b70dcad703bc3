/**
 * Claude Code project logs (`~/.claude/projects/<project>/<sessionId>.jsonl`, and since 2.1
 * `<sessionId>/subagents/agent-<agentId>.jsonl` for sub-agents).
 *
 * `user` / `assistant` lines carry Anthropic-API messages, usually one content block per line:
 * text → Message, thinking → Reasoning, tool_use → a call held until the tool_result with the
 * same id (in a later user line) completes it. Sidechain lines (sub-agents run inline in 1.x /
 * 2.0) are kept and marked `payload.sidechain`. `summary`, `system` and `queue-operation` lines
 * become Other events; `progress` and `file-history-snapshot` lines are UI bookkeeping and are
 * dropped on purpose.
 */
import { durationBetween, isoInstant, oneLine, textOf } from '~/domain/agent-logs/bounded-text'
import { isRecord } from '~/domain/agent-logs/json-line'
import { MAX_TITLE_LENGTH } from '~/domain/agent-logs/limits'
import { type EventInput, LineParser } from '~/domain/agent-logs/line-parser'
import { repoNameFromCwd } from '~/domain/agent-logs/repo-name'
import { describeIssues } from '~/domain/agent-logs/schema-issues'
import type { AgentLogParserState, ParsedSessionInfo } from '~/domain/agent-logs/types'
import {
  assistantLineSchema,
  type LineBase,
  lineBaseSchema,
  queueOperationSchema,
  summaryLineSchema,
  systemLineSchema,
  textBlockSchema,
  thinkingBlockSchema,
  toolResultBlockSchema,
  toolUseBlockSchema,
  type Usage,
  userLineSchema,
} from './schema'

const SILENT_LINE_TYPES = new Set(['progress', 'file-history-snapshot'])
const FILE_TOOLS = new Set(['Edit', 'MultiEdit', 'Write', 'NotebookEdit'])
const SHELL_TOOLS = new Set(['Bash'])
const SEARCH_TOOLS = new Set(['WebSearch'])

interface ClaudeState {
  sawSessionId: boolean
  /** A 2.1+ sub-agent file: every line is a sidechain, its first prompt is still the title. */
  subAgentFile: boolean
  /** Every block line of one API message repeats its usage: count it once per message id. */
  usageMessageId: string | null
  usage: Usage | null
  summaryTitle: string | null
}

export class ClaudeCodeParser extends LineParser<ClaudeState> {
  constructor(resumeFrom?: AgentLogParserState) {
    super(
      'claude-code',
      { sawSessionId: false, subAgentFile: false, usageMessageId: null, usage: null, summaryTitle: null },
      resumeFrom,
    )
  }

  protected override finalInfo(): ParsedSessionInfo {
    const info = this.core.info
    const usage = this.agent.usage
    const withUsage = usage ? addUsage({ ...info }, usage) : info
    return withUsage.title || !this.agent.summaryTitle ? withUsage : { ...withUsage, title: this.agent.summaryTitle }
  }

  protected handleEntry(value: unknown, line: number): string | undefined {
    if (!isRecord(value)) return 'expected a JSON object'
    if (typeof value.type !== 'string') return 'entry has no `type`'
    const type = value.type
    if (SILENT_LINE_TYPES.has(type)) return undefined
    if (type === 'summary') {
      const summary = summaryLineSchema.safeParse(value)
      if (!summary.success) return describeIssues('summary', summary.error)
      this.agent.summaryTitle ??= oneLine(summary.data.summary, MAX_TITLE_LENGTH)
      this.emit({
        type: 'Other',
        line,
        name: 'summary',
        eventKey: summary.data.leafUuid ?? null,
        summary: `Summary: ${summary.data.summary}`,
        payload: { kind: 'summary', summary: summary.data.summary, leafUuid: summary.data.leafUuid ?? null },
      })
      return undefined
    }
    const base = lineBaseSchema.safeParse(value)
    if (!base.success) return describeIssues(type, base.error)
    this.applyLineMeta(base.data)
    switch (type) {
      case 'user':
        return this.userLine(value, line)
      case 'assistant':
        return this.assistantLine(value, line)
      case 'system': {
        const system = systemLineSchema.safeParse(value)
        if (!system.success) return describeIssues('system', system.error)
        const subtype = system.data.subtype ?? 'system'
        const content = system.data.content ?? ''
        this.emitLine(base.data, {
          line,
          at: isoInstant(base.data.timestamp),
          type: 'Other',
          role: 'system',
          name: subtype,
          durationMs: system.data.durationMs ?? null,
          summary: `${subtype.replaceAll('_', ' ')}${content ? `: ${content}` : ''}`,
          payload: { kind: subtype, content, level: system.data.level ?? null, data: value },
        })
        return undefined
      }
      case 'queue-operation': {
        const queued = queueOperationSchema.safeParse(value)
        if (!queued.success) return describeIssues('queue-operation', queued.error)
        const operation = queued.data.operation ?? 'queue'
        this.emitLine(base.data, {
          line,
          at: isoInstant(base.data.timestamp),
          type: 'Other',
          name: `queue-${operation}`,
          summary: `Queued (${operation})${queued.data.content ? `: ${queued.data.content}` : ''}`,
          payload: { kind: 'queue-operation', operation, content: queued.data.content ?? null },
        })
        return undefined
      }
      default:
        this.emitLine(base.data, {
          line,
          at: isoInstant(base.data.timestamp),
          type: 'Other',
          name: type,
          summary: type,
          payload: { kind: type, data: value },
        })
        return undefined
    }
  }

  private applyLineMeta(base: LineBase) {
    if (!this.agent.sawSessionId && base.sessionId) {
      this.agent.sawSessionId = true
      // Sub-agent files (2.1+) repeat the parent's session id; their own key adds the agent id.
      this.agent.subAgentFile = Boolean(base.isSidechain && base.agentId)
      this.fillInfo({
        sourceKey: this.agent.subAgentFile ? `${base.sessionId}:agent-${base.agentId}` : base.sessionId,
      })
    }
    this.fillInfo({
      cwd: base.cwd ?? undefined,
      repoName: repoNameFromCwd(base.cwd) ?? undefined,
      branch: base.gitBranch || undefined,
    })
    this.setInfo({ cliVersion: base.version ?? undefined })
  }

  private emitLine(base: LineBase, event: EventInput) {
    this.emit(withSidechain(base, event))
  }

  private userLine(value: Record<string, unknown>, line: number) {
    const user = userLineSchema.safeParse(value)
    if (!user.success) return describeIssues('user', user.error)
    const data = user.data
    const at = isoInstant(data.timestamp)
    const content = data.message.content
    if (data.isCompactSummary) {
      const text = typeof content === 'string' ? content : blocksText(content)
      this.emitLine(data, {
        type: 'Other',
        line,
        at,
        role: 'user',
        name: 'compact_summary',
        summary: 'Compacted conversation summary',
        payload: { kind: 'compact_summary', content: text },
      })
      return undefined
    }
    if (typeof content === 'string') {
      this.userText(data, content, at, line)
      return undefined
    }
    for (const block of content) {
      if (block.type === 'text') {
        const text = textBlockSchema.safeParse(block)
        if (text.success) this.userText(data, text.data.text, at, line)
      } else if (block.type === 'tool_result') {
        const result = toolResultBlockSchema.safeParse(block)
        if (!result.success) return describeIssues('tool_result', result.error)
        this.toolResult(data, result.data, data.toolUseResult, at, line)
      } else {
        this.emitLine(data, {
          type: 'Other',
          line,
          at,
          role: 'user',
          name: block.type,
          summary: `User ${block.type}`,
          payload: { kind: block.type, data: block },
        })
      }
    }
    return undefined
  }

  private userText(base: LineBase, text: string, at: string | null, line: number) {
    const meta = Boolean(base.isMeta)
    if (!meta && (!base.isSidechain || this.agent.subAgentFile)) {
      const title = promptTitle(text)
      // A sub-agent's session sits next to its parent's in the list: the prefix tells them apart.
      this.offerTitle(title && this.agent.subAgentFile ? `Sub-agent: ${title}` : title)
      // Sidechain prompts run inside a pending Task call; only the main conversation starts turns.
      this.releaseWaitingCalls()
    }
    this.emitLine(base, {
      type: 'Message',
      line,
      at,
      role: 'user',
      eventKey: base.uuid ?? null,
      payload: { role: 'user', content: text, ...(meta ? { meta: true } : {}) },
    })
  }

  private toolResult(
    base: LineBase,
    result: { tool_use_id: string; content?: unknown; is_error?: boolean | null },
    toolUseResult: unknown,
    at: string | null,
    line: number,
  ) {
    const output = typeof result.content === 'string' ? result.content : blocksText(result.content)
    const isError = Boolean(result.is_error)
    const paired = this.complete(result.tool_use_id, (call) => withResult(call, output, isError, toolUseResult, at))
    if (!paired) {
      this.emitLine(base, {
        type: 'FunctionCall',
        line,
        at,
        role: 'user',
        eventKey: result.tool_use_id,
        summary: `Result of ${result.tool_use_id}`,
        payload: { result: output, isError, unpaired: true },
      })
    }
  }

  private assistantLine(value: Record<string, unknown>, line: number) {
    const assistant = assistantLineSchema.safeParse(value)
    if (!assistant.success) return describeIssues('assistant', assistant.error)
    const data = assistant.data
    const message = data.message
    const at = isoInstant(data.timestamp)
    if (message.model && message.model !== '<synthetic>') this.setInfo({ model: message.model })
    this.countUsage(message.id ?? null, message.usage ?? null)
    for (const block of message.content) {
      switch (block.type) {
        case 'text': {
          const text = textBlockSchema.safeParse(block)
          if (!text.success) return describeIssues('text block', text.error)
          // Streaming leaves whitespace-only text blocks behind; they say nothing.
          if (text.data.text.trim().length === 0) break
          this.emitLine(data, {
            type: 'Message',
            line,
            at,
            role: 'assistant',
            eventKey: data.uuid ?? null,
            payload: { role: 'assistant', content: text.data.text, model: message.model ?? null },
          })
          break
        }
        case 'thinking': {
          const thinking = thinkingBlockSchema.safeParse(block)
          if (!thinking.success) return describeIssues('thinking block', thinking.error)
          this.emitLine(data, {
            type: 'Reasoning',
            line,
            at,
            role: 'assistant',
            eventKey: data.uuid ?? null,
            payload: { content: thinking.data.thinking },
          })
          break
        }
        case 'redacted_thinking':
          this.emitLine(data, { type: 'Reasoning', line, at, role: 'assistant', payload: { content: '[redacted]' } })
          break
        case 'tool_use': {
          const use = toolUseBlockSchema.safeParse(block)
          if (!use.success) return describeIssues('tool_use block', use.error)
          this.hold(withSidechain(data, toolUseEvent(use.data, data.cwd ?? null, at, line)), use.data.id)
          break
        }
        default:
          this.emitLine(data, {
            type: 'Other',
            line,
            at,
            role: 'assistant',
            name: block.type,
            summary: block.type,
            payload: { kind: block.type, data: block },
          })
      }
    }
    return undefined
  }

  private countUsage(messageId: string | null, usage: Usage | null) {
    if (!usage) return
    if (messageId !== null && messageId === this.agent.usageMessageId) {
      this.agent.usage = usage
      return
    }
    if (this.agent.usage) addUsage(this.core.info, this.agent.usage)
    this.agent.usageMessageId = messageId
    this.agent.usage = usage
  }
}

function withSidechain(base: LineBase, event: EventInput): EventInput {
  if (!base.isSidechain) return event
  return {
    ...event,
    payload: { ...event.payload, sidechain: true, ...(base.agentId ? { agentId: base.agentId } : {}) },
  }
}

function addUsage(info: ParsedSessionInfo, usage: Usage) {
  const cached = usage.cache_read_input_tokens ?? 0
  // Input counts every prompt token, cached or not, as Codex's totals do.
  info.inputTokens += (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cached
  info.cachedInputTokens += cached
  info.outputTokens += usage.output_tokens ?? 0
  return info
}

function toolUseEvent(
  use: { id: string; name: string; input?: Record<string, unknown> | null },
  cwd: string | null,
  at: string | null,
  line: number,
): EventInput {
  const input = use.input ?? {}
  const base = { line, at, role: 'assistant', eventKey: use.id, name: use.name }
  if (SHELL_TOOLS.has(use.name)) {
    const command = typeof input.command === 'string' ? input.command : textOf(input.command)
    const description = typeof input.description === 'string' ? input.description : null
    return { ...base, type: 'LocalShellCall', command, payload: { command, cwd, description, args: input } }
  }
  if (FILE_TOOLS.has(use.name)) {
    const path = [input.file_path, input.notebook_path].find((value) => typeof value === 'string') as string | undefined
    return {
      ...base,
      type: 'FileChange',
      path: path ?? null,
      summary: `${use.name} ${path ?? ''}`,
      payload: { path: path ?? null, args: input },
    }
  }
  if (SEARCH_TOOLS.has(use.name)) {
    const query = typeof input.query === 'string' ? input.query : ''
    return { ...base, type: 'WebSearchCall', payload: { query, args: input } }
  }
  const hint = typeof input.description === 'string' ? input.description : undefined
  return {
    ...base,
    type: 'FunctionCall',
    payload: { name: use.name, args: input, ...(hint ? { description: hint } : {}) },
  }
}

function withResult(
  call: EventInput,
  output: string,
  isError: boolean,
  toolUseResult: unknown,
  at: string | null,
): EventInput {
  const durationMs = durationBetween(call.at, at)
  const payload = { ...call.payload, isError, completedAt: at }
  if (call.type === 'LocalShellCall') {
    const detail = isRecord(toolUseResult) ? toolUseResult : {}
    const exit = /^(?:Error: )?Exit code (-?\d+)/.exec(output)
    const interrupted = detail.interrupted === true
    // Bash results only state an exit code when it is not zero; a rejected call has none.
    const exitCode = exit ? Number(exit[1]) : !isError && !interrupted ? 0 : null
    const stdout = typeof detail.stdout === 'string' ? detail.stdout : output
    const stderr = typeof detail.stderr === 'string' && detail.stderr.length > 0 ? detail.stderr : undefined
    const summary = isError && exitCode === null ? `$ ${call.command ?? ''} (failed)` : undefined
    return {
      ...call,
      exitCode,
      durationMs,
      summary,
      payload: { ...payload, stdout, ...(stderr ? { stderr } : {}), exitCode, interrupted },
    }
  }
  return { ...call, durationMs, payload: { ...payload, result: output } }
}

function blocksText(blocks: unknown): string {
  if (!Array.isArray(blocks)) return textOf(blocks)
  return blocks
    .map((block) =>
      isRecord(block) && typeof block.text === 'string' ? block.text : isRecord(block) ? `[${String(block.type)}]` : '',
    )
    .filter((text) => text.length > 0)
    .join('\n')
}

/**
 * The prompt as a person typed it: slash commands are stored as `<command-name>` markup, and
 * notices such as "[Request interrupted by user]" or local command output are not prompts.
 */
function promptTitle(text: string): string | null {
  const command = /<command-name>([^<]*)<\/command-name>/.exec(text)
  if (command) {
    const args = /<command-args>([^<]*)<\/command-args>/.exec(text)
    return `${command[1].trim()} ${args?.[1]?.trim() ?? ''}`.trim()
  }
  const trimmed = text.trim()
  if (trimmed.startsWith('<') || trimmed.startsWith('[Request interrupted') || trimmed.startsWith('Caveat:'))
    return null
  return trimmed
}
