/** Fresh password-mode accounts: every spec that signs up gets an account no other spec touches. */
import { expect, type Page } from '@playwright/test'
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
