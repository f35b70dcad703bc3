/** Where in a timeline a misalignment happened: 0-based ordinals and their timestamps. */
export interface EventRange {
  startIndex: number
  endIndex: number
  startAt: string
  endAt: string
}

/** One piece of evidence; `eventIndex` is a 0-based ordinal into the session's timeline. */
export interface MisalignmentEvidence {
  message: string
  eventIndex?: number
  eventId?: string
  highlight?: string
}
