/**
 * Codex CLI / Codex Desktop rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`).
 *
 * Envelope format: `{timestamp, type, payload}` lines with `session_meta`, `response_item`,
 * `event_msg`, `turn_context` and `compacted`. Older bare format: the meta object alone on the
 * first line, then bare response items and `{"record_type":"state"}` lines.
 *
 * Response items are the timeline; `event_msg` lines mostly echo them (user/agent messages,
 * reasoning, exec begin/end) and are dropped, except that `user_message` is what the person
 * typed (the title) and `token_count` carries the running token totals.
 */
import { durationBetween, isoInstant, oneLine, textOf } from '~/domain/agent-logs/bounded-text'
import { looksLikeInjectedInstructions } from '~/domain/agent-logs/injected-instructions'
import { isRecord } from '~/domain/agent-logs/json-line'
import { MAX_TITLE_LENGTH } from '~/domain/agent-logs/limits'
import { type EventInput, LineParser } from '~/domain/agent-logs/line-parser'
import { repoNameFromCwd, repoNameFromRemote } from '~/domain/agent-logs/repo-name'
import { describeIssues } from '~/domain/agent-logs/schema-issues'
import { commandText, parseShellOutput, patchPaths, tryJson } from '~/domain/agent-logs/shell-command'
import type { AgentLogParserState } from '~/domain/agent-logs/types'
import { codexEntries } from './entry-checks'
import { bareMetaSchema, compactedSchema, localShellCallSchema, sessionMetaSchema } from './schema'

const SHELL_FUNCTIONS = new Set(['exec_command', 'shell', 'shell_command', 'container.exec', 'local_shell'])

/** `event_msg` types that repeat a response item (or a call's progress) already on the timeline. */
const ECHOED_EVENT_MESSAGES = new Set([
  'user_message',
  'agent_message',
  'agent_message_delta',
  'agent_reasoning',
  'agent_reasoning_delta',
  'agent_reasoning_raw_content',
  'agent_reasoning_raw_content_delta',
  'agent_reasoning_section_break',
  'exec_command_begin',
  'exec_command_output_delta',
  'exec_command_end',
  'patch_apply_begin',
  'patch_apply_end',
  'mcp_tool_call_begin',
  'mcp_tool_call_end',
  'web_search_begin',
  'web_search_end',
  'view_image_tool_call',
  'token_count',
])

interface CodexState {
  sawEntry: boolean
  /** A user response item's text, used as the title only if no `user_message` ever comes. */
  fallbackTitle: string | null
}

export class CodexParser extends LineParser<CodexState> {
  constructor(resumeFrom?: AgentLogParserState) {
    super('codex', { sawEntry: false, fallbackTitle: null }, resumeFrom)
  }

  protected override finalInfo() {
    const info = this.core.info
    return info.title || !this.agent.fallbackTitle ? info : { ...info, title: this.agent.fallbackTitle }
  }

  protected handleEntry(value: unknown, line: number): string | undefined {
    if (!isRecord(value)) return 'expected a JSON object'
    const first = !this.agent.sawEntry
    this.agent.sawEntry = true
    if (value.record_type === 'state') return undefined
    if ('payload' in value && typeof value.type === 'string') {
      const envelope = codexEntries.envelope.safeParse(value)
      if (!envelope.success) return describeIssues('envelope', envelope.error)
      return this.handleEnvelope(envelope.data.type, envelope.data.payload, isoInstant(envelope.data.timestamp), line)
    }
    if (first && value.type === undefined) {
      const meta = bareMetaSchema.safeParse(value)
      if (meta.success) {
        this.applyMeta(meta.data)
        return undefined
      }
    }
    if (typeof value.type === 'string') return this.handleResponseItem(value.type, value, null, line)
    this.emit({ type: 'Other', line, name: 'unknown', summary: 'Unrecognised entry', payload: { data: value } })
    return undefined
  }

  private handleEnvelope(type: string, payload: unknown, at: string | null, line: number): string | undefined {
    switch (type) {
      case 'session_meta': {
        const meta = sessionMetaSchema.safeParse(payload)
        if (!meta.success) return describeIssues('session_meta', meta.error)
        this.applyMeta(meta.data)
        return undefined
      }
      case 'turn_context': {
        const context = codexEntries.turnContext.safeParse(payload)
        if (!context.success) return describeIssues('turn_context', context.error)
        // The latest turn's model is the session's current model.
        this.setInfo({ model: context.data.model ?? undefined })
        this.fillInfo({ cwd: context.data.cwd ?? undefined })
        return undefined
      }
      case 'compacted': {
        const compacted = compactedSchema.safeParse(payload)
        if (!compacted.success) return describeIssues('compacted', compacted.error)
        this.emit({
          type: 'Other',
          line,
          at,
          name: 'compacted',
          summary: `Context compacted${compacted.data.message ? `: ${compacted.data.message}` : ''}`,
          payload: { kind: 'compacted', message: compacted.data.message ?? null },
        })
        return undefined
      }
      case 'event_msg':
        return this.handleEventMessage(payload, at, line)
      case 'response_item': {
        if (!isRecord(payload) || typeof payload.type !== 'string') return '`response_item` payload has no `type`'
        return this.handleResponseItem(payload.type, payload, at, line)
      }
      default:
        this.emit({ type: 'Other', line, at, name: type, summary: type, payload: { kind: type, data: payload } })
        return undefined
    }
  }

  private applyMeta(meta: ReturnType<typeof sessionMetaSchema.parse>) {
    const remote = meta.git?.repository_url ?? null
    this.fillInfo({
      sourceKey: meta.id,
      cwd: meta.cwd ?? undefined,
      cliVersion: meta.cli_version ?? undefined,
      remoteUrl: remote ?? undefined,
      repoName: repoNameFromRemote(remote) ?? repoNameFromCwd(meta.cwd) ?? undefined,
      branch: meta.git?.branch ?? undefined,
      commitSha: meta.git?.commit_hash ?? undefined,
    })
    const started = isoInstant(meta.timestamp)
    const info = this.core.info
    if (started && (!info.startedAt || started < info.startedAt)) info.startedAt = started
  }

  private handleEventMessage(payload: unknown, at: string | null, line: number): string | undefined {
    const message = codexEntries.eventMsg.safeParse(payload)
    if (!message.success) return describeIssues('event_msg', message.error)
    const kind = message.data.type
    if (kind === 'user_message') {
      const user = codexEntries.userMessage.safeParse(payload)
      if (!user.success) return describeIssues('event_msg user_message', user.error)
      this.offerTitle(user.data.message)
      this.releaseWaitingCalls()
      return undefined
    }
    if (kind === 'token_count') {
      const count = codexEntries.tokenCount.safeParse(payload)
      if (!count.success) return describeIssues('event_msg token_count', count.error)
      const total = count.data.info?.total_token_usage
      if (total) {
        // Totals are cumulative, so the last one is the session's total.
        const info = this.core.info
        info.inputTokens = total.input_tokens
        info.cachedInputTokens = total.cached_input_tokens ?? 0
        info.outputTokens = total.output_tokens
        info.reasoningTokens = total.reasoning_output_tokens ?? 0
      }
      return undefined
    }
    if (ECHOED_EVENT_MESSAGES.has(kind)) return undefined
    const { type: _type, ...data } = message.data
    this.emit({ type: 'Other', line, at, name: kind, summary: kind.replaceAll('_', ' '), payload: { kind, data } })
    return undefined
  }

  private handleResponseItem(kind: string, item: Record<string, unknown>, at: string | null, line: number) {
    switch (kind) {
      case 'message':
        return this.message(item, at, line)
      case 'reasoning':
        return this.reasoning(item, at, line)
      case 'function_call':
        return this.functionCall(item, at, line)
      case 'custom_tool_call':
        return this.customToolCall(item, at, line)
      case 'local_shell_call':
        return this.localShellCall(item, at, line)
      case 'function_call_output':
      case 'custom_tool_call_output':
        return this.callOutput(kind, item, at, line)
      case 'web_search_call':
        return this.webSearch(item, at, line)
      default:
        this.emit({
          type: 'Other',
          line,
          at,
          name: kind,
          summary: kind.replaceAll('_', ' '),
          payload: { kind, data: item },
        })
        return undefined
    }
  }

  private message(item: Record<string, unknown>, at: string | null, line: number) {
    const parsed = codexEntries.message.safeParse(item)
    if (!parsed.success) return describeIssues('message', parsed.error)
    const { role, content } = parsed.data
    const text =
      typeof content === 'string'
        ? content
        : (content ?? [])
            .map((part) => part.text)
            .filter((part): part is string => typeof part === 'string')
            .join('\n')
    const images = Array.isArray(content) ? content.filter((part) => part.type.includes('image')).length : 0
    if (role === 'user' && !this.agent.fallbackTitle && !looksLikeInjectedInstructions(text))
      this.agent.fallbackTitle = oneLine(text, MAX_TITLE_LENGTH) || null
    this.emit({
      type: 'Message',
      line,
      at,
      role,
      eventKey: typeof item.id === 'string' ? item.id : null,
      payload: { role, content: text, ...(images > 0 ? { images } : {}) },
    })
    return undefined
  }

  private reasoning(item: Record<string, unknown>, at: string | null, line: number) {
    const parsed = codexEntries.reasoning.safeParse(item)
    if (!parsed.success) return describeIssues('reasoning', parsed.error)
    const { summary, content, encrypted_content } = parsed.data
    const summaryText = (summary ?? []).map((part) => part.text ?? '').join('\n\n')
    const contentText =
      typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join('\n\n')
    const text = summaryText || contentText || (encrypted_content ? '[encrypted]' : '')
    this.emit({
      type: 'Reasoning',
      line,
      at,
      role: 'assistant',
      eventKey: typeof item.id === 'string' ? item.id : null,
      payload: { content: text, ...(summaryText && contentText ? { detail: contentText } : {}) },
    })
    return undefined
  }

  private functionCall(item: Record<string, unknown>, at: string | null, line: number) {
    const parsed = codexEntries.functionCall.safeParse(item)
    if (!parsed.success) return describeIssues('function_call', parsed.error)
    const { name, call_id } = parsed.data
    const rawArguments = parsed.data.arguments
    const args = typeof rawArguments === 'string' ? (tryJson(rawArguments) ?? rawArguments) : rawArguments
    const base = { line, at, role: 'assistant', eventKey: call_id, name }
    if (SHELL_FUNCTIONS.has(name)) {
      const shell = codexEntries.shellArguments.safeParse(args)
      const argv = shell.success ? (shell.data.cmd ?? shell.data.command) : null
      const command = commandText(argv)
      const cwd = shell.success ? (shell.data.workdir ?? shell.data.cwd ?? null) : null
      // Older CLIs apply patches through the shell tool: `["apply_patch", "*** Begin Patch…"]`.
      const patch = shellPatch(argv, command)
      if (patch !== null) {
        const change = fileChange(base, patch)
        this.hold({ ...change, payload: { ...change.payload, cwd } }, call_id)
        return undefined
      }
      this.hold(
        {
          ...base,
          type: 'LocalShellCall',
          command: command ?? textOf(args),
          payload: { command: command ?? textOf(args), cwd, args },
        },
        call_id,
      )
      return undefined
    }
    if (name === 'apply_patch') {
      const patch = isRecord(args) && typeof args.input === 'string' ? args.input : textOf(args)
      this.hold(fileChange(base, patch), call_id)
      return undefined
    }
    this.hold({ ...base, type: 'FunctionCall', payload: { name, args } }, call_id)
    return undefined
  }

  private customToolCall(item: Record<string, unknown>, at: string | null, line: number) {
    const parsed = codexEntries.customToolCall.safeParse(item)
    if (!parsed.success) return describeIssues('custom_tool_call', parsed.error)
    const { name, input, call_id } = parsed.data
    const base = { line, at, role: 'assistant', eventKey: call_id, name }
    if (name === 'apply_patch') {
      this.hold(fileChange(base, textOf(input)), call_id)
      return undefined
    }
    this.hold({ ...base, type: 'CustomToolCall', payload: { toolName: name, input } }, call_id)
    return undefined
  }

  private localShellCall(item: Record<string, unknown>, at: string | null, line: number) {
    const parsed = localShellCallSchema.safeParse(item)
    if (!parsed.success) return describeIssues('local_shell_call', parsed.error)
    const { action } = parsed.data
    const key = parsed.data.call_id ?? parsed.data.id ?? null
    const command = commandText(action.command) ?? ''
    const event: EventInput = {
      type: 'LocalShellCall',
      line,
      at,
      role: 'assistant',
      eventKey: key,
      name: 'local_shell',
      command,
      payload: { command, argv: action.command, cwd: action.working_directory ?? null, status: parsed.data.status },
    }
    if (key) this.hold(event, key)
    else this.emit(event)
    return undefined
  }

  private callOutput(kind: string, item: Record<string, unknown>, at: string | null, line: number) {
    const parsed = codexEntries.callOutput.safeParse(item)
    if (!parsed.success) return describeIssues(kind, parsed.error)
    const { call_id } = parsed.data
    const output = outputText(parsed.data.output)
    const paired = this.complete(call_id, (call) => withOutput(call, output, at))
    if (!paired) {
      // The call was never seen (or was released long ago): keep the output on its own.
      this.emit({
        type: kind === 'custom_tool_call_output' ? 'CustomToolCall' : 'FunctionCall',
        line,
        at,
        eventKey: call_id,
        summary: `Output of ${call_id}`,
        payload: { output, unpaired: true },
      })
    }
    return undefined
  }

  private webSearch(item: Record<string, unknown>, at: string | null, line: number) {
    const parsed = codexEntries.webSearchCall.safeParse(item)
    if (!parsed.success) return describeIssues('web_search_call', parsed.error)
    const action = parsed.data.action
    const query = action?.query ?? action?.url ?? action?.pattern ?? ''
    this.emit({
      type: 'WebSearchCall',
      line,
      at,
      role: 'assistant',
      eventKey: typeof item.id === 'string' ? item.id : null,
      name: 'web_search',
      summary: query ? `Web search: ${query}` : 'Web search',
      payload: { query, action: action ?? null, status: parsed.data.status ?? null },
    })
    return undefined
  }
}

function fileChange(base: Omit<EventInput, 'type' | 'payload'>, patch: string): EventInput {
  const paths = patchPaths(patch)
  return {
    ...base,
    type: 'FileChange',
    path: paths[0] ?? null,
    summary: paths.length > 0 ? `Patch ${paths.join(', ')}` : 'Patch',
    payload: { path: paths[0] ?? null, paths, diff: patch },
  }
}

function shellPatch(argv: unknown, command: string | null): string | null {
  if (Array.isArray(argv) && argv[0] === 'apply_patch' && typeof argv[1] === 'string') return argv[1]
  if (command && /^\s*apply_patch\b/.test(command) && command.includes('*** Begin Patch')) {
    return command.slice(command.indexOf('*** Begin Patch'))
  }
  return null
}

function withOutput(call: EventInput, output: string, at: string | null): EventInput {
  // Parsed once: both the shell reading and a function call's `result` need it.
  const json = tryJson(output)
  const shell = parseShellOutput(output, json)
  const durationMs = shell.durationMs ?? durationBetween(call.at, at)
  const payload = { ...call.payload, completedAt: at }
  switch (call.type) {
    case 'LocalShellCall':
      return {
        ...call,
        exitCode: shell.exitCode,
        durationMs,
        payload: { ...payload, stdout: shell.stdout, exitCode: shell.exitCode, durationMs },
      }
    case 'FileChange':
      return { ...call, exitCode: shell.exitCode, durationMs, payload: { ...payload, output: shell.stdout } }
    case 'CustomToolCall':
      return { ...call, durationMs, payload: { ...payload, output } }
    default:
      return { ...call, durationMs, payload: { ...payload, result: json ?? output } }
  }
}

/** Outputs are strings, or (newer CLIs) content parts / `{content}` objects. */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output
  if (Array.isArray(output))
    return output.map((part) => (isRecord(part) ? textOf(part.text ?? part) : textOf(part))).join('\n')
  if (isRecord(output) && typeof output.content === 'string') return output.content
  return textOf(output)
}
