import { z } from 'zod'

/** Long enough for a sentence, short enough for a list row. */
export const SESSION_TITLE_MAX_LENGTH = 200

/** A title a person gives a session (rename): what the server accepts and the rename form checks. */
export const sessionTitleSchema = z
  .string()
  .trim()
  .min(1, 'Enter a title.')
  .max(SESSION_TITLE_MAX_LENGTH, `Use at most ${SESSION_TITLE_MAX_LENGTH} characters.`)
