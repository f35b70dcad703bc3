/**
 * Agent sessions. (account_id, source_key) is unique, so ingesting the same log twice — or two
 * instances ingesting it at once — yields one session.
 */
import { and, eq, getTableColumns, inArray, or, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type NewSession, type Session, sessionMembers, sessions } from '~/db/schema'
import type { SessionOrigin, SessionSource, SessionStatus } from '~/domain/sessions/session-kinds'
import { toStorableText } from '~/domain/storable-text'
import { discoveredFilesRepository } from './discovered-files-repository'
import { ConflictError, InvalidInputError, NotFoundError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

/** How long a live session's writer may be silent before it counts as gone (an upload writes every 250 ms). */
export const QUIET_SESSION_MS = { upload: 5 * 60_000, pushed: 10 * 60_000 } as const

export type SessionInput = Omit<NewSession, 'id' | 'createdAt' | 'updatedAt'>

function storable(input: SessionInput): SessionInput {
  const out: Record<string, unknown> = { ...input }
  for (const [key, value] of Object.entries(out)) if (typeof value === 'string') out[key] = toStorableText(value)
  return out as SessionInput
}

/** What ingest knows about a session after each batch; null fields never erase known values. */
export interface IngestedSessionFields {
  accountId: string
  sourceKey: string
  source: SessionSource
  origin: SessionOrigin
  title: string
  originalName: string | null
  sourcePath: string | null
  repoName: string | null
  remoteUrl: string | null
  branch: string | null
  commitSha: string | null
  cwd: string | null
  model: string | null
  cliVersion: string | null
  startedAt: string | null
  lastEventAt: string | null
  eventCount: number
  errorLineCount: number
  malformedLines: unknown[]
  sizeBytes: number
  inputTokens: number
  cachedInputTokens: number
  outputTokens: number
  reasoningTokens: number
  status: SessionStatus
  statusMessage: string | null
  legacyKey: string | null
  /** Pushed sessions (the incremental ingest API): the machine and the token's owner. */
  machine?: string | null
  pushedByUserId?: string | null
  pushedByName?: string | null
}

const keep = (column: string) => sql.raw(`coalesce(excluded.${column}, sessions.${column})`)
const atLeast = (column: string) => sql.raw(`greatest(excluded.${column}, sessions.${column})`)

export const sessionsRepository = {
  /**
   * Creates the session of an ingested log or brings the existing one (same account and
   * source_key) up to date. Counts only grow unless `exactCounts` (a log that was truncated or
   * replaced, whose events were rewritten from the start). `created` says whether the row is new.
   */
  async upsertIngestedSession(
    tx: Executor,
    fields: IngestedSessionFields,
    { exactCounts = false }: { exactCounts?: boolean } = {},
  ): Promise<{ session: Session; created: boolean }> {
    const values = storable({
      ...fields,
      startedAt: fields.startedAt ? new Date(fields.startedAt) : null,
      lastEventAt: fields.lastEventAt ? new Date(fields.lastEventAt) : null,
    })
    const count = exactCounts ? (column: string) => sql.raw(`excluded.${column}`) : atLeast
    const [row] = await tx
      .insert(sessions)
      .values(values)
      .onConflictDoUpdate({
        target: [sessions.accountId, sessions.sourceKey],
        set: {
          origin: sql`case when excluded.origin = 'unknown' then sessions.origin else excluded.origin end`,
          // A legacy row keeps its title and source: it stands for the original product's chats.
          source: sql`case when sessions.source = 'legacy' then sessions.source else excluded.source end`,
          // …and so does a session a person renamed.
          title: sql`case when sessions.source = 'legacy' or sessions.renamed_at is not null then sessions.title else excluded.title end`,
          originalName: keep('original_name'),
          sourcePath: keep('source_path'),
          repoName: keep('repo_name'),
          remoteUrl: keep('remote_url'),
          branch: keep('branch'),
          commitSha: keep('commit_sha'),
          cwd: keep('cwd'),
          model: keep('model'),
          cliVersion: keep('cli_version'),
          startedAt: sql`least(excluded.started_at, sessions.started_at)`,
          lastEventAt: sql`greatest(excluded.last_event_at, sessions.last_event_at)`,
          eventCount: count('event_count'),
          errorLineCount: count('error_line_count'),
          sizeBytes: count('size_bytes'),
          inputTokens: count('input_tokens'),
          cachedInputTokens: count('cached_input_tokens'),
          outputTokens: count('output_tokens'),
          reasoningTokens: count('reasoning_tokens'),
          malformedLines: sql`case when jsonb_array_length(excluded.malformed_lines) >= jsonb_array_length(sessions.malformed_lines) then excluded.malformed_lines else sessions.malformed_lines end`,
          status: sql`excluded.status`,
          statusMessage: sql`excluded.status_message`,
          legacyKey: keep('legacy_key'),
          machine: keep('machine'),
          pushedByUserId: keep('pushed_by_user_id'),
          pushedByName: keep('pushed_by_name'),
          updatedAt: sql`now()`,
        },
      })
      .returning({ ...getTableColumns(sessions), created: sql<boolean>`(xmax = 0)` })
    const { created, ...session } = row
    return { session, created }
  },

  /**
   * Lets an ingested log take over the row `pnpm import:legacy` made for its name (its chats,
   * misalignments and todos stay attached): the row gets the log's key and source, when no session
   * has that key yet. Returns the row as it was (to put back if the ingest fails), or undefined.
   */
  async claimLegacySession(
    tx: Executor,
    claim: { accountId: string; legacyKey: string; sourceKey: string; source: SessionSource },
  ): Promise<Session | undefined> {
    const [legacy] = await tx
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.accountId, claim.accountId),
          eq(sessions.source, 'legacy'),
          eq(sessions.sourceKey, claim.legacyKey),
        ),
      )
      .for('update')
    if (!legacy) return undefined
    const updated = await tx.execute(sql`
      update sessions set source_key = ${claim.sourceKey}, source = ${claim.source}, legacy_key = ${claim.legacyKey},
        updated_at = now()
      where id = ${legacy.id}
        and not exists (select 1 from sessions other
                        where other.account_id = ${claim.accountId} and other.source_key = ${claim.sourceKey})`)
    return updated.count === 1 ? legacy : undefined
  },

  /** Puts a claimed legacy row back as it was before the claim (the claiming ingest failed). */
  async restoreLegacySession(tx: Executor, before: Session) {
    const { id, createdAt: _createdAt, ...columns } = before
    await tx
      .update(sessions)
      .set({ ...columns, updatedAt: sql`now()` })
      .where(eq(sessions.id, id))
  },

  /** Gives a session its final identity; false when another session already has that key. */
  async rekeySession(tx: Executor, sessionId: string, sourceKey: string): Promise<boolean> {
    // Two runs settling the same key queue here; the second then sees the first's row.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`session-key:${sourceKey}`}, 0))`)
    const updated = await tx.execute(sql`
      update sessions set source_key = ${sourceKey}, updated_at = now()
      where id = ${sessionId}
        and not exists (select 1 from sessions other
                        where other.account_id = sessions.account_id and other.source_key = ${sourceKey})`)
    return updated.count === 1
  },

  async findBySourceKey(db: Executor, accountId: string, sourceKey: string) {
    const [row] = await db
      .select()
      .from(sessions)
      .where(and(eq(sessions.accountId, accountId), eq(sessions.sourceKey, sourceKey)))
    return row
  },

  async findSession(db: Executor, sessionId: string) {
    const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId))
    return row
  },

  /** Removes a session that ingest created and could not complete (its events go with it). */
  async deleteSession(tx: Executor, sessionId: string) {
    await tx.delete(sessions).where(eq(sessions.id, sessionId))
  },

  async setStatus(db: Executor, sessionId: string, status: SessionStatus, statusMessage: string | null = null) {
    await db.update(sessions).set({ status, statusMessage, updatedAt: sql`now()` }).where(eq(sessions.id, sessionId))
  },

  async listLiveSessionIds(db: Executor, accountId: string, source: SessionSource): Promise<string[]> {
    const rows = await db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.accountId, accountId), eq(sessions.source, source), eq(sessions.status, 'live')))
    return rows.map((row) => row.id)
  },

  /**
   * Uploads write their session every 250 ms while they stream; one still `live` long after its
   * last write was cut off (the server stopped mid-upload). Returns how many were marked.
   */
  /**
   * Marks `live` sessions whose writer went quiet as `interrupted`: uploads cut off by a stopped
   * server or a broken connection, and pushed logs whose pushing machine stopped sending (a pusher
   * completes a quiet log itself, so silence this long means it is gone). A pushed log that resumes
   * becomes `live` again with its next chunk.
   */
  async interruptQuietSessions(db: Executor, quietForMs: { upload: number; pushed: number }) {
    const updated = await db.execute(sql`
      update sessions set status = 'interrupted', updated_at = now(),
        status_message = case source
          when 'upload' then 'The upload stopped before the whole log was read (the server restarted or the connection broke). Upload the file again to complete it.'
          else 'The machine pushing this log stopped sending before it was complete (agent-push stopped or lost its connection). It continues when agent-push runs there again.'
        end
      where status = 'live' and (
        (source = 'upload' and updated_at < now() - make_interval(secs => ${quietForMs.upload / 1000}))
        or (source = 'pushed' and updated_at < now() - make_interval(secs => ${quietForMs.pushed / 1000})))`)
    return updated.count
  },

  /** Sessions left `live` by a stopped process: nobody is reading their logs any more. */
  async markInterrupted(db: Executor, sessionIds: string[], statusMessage: string) {
    if (sessionIds.length === 0) return
    await db
      .update(sessions)
      .set({ status: 'interrupted', statusMessage, updatedAt: sql`now()` })
      .where(and(inArray(sessions.id, sessionIds), eq(sessions.status, 'live')))
  },

  /** Creates the session, or returns the existing one for the same (account, source_key) unchanged. */
  async findOrCreateSession(
    db: Executor,
    input: SessionInput,
  ): Promise<WithTxid<{ session: Session; created: boolean }>> {
    return writeTransaction(db, async (tx) => {
      const [inserted] = await tx
        .insert(sessions)
        .values(storable(input))
        .onConflictDoNothing({ target: [sessions.accountId, sessions.sourceKey] })
        .returning()
      const session =
        inserted ??
        (
          await tx
            .select()
            .from(sessions)
            .where(and(eq(sessions.accountId, input.accountId), eq(sessions.sourceKey, input.sourceKey)))
        )[0]
      return { session, created: Boolean(inserted) }
    })
  },

  /** The session if the user may read it: owned by the user's account, or shared with the user. */
  async findAccessibleSession(db: Executor, principal: { accountId: string; userId: string }, sessionId: string) {
    const [row] = await db
      .select({ session: sessions })
      .from(sessions)
      .leftJoin(
        sessionMembers,
        and(eq(sessionMembers.sessionId, sessions.id), eq(sessionMembers.userId, principal.userId)),
      )
      .where(
        and(
          eq(sessions.id, sessionId),
          or(eq(sessions.accountId, principal.accountId), sql`${sessionMembers.userId} is not null`),
        ),
      )
    return row?.session
  },

  // ── What a person does with a session in the explorer. Ownership is part of each WHERE clause:
  // a session shared with someone else is theirs to read, not to rename, archive or delete.

  /** Gives the session a title of the owner's choosing, which later ingests of its log keep. */
  async renameSession(db: Executor, accountId: string, sessionId: string, title: string): Promise<WithTxid<object>> {
    const cleaned = toStorableText(title).trim()
    if (!cleaned) throw new InvalidInputError('A session needs a title.')
    return writeTransaction(db, async (tx) => {
      const updated = await tx
        .update(sessions)
        .set({ title: cleaned, renamedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId)))
        .returning({ id: sessions.id })
      if (updated.length === 0) throw new NotFoundError('Session', sessionId)
      return {}
    })
  },

  /** Archives (hides from the default explorer view) or brings back a session; idempotent. */
  async setArchived(
    db: Executor,
    accountId: string,
    sessionId: string,
    archived: boolean,
  ): Promise<WithTxid<{ archivedAt: Date | null }>> {
    return writeTransaction(db, async (tx) => {
      const [row] = await tx
        .update(sessions)
        // Archiving twice keeps the first time, so "archived on …" does not move.
        .set({ archivedAt: archived ? sql`coalesce(${sessions.archivedAt}, now())` : null, updatedAt: sql`now()` })
        .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId)))
        .returning({ archivedAt: sessions.archivedAt })
      if (!row) throw new NotFoundError('Session', sessionId)
      return row
    })
  },

  /**
   * Deletes a session with everything stored under it: its events, uploads (and their raw
   * chunks), chats, misalignments and decisions go through the `(session_id, account_id)`
   * foreign keys' ON DELETE CASCADE; todos and discovered files keep their row, unlinked. A session
   * that is still being written is refused: ingest would bring it back with half its events.
   */
  async deleteOwnedSession(db: Executor, accountId: string, sessionId: string): Promise<WithTxid<object>> {
    return writeTransaction(db, async (tx) => {
      const [session] = await tx
        .select({ status: sessions.status })
        .from(sessions)
        .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId)))
        .for('update')
      if (!session) throw new NotFoundError('Session', sessionId)
      if (session.status === 'live') {
        throw new ConflictError(
          'This session is still being written (it is live). Wait until its log is complete or stops, then delete it.',
        )
      }
      await discoveredFilesRepository.markSessionDeleted(tx, sessionId)
      await tx.delete(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId)))
      return {}
    })
  },
}
