/**
 * Which parser reads a log (the agents' parsers and detection are in src/domain/agent-logs/), and
 * the message for a file no parser recognises.
 */
import { createAgentLogParser } from '~/domain/agent-logs/create-parser'
import { DETECTION_LINE_COUNT, detectAgentLogFormat } from '~/domain/agent-logs/detect-format'
import type { AgentLogFormat, AgentLogParser, AgentLogParserState } from '~/domain/agent-logs/types'

const AGENT_NAMES: Record<AgentLogFormat, string> = {
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  'claude-code': 'Claude Code',
}

export function agentName(format: AgentLogFormat) {
  return AGENT_NAMES[format]
}

export type ParserChoice = { ok: true; parser: AgentLogParser } | { ok: false; message: string }

/** A parser for the log whose first bytes (decoded) are `start`, named `fileName`. */
export function chooseParser(start: string, fileName: string): ParserChoice {
  const format = detectAgentLogFormat({ firstLines: start.split('\n', DETECTION_LINE_COUNT), filename: fileName })
  if (!format) {
    return {
      ok: false,
      message:
        'This file is not a Codex, Gemini CLI or Claude Code session log (its first lines match none of them). ' +
        'Upload a rollout-*.jsonl from ~/.codex/sessions, a session file from ~/.gemini/tmp or a .jsonl from ~/.claude/projects.',
    }
  }
  return { ok: true, parser: createAgentLogParser(format) }
}

/** The parser of a tailed log, continuing where it stopped. */
export function resumeParser(state: AgentLogParserState): AgentLogParser {
  return createAgentLogParser(state.format, state)
}
