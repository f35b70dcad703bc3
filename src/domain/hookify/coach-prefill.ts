/**
 * What "add to coach" hands the coach page: the prompt to put in the composer and where it came
 * from. It travels in the router's history state under COACH_PREFILL_STATE_KEY; the coach page
 * reads it with `readCoachPrefill`, which refuses anything that is not this shape.
 */
import { z } from 'zod'
import { HOOK_SEVERITIES, HOOK_SOURCES } from './gate'

export const COACH_PREFILL_STATE_KEY = 'coachPrefill'

export const coachPrefillSchema = z.object({
  prompt: z.string(),
  metadata: z.object({
    sessionId: z.string(),
    source: z.enum(HOOK_SOURCES),
    decisionId: z.string(),
    severity: z.enum(HOOK_SEVERITIES),
    /** Rule ids the gate matched (lower severities annotate the prompt). */
    ruleIds: z.array(z.string()),
    /** 0-based ordinals of the events the content is about. */
    eventRange: z.object({ start: z.number().int(), end: z.number().int() }).optional(),
    misalignmentId: z.string().optional(),
  }),
})

export type CoachPrefill = z.infer<typeof coachPrefillSchema>

/** The prefill in a history state object, or null when there is none (or it is malformed). */
export function readCoachPrefill(state: unknown): CoachPrefill | null {
  if (!state || typeof state !== 'object') return null
  const parsed = coachPrefillSchema.safeParse((state as Record<string, unknown>)[COACH_PREFILL_STATE_KEY])
  return parsed.success ? parsed.data : null
}
