/** Rules, repository bindings and misalignment status: thin adapters over src/server/rules/. */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { MISALIGNMENT_STATUSES } from '~/domain/misalignments/status'
import { MAX_INSTRUCTION_FILE_BYTES } from '~/domain/rules/limits'
import { getDatabaseClient } from '~/server/database'
import { HttpError, validateWith } from '~/server/http/errors'
import { requirePrincipal, requireSessionAccess } from '~/server/http/middleware'
import { agentRulesRepository } from '~/server/repositories/agent-rules-repository'
import { misalignmentsRepository } from '~/server/repositories/misalignments-repository'
import { bindSessionRepository, clearSessionRepository, storeInstructionFile } from '~/server/rules/session-rules'

const sessionId = z.string().uuid('Pick a session first (the session id is not valid).')

function sessionOf<T>(session: T | undefined): T {
  // requireSessionAccess always sets it here: every schema below makes sessionId required.
  if (!session) throw new HttpError(403, 'You do not have access to this session.')
  return session
}

const bindInput = z.object({
  sessionId,
  /** Absolute folder on the server; omitted: the session's own working folder. */
  folder: z.string().trim().max(4096, 'The folder path is too long.').optional(),
})

export const bindRepository = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(bindInput, (input) => input.sessionId)])
  .validator(validateWith(bindInput))
  .handler(async ({ data, context }) => {
    const result = await bindSessionRepository(getDatabaseClient().db, sessionOf(context.session), data.folder || null)
    return result
  })

const sessionOnly = z.object({ sessionId })

export const clearRepository = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(sessionOnly, (input) => input.sessionId)])
  .validator(validateWith(sessionOnly))
  .handler(async ({ context }) => clearSessionRepository(getDatabaseClient().db, sessionOf(context.session)))

const pasteInput = z.object({
  sessionId,
  name: z
    .string()
    .trim()
    .min(1, 'Name the file (e.g. AGENTS.md).')
    .max(200, 'The file name is longer than 200 characters.')
    .refine((name) => !name.includes('..'), 'The file name must not contain "..".'),
  markdown: z
    .string()
    .refine((text) => text.trim().length > 0, 'Paste the instruction file: the text is empty.')
    .refine(
      (text) => new TextEncoder().encode(text).length <= MAX_INSTRUCTION_FILE_BYTES,
      `The instruction file is larger than ${MAX_INSTRUCTION_FILE_BYTES / 1024} KiB.`,
    ),
})

export const storeSessionRules = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(pasteInput, (input) => input.sessionId)])
  .validator(validateWith(pasteInput))
  .handler(async ({ data, context }) =>
    storeInstructionFile(getDatabaseClient().db, sessionOf(context.session), {
      name: data.name,
      markdown: data.markdown,
    }),
  )

const statusInput = z.object({
  sessionId,
  misalignmentId: z.string().min(1).max(200),
  status: z.enum(MISALIGNMENT_STATUSES, { message: `status must be one of ${MISALIGNMENT_STATUSES.join(', ')}.` }),
  /** The version the person saw; a change against any other version is a 409. */
  expectedVersion: z.number().int().min(1),
})

export const changeMisalignmentStatus = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(statusInput, (input) => input.sessionId)])
  .validator(validateWith(statusInput))
  .handler(async ({ data, context }) => {
    const session = sessionOf(context.session)
    const found = await misalignmentsRepository.findInSession(getDatabaseClient().db, {
      accountId: session.accountId,
      sessionId: session.id,
      id: data.misalignmentId,
    })
    if (!found) throw new HttpError(404, 'This misalignment no longer exists. Reload the list.')
    const { misalignment, txid } = await misalignmentsRepository.changeStatus(getDatabaseClient().db, {
      accountId: session.accountId,
      id: data.misalignmentId,
      status: data.status,
      expectedVersion: data.expectedVersion,
    })
    return { txid, status: misalignment.status, version: misalignment.version }
  })

/** Every rule of the account, grouped by session in the browser (the Rules page inventory). */
export const listRuleInventory = createServerFn({ method: 'GET' })
  .middleware([requirePrincipal])
  .handler(async ({ context }) => {
    const rows = await agentRulesRepository.inventory(getDatabaseClient().db, context.principal.account.id)
    return rows.map(({ rule, sessionTitle, boundRoot }) => ({
      sessionId: rule.sessionId,
      sessionTitle,
      boundRoot,
      ruleId: rule.ruleId,
      heading: rule.heading,
      summary: rule.summary,
      severity: rule.severity,
      forbiddenCommands: rule.forbiddenCommands,
      requiredCommands: rule.requiredCommands,
      forbiddenPhrases: rule.forbiddenPhrases,
      repoRoot: rule.repoRoot,
      sourcePath: rule.sourcePath,
      sourceLine: rule.sourceLine,
    }))
  })

export type RuleInventoryRow = Awaited<ReturnType<typeof listRuleInventory>>[number]
