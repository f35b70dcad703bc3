/**
 * What the sign-in and sign-up forms check before sending anything. The server functions
 * (src/server/functions/auth.ts) validate again and stay the authority; these mirror their rules
 * so a typo is caught next to the field instead of after a round trip.
 */
import { z } from 'zod'

const email = z.string().trim().toLowerCase().email('Enter a valid email address.').max(254, 'That email is too long.')

export const signInFormSchema = z.object({
  email,
  password: z.string().min(1, 'Enter your password.').max(200, 'Use at most 200 characters.'),
})

export const signUpFormSchema = z.object({
  displayName: z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.'),
  email,
  password: z.string().min(10, 'Use at least 10 characters.').max(200, 'Use at most 200 characters.'),
})

export type SignInForm = z.infer<typeof signInFormSchema>
export type SignUpForm = z.infer<typeof signUpFormSchema>
