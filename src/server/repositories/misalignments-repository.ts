/**
 * Misalignments per (session, rule). Status changes are optimistic: the caller names the version it
 * saw, and a change against any other version is a VersionConflictError. Re-detection refreshes
 * the evidence but never touches the user's status (the original product reset it to `open`).
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type Misalignment, misalignments } from '~/db/schema'
import type { EventRange, MisalignmentEvidence } from '~/domain/misalignments/evidence'
import type { Severity } from '~/domain/misalignments/severity'
import { canTransition, MISALIGNMENT_TRANSITIONS, type MisalignmentStatus } from '~/domain/misalignments/status'
import { toStorableJson, toStorableText } from '~/domain/storable-text'
import { InvalidTransitionError, NotFoundError, VersionConflictError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

export interface DetectedMisalignment {
  accountId: string
  sessionId: string
  ruleId: string
  title: string
  summary: string
  severity: Severity
  eventRange?: EventRange | null
  evidence: MisalignmentEvidence[]
  /** Keep a known id (legacy import); defaults to `misalignment_<uuid>`. */
  id?: string
}

export const misalignmentsRepository = {
  async upsertDetected(db: Executor, input: DetectedMisalignment): Promise<WithTxid<{ misalignment: Misalignment }>> {
    return writeTransaction(db, async (tx) => {
      const evidence = toStorableJson(input.evidence)
      const eventRange = input.eventRange ? toStorableJson(input.eventRange) : null
      const [misalignment] = await tx
        .insert(misalignments)
        .values({
          ...(input.id ? { id: input.id } : {}),
          accountId: input.accountId,
          sessionId: input.sessionId,
          ruleId: input.ruleId,
          title: toStorableText(input.title),
          summary: toStorableText(input.summary),
          severity: input.severity,
          eventRange,
          evidence,
        })
        .onConflictDoUpdate({
          target: [misalignments.sessionId, misalignments.ruleId],
          set: {
            title: toStorableText(input.title),
            summary: toStorableText(input.summary),
            severity: input.severity,
            eventRange,
            evidence,
            version: sql`${misalignments.version} + 1`,
            updatedAt: sql`now()`,
          },
          // Unchanged evidence writes nothing, so the version a user is looking at stays current.
          setWhere: and(
            eq(misalignments.accountId, input.accountId),
            sql`(${misalignments.title}, ${misalignments.summary}, ${misalignments.severity}, ${misalignments.eventRange}, ${misalignments.evidence})
              is distinct from (excluded.title, excluded.summary, excluded.severity, excluded.event_range, excluded.evidence)`,
          ),
        })
        .returning()
      if (misalignment) return { misalignment }
      const [unchanged] = await tx
        .select()
        .from(misalignments)
        .where(
          and(
            eq(misalignments.sessionId, input.sessionId),
            eq(misalignments.ruleId, input.ruleId),
            eq(misalignments.accountId, input.accountId),
          ),
        )
      if (!unchanged) throw new NotFoundError('Session', input.sessionId)
      return { misalignment: unchanged }
    })
  },

  async changeStatus(
    db: Executor,
    input: { accountId: string; id: string; status: MisalignmentStatus; expectedVersion: number },
  ): Promise<WithTxid<{ misalignment: Misalignment }>> {
    return writeTransaction(db, async (tx) => {
      const [current] = await tx
        .select()
        .from(misalignments)
        .where(and(eq(misalignments.id, input.id), eq(misalignments.accountId, input.accountId)))
      if (!current) throw new NotFoundError('Misalignment', input.id)
      if (current.version !== input.expectedVersion) {
        throw new VersionConflictError('Misalignment', input.id, input.expectedVersion, current.version)
      }
      if (!canTransition(current.status, input.status)) {
        throw new InvalidTransitionError(current.status, input.status, MISALIGNMENT_TRANSITIONS[current.status])
      }
      // The version guard makes the read-check-write safe without holding a lock.
      const [misalignment] = await tx
        .update(misalignments)
        .set({ status: input.status, version: sql`${misalignments.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(misalignments.id, input.id), eq(misalignments.version, input.expectedVersion)))
        .returning()
      if (!misalignment) {
        const [latest] = await tx
          .select({ version: misalignments.version })
          .from(misalignments)
          .where(eq(misalignments.id, input.id))
        throw new VersionConflictError('Misalignment', input.id, input.expectedVersion, latest?.version ?? -1)
      }
      return { misalignment }
    })
  },

  async findInSession(db: Executor, input: { accountId: string; sessionId: string; id: string }) {
    const [misalignment] = await db
      .select()
      .from(misalignments)
      .where(
        and(
          eq(misalignments.id, input.id),
          eq(misalignments.sessionId, input.sessionId),
          eq(misalignments.accountId, input.accountId),
        ),
      )
    return misalignment
  },

  async listForSession(db: Executor, accountId: string, sessionId: string) {
    return db
      .select()
      .from(misalignments)
      .where(and(eq(misalignments.sessionId, sessionId), eq(misalignments.accountId, accountId)))
      .orderBy(asc(misalignments.createdAt), asc(misalignments.id))
  },
}
