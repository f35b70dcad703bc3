/**
 * What discovery has read of each log file (server-only bookkeeping, never in a shape): enough to
 * skip an unchanged file without opening it and to continue a tail after a restart.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type DiscoveredFile, discoveredFiles } from '~/db/schema'
import { toStorableText } from '~/domain/storable-text'

export type DiscoveredFileState = Omit<DiscoveredFile, 'accountId' | 'updatedAt'>

/**
 * The rejection of a file whose session a person deleted: discovery leaves it alone while it stays
 * at its path (growing or rewritten), instead of re-creating the session from the lines that follow.
 * A file that leaves the path and comes back is a new file and is read again.
 */
export const DELETED_SESSION_REJECTION =
  'Its session was deleted in Session Coach, so this file is not read again while it stays at this path.'

export function isDeletedSessionFile(state: Pick<DiscoveredFileState, 'rejection'>) {
  return state.rejection === DELETED_SESSION_REJECTION
}

export const discoveredFilesRepository = {
  async listFiles(db: Executor, accountId: string): Promise<DiscoveredFileState[]> {
    return db
      .select({
        path: discoveredFiles.path,
        sessionId: discoveredFiles.sessionId,
        sizeBytes: discoveredFiles.sizeBytes,
        mtimeMs: discoveredFiles.mtimeMs,
        fileIdentity: discoveredFiles.fileIdentity,
        offsetBytes: discoveredFiles.offsetBytes,
        lineNumber: discoveredFiles.lineNumber,
        parserState: discoveredFiles.parserState,
        rejection: discoveredFiles.rejection,
      })
      .from(discoveredFiles)
      .where(eq(discoveredFiles.accountId, accountId))
  },

  async saveFile(tx: Executor, accountId: string, state: DiscoveredFileState) {
    const values = {
      ...state,
      accountId,
      path: state.path,
      rejection: toStorableText(state.rejection),
      updatedAt: sql`now()`,
    }
    await tx
      .insert(discoveredFiles)
      .values(values)
      .onConflictDoUpdate({ target: [discoveredFiles.accountId, discoveredFiles.path], set: values })
  },

  /** Called in the transaction that deletes the session (its foreign key then becomes null). */
  async markSessionDeleted(tx: Executor, sessionId: string) {
    await tx
      .update(discoveredFiles)
      .set({ rejection: DELETED_SESSION_REJECTION, parserState: null, updatedAt: sql`now()` })
      .where(eq(discoveredFiles.sessionId, sessionId))
  },

  async forgetFile(tx: Executor, accountId: string, path: string) {
    await tx
      .delete(discoveredFiles)
      .where(and(eq(discoveredFiles.accountId, accountId), eq(discoveredFiles.path, path)))
  },
}
