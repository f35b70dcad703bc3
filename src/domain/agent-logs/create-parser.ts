import { ClaudeCodeParser } from './claude-code/parser'
import { CodexParser } from './codex/parser'
import { GeminiCliParser } from './gemini-cli/parser'
import type { AgentLogFormat, AgentLogParser, AgentLogParserState } from './types'

/** A fresh parser for `format`, or one continuing from `resumeFrom` (see docs/agent-logs.md). */
export function createAgentLogParser(format: AgentLogFormat, resumeFrom?: AgentLogParserState): AgentLogParser {
  switch (format) {
    case 'codex':
      return new CodexParser(resumeFrom)
    case 'gemini-cli':
      return new GeminiCliParser(resumeFrom)
    case 'claude-code':
      return new ClaudeCodeParser(resumeFrom)
  }
}
