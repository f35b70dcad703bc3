import { z } from 'zod'
import { definePreference } from '~/lib/preferences'

export const TODO_FILTERS = ['all', 'open', 'done'] as const
export type TodoFilter = (typeof TODO_FILTERS)[number]

export function isTodoFilter(value: unknown): value is TodoFilter {
  return typeof value === 'string' && (TODO_FILTERS as readonly string[]).includes(value)
}

/** Which todos the list shows; remembered per browser. */
export const todoFilterPreference = definePreference('todoFilter', z.enum(TODO_FILTERS), 'all')
