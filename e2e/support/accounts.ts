/** Fresh password-mode accounts: every spec that signs up gets an account no other spec touches. */
import { type BrowserContext, expect, type Page } from '@playwright/test'
import { E2E_URLS } from './e2e-ports'
import { waitForHydration } from './page-helpers'

export const TEST_PASSWORD = 'correct horse battery staple'

let counter = 0

export function uniqueEmail(label = 'user') {
  counter += 1
  return `${label}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}@example.test`
}

/** Signs up through the real form on the password-mode app and waits until the app has loaded. */
export async function signUpThroughForm(
  page: Page,
  { name = 'Ada Lovelace', email = uniqueEmail(), next }: { name?: string; email?: string; next?: string } = {},
) {
  const query = next ? `?next=${encodeURIComponent(next)}` : ''
  await page.goto(`${E2E_URLS.passwordApp}/sign-up${query}`)
  await waitForHydration(page)
  await page.getByLabel('Name').fill(name)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).not.toHaveURL(/\/sign-up/)
  await waitForHydration(page)
  return { name, email }
}

/**
 * A fresh password-mode account, signed in in `context` (its session cookie set there), made
 * straight in the password database by the stack (`POST /accounts`, e2e/support/account-seeder.ts).
 * For specs that need an empty account but do not test signing up: the form costs two page loads
 * and is tested by e2e/password-mode.spec.ts. The account signs in with TEST_PASSWORD like one
 * made through the form.
 */
export async function signUpDirectly(
  context: BrowserContext,
  { name = 'Ada Lovelace', email = uniqueEmail() }: { name?: string; email?: string } = {},
) {
  const response = await fetch(`${E2E_URLS.control}/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, password: TEST_PASSWORD }),
  })
  const body = (await response.json()) as { token?: string; message?: string }
  if (response.status !== 201 || !body.token) {
    throw new Error(`The e2e stack could not make an account: ${response.status} ${body.message}`)
  }
  await context.addCookies([
    { name: 'sc_session', value: body.token, url: E2E_URLS.passwordApp, httpOnly: true, sameSite: 'Lax' },
  ])
  return { name, email }
}
