/**
 * What discovery has read of each log file (server-only bookkeeping, never in a shape): enough to
 * skip an unchanged file without opening it and to continue a tail after a restart.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type DiscoveredFile, discoveredFiles } from '~/db/schema'
import { toStorableText } from '~/domain/storable-text'

export type DiscoveredFileState = Omit<DiscoveredFile, 'accountId' | 'updatedAt'>

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

  async forgetFile(tx: Executor, accountId: string, path: string) {
    await tx
      .delete(discoveredFiles)
      .where(and(eq(discoveredFiles.accountId, accountId), eq(discoveredFiles.path, path)))
  },
}
