/**
 * The rules a session is checked against, one row per (session, rule id), each with the file and
 * line it came from. A file's rules are replaced as a whole when the file is read again, so an
 * edited instruction file never leaves stale rules behind; rules from other files stay.
 */
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type AgentRule, agentRules, sessionRepoBindings, sessions } from '~/db/schema'
import type { InstructionRule } from '~/domain/rules/instruction-rule'
import { toStorableText } from '~/domain/storable-text'
import { type WithTxid, writeTransaction } from './write-transaction'

export interface InstructionFileRules {
  /** Relative to the repository root, or the name a pasted/uploaded file was given. */
  sourcePath: string
  sourceSha256: string
  rules: InstructionRule[]
}

const storableList = (values: readonly string[]) => values.map((value) => toStorableText(value))

/** Rule ids are unique per session: a second file with the same section gets `-2`, `-3`… */
function uniqueRuleId(ruleId: string, taken: Set<string>) {
  let candidate = ruleId
  for (let n = 2; taken.has(candidate); n++) candidate = `${ruleId}-${n}`
  taken.add(candidate)
  return candidate
}

export const agentRulesRepository = {
  /**
   * Stores the rules of the given files for one session. `repoRoot` null means pasted or uploaded
   * files: only rules from the same source names are replaced. With a repository root, every
   * earlier rule read from a repository is replaced (the repository is read as a whole).
   */
  async replaceRules(
    db: Executor,
    input: { accountId: string; sessionId: string; repoRoot: string | null; files: InstructionFileRules[] },
  ): Promise<WithTxid<{ rules: AgentRule[] }>> {
    return writeTransaction(db, async (tx) => {
      const ofSession = and(eq(agentRules.sessionId, input.sessionId), eq(agentRules.accountId, input.accountId))
      if (input.repoRoot === null) {
        for (const file of input.files) {
          await tx
            .delete(agentRules)
            .where(
              and(ofSession, isNull(agentRules.repoRoot), eq(agentRules.sourcePath, toStorableText(file.sourcePath))),
            )
        }
      } else {
        await tx.delete(agentRules).where(and(ofSession, isNotNull(agentRules.repoRoot)))
      }
      const remaining = await tx.select({ ruleId: agentRules.ruleId }).from(agentRules).where(ofSession)
      const taken = new Set(remaining.map((row) => row.ruleId))
      const values = input.files.flatMap((file) =>
        file.rules.map((rule) => ({
          sessionId: input.sessionId,
          accountId: input.accountId,
          ruleId: uniqueRuleId(toStorableText(rule.ruleId), taken),
          heading: toStorableText(rule.heading),
          summary: toStorableText(rule.summary),
          severity: rule.severity,
          keywords: storableList(rule.keywords),
          forbiddenCommands: storableList(rule.forbiddenCommands),
          requiredCommands: storableList(rule.requiredCommands),
          forbiddenPhrases: storableList(rule.forbiddenPhrases),
          requiredPhrases: storableList(rule.requiredPhrases),
          repoRoot: input.repoRoot === null ? null : toStorableText(input.repoRoot),
          sourcePath: toStorableText(file.sourcePath),
          sourceLine: rule.sourceLine,
          sourceSha256: file.sourceSha256,
        })),
      )
      const rules = values.length > 0 ? await tx.insert(agentRules).values(values).returning() : []
      return { rules }
    })
  },

  async dropRepositoryRules(
    db: Executor,
    accountId: string,
    sessionId: string,
  ): Promise<WithTxid<{ dropped: number }>> {
    return writeTransaction(db, async (tx) => {
      const dropped = await tx
        .delete(agentRules)
        .where(
          and(eq(agentRules.sessionId, sessionId), eq(agentRules.accountId, accountId), isNotNull(agentRules.repoRoot)),
        )
        .returning({ id: agentRules.id })
      return { dropped: dropped.length }
    })
  },

  async listForSession(db: Executor, accountId: string, sessionId: string) {
    return db
      .select()
      .from(agentRules)
      .where(and(eq(agentRules.sessionId, sessionId), eq(agentRules.accountId, accountId)))
      .orderBy(asc(agentRules.sourcePath), asc(agentRules.sourceLine), asc(agentRules.ruleId))
  },

  /** Every rule of the account with its session's title and repository binding, for the inventory. */
  async inventory(db: Executor, accountId: string) {
    return db
      .select({
        rule: agentRules,
        sessionTitle: sessions.title,
        boundRoot: sessionRepoBindings.rootDir,
      })
      .from(agentRules)
      .innerJoin(sessions, eq(sessions.id, agentRules.sessionId))
      .leftJoin(sessionRepoBindings, eq(sessionRepoBindings.sessionId, agentRules.sessionId))
      .where(eq(agentRules.accountId, accountId))
      .orderBy(asc(sessions.title), asc(agentRules.sessionId), asc(agentRules.sourcePath), asc(agentRules.sourceLine))
      .limit(5_000)
  },
}
