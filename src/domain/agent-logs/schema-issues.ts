import type { z } from 'zod'

/** "`function_call`: call_id: expected string" — which entry, which field, what was wrong. */
export function describeIssues(entryLabel: string, error: z.ZodError): string {
  const issue = error.issues[0]
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : ''
  return `\`${entryLabel}\` entry does not match its schema: ${where}${issue.message}${more}`
}
