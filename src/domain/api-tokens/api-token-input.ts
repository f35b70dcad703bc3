/** What a person submits to create an API token; shared by the Settings form and the server function. */
import { z } from 'zod'
import { API_TOKEN_SCOPES } from './api-token-scopes'

export const API_TOKEN_NAME_MAX = 80

export const createApiTokenInput = z.object({
  name: z
    .string({ message: 'Give the token a name.' })
    .trim()
    .min(1, 'Give the token a name (what or where it is used, e.g. "laptop agent-push").')
    .max(API_TOKEN_NAME_MAX, `The name is longer than ${API_TOKEN_NAME_MAX} characters.`),
  scopes: z
    .array(z.enum(API_TOKEN_SCOPES, { message: 'A scope is ingest or read.' }))
    .min(1, 'Choose at least one scope (ingest, read or both).'),
  /** Days until it expires; null never expires. */
  expiresInDays: z
    .number({ message: 'Expiry is a number of days.' })
    .int('Expiry is a whole number of days.')
    .min(1, 'A token expires at least one day after it is created.')
    .max(3650, 'A token expires at most ten years after it is created; choose "never" instead.')
    .nullable(),
})
export type CreateApiTokenInput = z.infer<typeof createApiTokenInput>
