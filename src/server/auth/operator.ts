import type { Principal } from '~/server/repositories/accounts-repository'

/**
 * Who may see server internals (database name, version, WAL level, every account's row counts).
 * In local mode the one owner: it is their machine. In password mode only users flagged operator:
 * the first user `pnpm user:create` makes, or any created with `--operator`.
 */
export function isOperator(principal: Principal, authMode: 'local' | 'password') {
  return authMode === 'local' || principal.user.isOperator
}
