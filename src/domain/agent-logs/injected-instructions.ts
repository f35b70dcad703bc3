/**
 * Text an agent puts into the conversation on its own — Codex sends the environment, the user's
 * custom instructions and AGENTS.md files as user messages (`<environment_context>…`,
 * `<user_instructions>…`, `# AGENTS.md instructions for …`). They are not prompts a person typed:
 * a session title skips them, and exports redact them.
 */
export function looksLikeInjectedInstructions(text: string) {
  const start = text.trimStart()
  return start.startsWith('<') || start.startsWith('# AGENTS.md instructions')
}
