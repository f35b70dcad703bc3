/**
 * Which parser reads a log. The start of the file decides (agents' first lines are distinctive);
 * the file name is only a tie-breaker. Parsers live in src/domain/agent-logs/<agent>/.
 */
import { CodexParser } from '../../domain/agent-logs/codex/parser'
import type { AgentLogFormat, AgentLogParser, AgentLogParserState } from '../../domain/agent-logs/types'

const AGENT_NAMES: Record<AgentLogFormat, string> = {
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  'claude-code': 'Claude Code',
}

type ParserFactory = (resumeFrom?: AgentLogParserState) => AgentLogParser

const PARSERS: Partial<Record<AgentLogFormat, ParserFactory>> = {
  codex: (resumeFrom) => new CodexParser(resumeFrom),
}

/** Guesses the agent from the first kilobytes of the log (decoded leniently). */
export function detectAgentLogFormat(start: string, fileName = ''): AgentLogFormat | undefined {
  if (/"type"\s*:\s*"(session_meta|response_item|event_msg|turn_context)"/.test(start)) return 'codex'
  if (/"record_type"\s*:\s*"state"/.test(start) || /^\s*\{[^\n]*"instructions"/.test(start)) return 'codex'
  if (/"projectHash"\s*:/.test(start) || /"\$set"\s*:/.test(start)) return 'gemini-cli'
  if (/"sessionId"\s*:/.test(start) && /"type"\s*:\s*"(user|assistant|summary|system)"/.test(start)) {
    return 'claude-code'
  }
  if (/"type"\s*:\s*"summary"/.test(start) && /"leafUuid"/.test(start)) return 'claude-code'
  if (/(^|\/)rollout-[^/]*\.jsonl$/.test(fileName)) return 'codex'
  if (/(^|\/)session-[^/]*\.jsonl?$/.test(fileName)) return 'gemini-cli'
  return undefined
}

export type ParserChoice = { ok: true; parser: AgentLogParser } | { ok: false; message: string }

export function createAgentLogParser(
  format: AgentLogFormat | undefined,
  resumeFrom?: AgentLogParserState,
): ParserChoice {
  if (!format) {
    return {
      ok: false,
      message:
        'This file is not a Codex, Gemini CLI or Claude Code session log (its first lines match none of them). ' +
        'Upload a rollout-*.jsonl from ~/.codex/sessions, a session file from ~/.gemini/tmp or a .jsonl from ~/.claude/projects.',
    }
  }
  const factory = PARSERS[format]
  if (!factory) {
    return {
      ok: false,
      message: `This looks like a ${AGENT_NAMES[format]} log, which this version of Session Coach cannot read yet.`,
    }
  }
  return { ok: true, parser: factory(resumeFrom) }
}

export function agentName(format: AgentLogFormat) {
  return AGENT_NAMES[format]
}
