/**
 * Raw uploaded logs. An upload's bytes are stored as they stream in, in numbered chunks (gzip),
 * so neither the server nor Postgres ever handles one huge value; the row is completed with the
 * content's sha256 at the end, and a second upload of the same content to the same session keeps
 * only the first copy.
 */
import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { sessionUploadChunks, sessionUploads } from '~/db/schema'
import { toStorableText } from '~/domain/storable-text'

export const sessionUploadsRepository = {
  async beginUpload(tx: Executor, input: { sessionId: string; accountId: string; originalName: string }) {
    const [row] = await tx
      .insert(sessionUploads)
      .values({ ...input, originalName: toStorableText(input.originalName), contentEncoding: 'gzip' })
      .returning({ id: sessionUploads.id })
    return row.id
  },

  async appendChunk(tx: Executor, uploadId: string, seq: number, content: Buffer, sizeBytes: number) {
    await tx.insert(sessionUploadChunks).values({ uploadId, seq, content })
    await tx.update(sessionUploads).set({ sizeBytes }).where(eq(sessionUploads.id, uploadId))
  },

  /**
   * Marks the upload complete. When the session already holds a completed copy of the same
   * content, this one is dropped and the earlier one's id is returned.
   */
  async completeUpload(
    tx: Executor,
    uploadId: string,
    input: { sessionId: string; sha256: string; sizeBytes: number },
  ) {
    // Serialises completions of one session, so two identical uploads cannot both stay.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`upload:${input.sessionId}`}, 0))`)
    const [existing] = await tx
      .select({ id: sessionUploads.id })
      .from(sessionUploads)
      .where(and(eq(sessionUploads.sessionId, input.sessionId), eq(sessionUploads.contentSha256, input.sha256)))
    if (existing && existing.id !== uploadId) {
      await tx.delete(sessionUploads).where(eq(sessionUploads.id, uploadId))
      return { uploadId: existing.id, duplicate: true }
    }
    await tx
      .update(sessionUploads)
      .set({ contentSha256: input.sha256, sizeBytes: input.sizeBytes, completedAt: sql`now()` })
      .where(eq(sessionUploads.id, uploadId))
    return { uploadId, duplicate: false }
  },

  async deleteUpload(tx: Executor, uploadId: string) {
    await tx.delete(sessionUploads).where(eq(sessionUploads.id, uploadId))
  },

  /** Moves an upload to another session (a provisional session that turned out to be a duplicate). */
  async moveUpload(tx: Executor, uploadId: string, sessionId: string) {
    await tx.update(sessionUploads).set({ sessionId }).where(eq(sessionUploads.id, uploadId))
  },

  /** The newest completed upload of the session (callers check access to the session first). */
  async latestCompletedUpload(db: Executor, sessionId: string) {
    const [row] = await db
      .select()
      .from(sessionUploads)
      .where(and(eq(sessionUploads.sessionId, sessionId), isNotNull(sessionUploads.completedAt)))
      .orderBy(desc(sessionUploads.completedAt))
      .limit(1)
    return row
  },

  /** The stored chunks in order, one query per chunk, so a large upload is never held whole. */
  async *readChunks(db: Executor, uploadId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const [chunk] = await db
        .select({ content: sessionUploadChunks.content })
        .from(sessionUploadChunks)
        .where(and(eq(sessionUploadChunks.uploadId, uploadId), eq(sessionUploadChunks.seq, seq)))
        .orderBy(asc(sessionUploadChunks.seq))
      if (!chunk) return
      yield chunk.content
    }
  },
}
