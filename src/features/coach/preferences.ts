import { z } from 'zod'
import { definePreference } from '~/lib/preferences'

/** The model last picked in the coach (empty: the provider's default); remembered per browser. */
export const coachModelPreference = definePreference('coachModel', z.string().max(200), '')

/** Whether the coach panel is open beside a session's timeline; remembered per browser. */
export const coachBesideTimelinePreference = definePreference('coachBesideTimeline', z.boolean(), false)
