export const MISALIGNMENT_STATUSES = ['open', 'acknowledged', 'dismissed'] as const
export type MisalignmentStatus = (typeof MISALIGNMENT_STATUSES)[number]

/** The original product's transition table; anything else is rejected. */
export const MISALIGNMENT_TRANSITIONS: Record<MisalignmentStatus, readonly MisalignmentStatus[]> = {
  open: ['acknowledged', 'dismissed'],
  acknowledged: ['dismissed', 'open'],
  dismissed: ['acknowledged', 'open'],
}

export function canTransition(from: MisalignmentStatus, to: MisalignmentStatus) {
  return MISALIGNMENT_TRANSITIONS[from].includes(to)
}
