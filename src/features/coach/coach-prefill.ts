/**
 * "Add to coach" (rules/hookify) hands the coach page a prefill in router history state; this turns
 * it into the panel's composer text and the metadata sent with the prompt.
 */
import type { CoachPrefill } from '~/domain/hookify/coach-prefill'
import type { CoachPrefillInput } from './coach-panel'

export function prefillForPanel(prefill: CoachPrefill | null, sessionId: string): CoachPrefillInput | null {
  if (!prefill || prefill.metadata.sessionId !== sessionId) return null
  const { eventRange, misalignmentId, ruleIds } = prefill.metadata
  const range =
    eventRange && eventRange.start >= 0 && eventRange.end >= eventRange.start
      ? { startIndex: eventRange.start, endIndex: eventRange.end }
      : undefined
  const metadata = {
    ...(range ? { eventRange: range } : {}),
    ...(misalignmentId ? { misalignmentId } : {}),
    ...(ruleIds[0] ? { ruleId: ruleIds[0] } : {}),
  }
  return { prompt: prefill.prompt, metadata: Object.keys(metadata).length ? metadata : undefined }
}
