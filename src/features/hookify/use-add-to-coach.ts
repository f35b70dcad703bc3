/**
 * The one way any page adds something to the coach: `const addToCoach = useAddToCoach()` then
 * `await addToCoach({sessionId, source, content, eventRange?})`. The server's hookify gate decides;
 * a blocked request shows why (a toast) and stays on the page, anything else opens the coach with
 * the prompt prefilled (router history state `coachPrefill`, see ~/domain/hookify/coach-prefill).
 */
import { useNavigate } from '@tanstack/react-router'
import { useCallback } from 'react'
import { notify } from '~/components/layout/notifications'
import { COACH_PREFILL_STATE_KEY, type CoachPrefill } from '~/domain/hookify/coach-prefill'
import { errorMessage } from '~/lib/error-message'
import { type AddToCoachInput, addToCoach } from '~/server/functions/hookify'

declare module '@tanstack/react-router' {
  interface HistoryState {
    [COACH_PREFILL_STATE_KEY]?: CoachPrefill
  }
}

export type AddToCoachResult = Awaited<ReturnType<typeof addToCoach>>

export function useAddToCoach(): (input: AddToCoachInput) => Promise<AddToCoachResult> {
  const navigate = useNavigate()
  return useCallback(
    async (input: AddToCoachInput) => {
      let result: AddToCoachResult
      try {
        result = await addToCoach({ data: input })
      } catch (error) {
        notify({ tone: 'destructive', title: 'Could not add to the coach', description: errorMessage(error) })
        throw error
      }
      if (result.blocked || !result.prefill) {
        notify({
          tone: 'destructive',
          title: 'Add to coach blocked',
          description: result.message ?? 'A rule of this session blocks this content.',
        })
        return result
      }
      const prefill = result.prefill
      await navigate({
        href: `/coach?sessionId=${encodeURIComponent(input.sessionId)}`,
        state: (previous) => ({ ...previous, [COACH_PREFILL_STATE_KEY]: prefill }),
      })
      return result
    },
    [navigate],
  )
}
