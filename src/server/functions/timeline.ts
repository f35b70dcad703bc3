/** Timeline reads that a shape cannot answer: where the in-session search matches are. */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { MAX_TIMELINE_QUERY_LENGTH, timelineConditions, timelineViewSchema } from '~/domain/timeline/timeline-view'
import { getDatabaseClient } from '~/server/database'
import { validateWith } from '~/server/http/errors'
import { requireSessionAccess } from '~/server/http/middleware'
import { timelineMatchesRepository } from '~/server/repositories/timeline-matches-repository'

const findTimelineMatchesInput = z.object({
  sessionId: z.string().uuid('Unknown session.'),
  text: z
    .string()
    .trim()
    .min(1, 'Type something to search for.')
    .max(MAX_TIMELINE_QUERY_LENGTH, `Search for at most ${MAX_TIMELINE_QUERY_LENGTH} characters.`),
  view: timelineViewSchema,
})
export type FindTimelineMatchesInput = z.input<typeof findTimelineMatchesInput>

export const findTimelineMatches = createServerFn({ method: 'GET' })
  .middleware([requireSessionAccess(findTimelineMatchesInput, (input) => input.sessionId)])
  .validator(validateWith(findTimelineMatchesInput))
  .handler(async ({ data, context }) =>
    timelineMatchesRepository.findMatchingOrdinals(
      getDatabaseClient().db,
      { accountId: context.principal.account.id, userId: context.principal.user.id },
      data.sessionId,
      data.text,
      timelineConditions(data.view),
    ),
  )
