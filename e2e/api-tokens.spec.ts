/**
 * Settings → API tokens end to end, on a fresh password-mode account: the empty list, a token
 * created by keyboard whose secret is shown once and works as a Bearer token (a pushed log appears
 * in the explorer as "machine · person"), then revoked (and refused from then on); axe-clean at
 * desktop and phone width.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect, type Page, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { expectNoAxeViolations } from './support/axe'
import { E2E_URLS } from './support/e2e-ports'
import { waitForHydration } from './support/page-helpers'

test.describe.configure({ timeout: 90_000 })

async function openSettings(page: Page) {
  await page.goto(`${E2E_URLS.passwordApp}/settings`)
  await waitForHydration(page)
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible()
}

function offsetsWith(page: Page, token: string) {
  return page.request.get(`${E2E_URLS.passwordApp}/api/ingest/offsets?machine=e2e-laptop`, {
    headers: { authorization: `Bearer ${token}` },
  })
}

test('create a token (secret shown once, usable as Bearer), then revoke it; axe-clean at 1280 and 390 px', async ({
  page,
}) => {
  await signUpDirectly(page.context(), { name: 'Token Owner' })
  await openSettings(page)
  await expect(page.getByTestId('api-tokens-empty')).toBeVisible()
  await expectNoAxeViolations(page)

  // By keyboard: name, expiry, both scopes, Enter.
  await page.getByLabel('Name').focus()
  await page.keyboard.type('e2e laptop agent-push')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  await expect(page.getByRole('checkbox', { name: /Ingest/ })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(page.getByRole('checkbox', { name: /Read/ })).toBeFocused()
  await page.keyboard.press('Space')
  await page.getByLabel('Name').press('Enter')

  const notice = page.getByTestId('created-token')
  await expect(notice).toBeVisible({ timeout: 30_000 })
  const secret = await page.getByRole('textbox', { name: 'New API token' }).inputValue()
  expect(secret).toMatch(/^sct_[A-Za-z0-9_-]{43}$/)
  const item = page.getByTestId('api-token').filter({ hasText: 'e2e laptop agent-push' })
  await expect(item).toContainText(secret.slice(0, 12))
  await expect(item).toContainText('Active')
  await expect(item).toContainText('ingest')
  await expect(item).toContainText('read')
  await expect(item).toContainText('never used')
  await expectNoAxeViolations(page)
  await page.screenshot({ path: 'test-results/screenshots/settings-api-tokens-created.png', fullPage: true })
  await page.getByRole('button', { name: 'Done' }).click()
  await expect(notice).toHaveCount(0)

  expect((await offsetsWith(page, secret)).status()).toBe(200)

  // What agent-push does with it: a chunk of a log, which the explorer shows as "machine · person".
  const log = readFileSync(
    fileURLToPath(new URL('../tests/fixtures/agent-logs/codex/synthetic-acme-api.jsonl', import.meta.url)),
  )
  const pushed = await page.request.post(
    `${E2E_URLS.passwordApp}/api/ingest/chunks?machine=e2e-laptop&sourceKey=${encodeURIComponent('/home/ada/.codex/sessions/a.jsonl')}&offset=0`,
    { headers: { authorization: `Bearer ${secret}` }, data: log },
  )
  expect(pushed.status()).toBe(200)
  await page.goto(`${E2E_URLS.passwordApp}/`)
  await waitForHydration(page)
  await expect(page.getByTestId('session-pushed-from').first()).toContainText('e2e-laptop · Token Owner', {
    timeout: 30_000,
  })
  await page.screenshot({ path: 'test-results/screenshots/explorer-pushed-session.png' })
  await openSettings(page)

  // Shown once: not in the page after navigating away and back.
  await expect(item).toBeVisible()
  expect(await page.content()).not.toContain(secret.slice(12))
  await expect(item).toContainText(/last used/)

  await item.getByRole('button', { name: 'Revoke e2e laptop agent-push' }).click()
  await item.getByRole('button', { name: 'Revoke now' }).click()
  await expect(item).toContainText('Revoked', { timeout: 30_000 })
  const refused = await offsetsWith(page, secret)
  expect(refused.status()).toBe(401)
  expect(await refused.json()).toMatchObject({ reason: 'revoked' })

  await page.setViewportSize({ width: 390, height: 844 })
  await expect(item).toBeVisible()
  await expectNoAxeViolations(page)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await page.screenshot({ path: 'test-results/screenshots/settings-api-tokens-390.png', fullPage: true })
})
