import { readFileSync } from 'node:fs'
import { type Browser, expect, type Page, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { uniqueRollout } from './support/agent-log-files'
import { axeBuilder } from './support/axe'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated } from './support/page-helpers'
import { uploadFromPage } from './support/timeline-page'

const AGENTS_MD = readFileSync(new URL('../tests/fixtures/rules/AGENTS.md', import.meta.url), 'utf8')
const FORCE_PUSH = 'safety-never-force-push-git-push-force-rewrites'
const RM_RF = 'safety-never-run-rm-rf-on-build'

/**
 * Uploads a fresh copy of the synthetic rollout to the app at `base` and returns its session id,
 * through the upload API the page's client uses (the explorer's upload panel has specs of its own).
 */
async function uploadSession(page: Page, base = '') {
  await gotoHydrated(page, `${base}/`)
  return uploadFromPage(page, uniqueRollout())
}

/** Pastes the acme-api AGENTS.md into the session's rules on the Rules page. */
async function pasteAgentsMd(page: Page, sessionId: string, base = '') {
  await gotoHydrated(page, `${base}/rules?sessionId=${sessionId}`)
  await page.getByLabel('Instruction file (markdown)').fill(AGENTS_MD)
  await page.getByRole('button', { name: 'Save rules' }).click()
  await expect(page.getByTestId('rules-source-outcome')).toContainText(
    'Stored AGENTS.md: 10 rules (3 checkable), 3 misalignments.',
  )
}

// Each test uploads a session and runs detection before its first check; on a loaded machine that
// alone can take most of the default 30 s.
test.describe.configure({ timeout: 90_000 })

const item = (page: Page, ruleId: string) => page.locator(`[data-testid="misalignment-item"][data-rule-id="${ruleId}"]`)

async function secondDevice(browser: Browser, path: string) {
  const context = await browser.newContext({ colorScheme: 'light' })
  const page = await context.newPage()
  await gotoHydrated(page, path)
  return { context, page }
}

test('a misalignment acknowledged in one browser shows as acknowledged in the other, and the banner follows', async ({
  page,
  browser,
}) => {
  const sessionId = await uploadSession(page)
  await gotoHydrated(page, `/sessions/${sessionId}`)
  await expect(page.getByTestId('session-header')).toContainText('Why is CI red on main?')
  await expect(page.getByTestId('misalignment-banner')).toHaveCount(0)
  await pasteAgentsMd(page, sessionId)
  await expect(page.getByTestId('misalignment-item')).toHaveCount(3)

  const phone = await secondDevice(browser, `/rules?sessionId=${sessionId}`)
  await expect(item(phone.page, FORCE_PUSH)).toHaveAttribute('data-status', 'open')

  await item(page, FORCE_PUSH)
    .getByRole('button', { name: /^Acknowledge/ })
    .click()
  await expect(item(page, FORCE_PUSH)).toHaveAttribute('data-status', 'acknowledged')
  await expect(item(phone.page, FORCE_PUSH)).toHaveAttribute('data-status', 'acknowledged')
  await expect(item(phone.page, FORCE_PUSH).getByRole('button', { name: /^Reopen/ })).toBeVisible()

  // The session page's banner counts the open ones, with the highest severity.
  await gotoHydrated(phone.page, `/sessions/${sessionId}?order=newest`)
  const banner = phone.page.getByTestId('misalignment-banner')
  await expect(banner).toContainText('2 open misalignments')
  await expect(banner.locator('[data-severity]')).toHaveText('high')
  // Timeline rows (newest first) that are evidence of an open misalignment carry its severity.
  const rowAt = (ordinal: number) => phone.page.locator(`[data-testid="event-row"][data-ordinal="${ordinal}"]`)
  await expect(rowAt(97).getByTestId('misalignment-marker')).toHaveText(/high/)
  await expect(rowAt(100)).toBeVisible()
  await expect(rowAt(100).getByTestId('misalignment-marker')).toHaveCount(0)
  await phone.context.close()
})

test('adding an event to the coach goes through the gate: a blocked event shows the decision, a remediation opens the coach', async ({
  page,
}) => {
  const sessionId = await uploadSession(page)
  await pasteAgentsMd(page, sessionId)

  await item(page, FORCE_PUSH).getByRole('button', { name: 'Add to coach event #12' }).click()
  await expect(page.getByText('Add to coach blocked', { exact: true })).toBeVisible()
  const blocked = page.locator('[data-testid="decision-item"][data-blocked="true"]')
  await expect(blocked).toHaveCount(1)
  await expect(blocked).toContainText(FORCE_PUSH)
  await expect(blocked).toContainText('from timeline')

  await item(page, RM_RF)
    .getByRole('button', { name: /^Review in coach/ })
    .click()
  await expect(page).toHaveURL(new RegExp(`/coach\\?sessionId=${sessionId}`))
  await gotoHydrated(page, `/rules?sessionId=${sessionId}`)
  const allowed = page.locator('[data-testid="decision-item"][data-blocked="false"]')
  await expect(allowed).toHaveCount(1)
  await expect(allowed).toContainText('from manual')
  await expect(allowed).toContainText(`Remediating rule ${RM_RF}`)
})

test('a generated hook shows its backtest over the account, and the Rules page passes axe at phone width', async ({
  page,
}) => {
  // A fresh account, so the backtest counts exactly this one session.
  await signUpDirectly(page.context())
  const sessionId = await uploadSession(page, E2E_URLS.passwordApp)
  await pasteAgentsMd(page, sessionId, E2E_URLS.passwordApp)

  await item(page, FORCE_PUSH)
    .getByRole('button', { name: /^Generate hook/ })
    .click()
  const dialog = page.getByTestId('hook-dialog')
  await expect(dialog.getByTestId('hook-backtest')).toHaveText('Would have fired 3 times in 1 session (of 1 scanned).')
  await expect(dialog.getByLabel(/^Hookify rule/)).toHaveValue(/^---\nname: safety-never-force-push/)
  await expect(dialog.getByLabel(/^Hooks entry/)).toHaveValue(/"PreToolUse"/)
  expect((await axeBuilder(page).include('[data-testid="hook-dialog"]').analyze()).violations).toEqual([])
  await page.keyboard.press('Escape')

  await expect(page.getByTestId('inventory-rule')).toHaveCount(10)
  // The page's own content (the password-mode account menu of the shell is not this page's).
  expect((await axeBuilder(page).include('#main-content').analyze()).violations).toEqual([])

  await page.setViewportSize({ width: 390, height: 844 })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await page.screenshot({ path: 'test-results/screenshots/rules-mobile.png', fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.screenshot({ path: 'test-results/screenshots/rules-desktop.png', fullPage: true })
})

test('an account without sessions is sent to upload one instead of asked to pick one', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'light' })
  await signUpDirectly(context)
  const page = await context.newPage()
  await gotoHydrated(page, `${E2E_URLS.passwordApp}/rules`)
  await expect(page.getByText('this account has none yet')).toBeVisible()
  await expect(page.getByRole('link', { name: 'Upload a session' })).toHaveAttribute('href', '/sessions')
  await expect(page.getByText('Pick a session to see')).toHaveCount(0)
  await context.close()
})
