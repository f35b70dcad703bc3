/** The hookify gate: every "add to coach" (session, timeline event, remediation) goes through here. */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { HOOK_SOURCES } from '~/domain/hookify/gate'
import { getDatabaseClient } from '~/server/database'
import { addToCoach as runAddToCoach } from '~/server/hookify/add-to-coach'
import { generateHookWithBacktest } from '~/server/hookify/hook-backtest'
import { HttpError, validateWith } from '~/server/http/errors'
import { requireSessionAccess } from '~/server/http/middleware'

/** Enough for a pretty-printed event with its output; the coach trims context further. */
export const MAX_COACH_CONTENT_CHARS = 100_000

const ordinal = z.number().int('Event numbers are whole numbers.').min(0, 'Event numbers start at 0.')

const addToCoachInput = z.object({
  sessionId: z.string().uuid('Pick a session first (the session id is not valid).'),
  source: z.enum(HOOK_SOURCES, { message: `source must be one of ${HOOK_SOURCES.join(', ')}.` }),
  content: z
    .string()
    .trim()
    .min(1, 'There is nothing to add: the content is empty.')
    .max(
      MAX_COACH_CONTENT_CHARS,
      `The content is longer than ${MAX_COACH_CONTENT_CHARS} characters; add less at once.`,
    ),
  eventRange: z
    .object({ start: ordinal, end: ordinal })
    .refine((range) => range.start <= range.end, 'eventRange.start must not be after eventRange.end.')
    .optional(),
  misalignmentId: z.string().min(1).max(200).optional(),
})

export type AddToCoachInput = z.input<typeof addToCoachInput>

export const addToCoach = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(addToCoachInput, (input) => input.sessionId)])
  .validator(validateWith(addToCoachInput))
  .handler(async ({ data, context }) => {
    // requireSessionAccess always finds the session here: the schema makes sessionId required.
    const session = context.session
    if (!session) throw new HttpError(403, 'You do not have access to this session.')
    const { sessionId: _sessionId, ...request } = data
    return runAddToCoach(getDatabaseClient().db, session, request)
  })

const generateHookInput = z.object({
  sessionId: z.string().uuid('Pick a session first (the session id is not valid).'),
  ruleId: z.string().trim().min(1, 'Name the rule to generate a hook for.').max(200),
})

/** A hookify rule file and a hooks entry for one of the session's rules, with a backtest over the account. */
export const generateHook = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(generateHookInput, (input) => input.sessionId)])
  .validator(validateWith(generateHookInput))
  .handler(async ({ data, context }) => {
    const session = context.session
    if (!session) throw new HttpError(403, 'You do not have access to this session.')
    return generateHookWithBacktest(getDatabaseClient().db, session, data.ruleId)
  })

export type GenerateHookResult = Awaited<ReturnType<typeof generateHook>>
