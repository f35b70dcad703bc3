/**
 * What an API token may do. `ingest`: upload logs, push chunks (agent-push), upload instruction
 * files. `read`: download a session's raw log or an export. Nothing else accepts a token.
 */
export const API_TOKEN_SCOPES = ['ingest', 'read'] as const
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number]

export const API_TOKEN_SCOPE_LABELS: Record<ApiTokenScope, string> = {
  ingest: 'Ingest (upload and push logs, instruction files)',
  read: 'Read (download raw logs and exports)',
}

/** Expiry choices offered in Settings, in days; `null` never expires. */
export const API_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365, null] as const
