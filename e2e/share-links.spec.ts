/**
 * Share links end to end: the owner shares a session from its page; a visitor without an account
 * (another browser context, no cookie) watches it grow live; the owner revokes the link in
 * Settings and the visitor's page ends within seconds, without a reload.
 */
import { expect, test } from '@playwright/test'
import { uniqueRollout } from './support/agent-log-files'
import { expectNoAxeViolations } from './support/axe'
import { uploadThroughExplorer } from './support/explorer-page'
import { gotoHydrated, waitForHydration } from './support/page-helpers'
import { createShareLinkFromSessionPage } from './support/share-page'
import { eventRows, uploadFromPage } from './support/timeline-page'

test.describe.configure({ timeout: 120_000 })

test('a visitor watches a shared session grow live, and revoking the link ends their view', async ({
  page,
  browser,
}) => {
  const start = uniqueRollout({ firstLines: 20 })
  await gotoHydrated(page, '/')
  const sessionId = await uploadFromPage(page, start)
  await gotoHydrated(page, `/sessions/${sessionId}`)
  await expect(page.getByTestId('session-header')).toContainText('Why is CI red on main?')
  const url = await createShareLinkFromSessionPage(page, { expiry: 'In 1 day' })

  const visitorContext = await browser.newContext()
  const visitor = await visitorContext.newPage()
  const response = await visitor.goto(url)
  expect(response?.headers()['referrer-policy']).toBe('no-referrer')
  expect(response?.headers()['x-robots-tag']).toContain('noindex')
  expect(response?.headers()['set-cookie'] ?? '').toBe('')
  await waitForHydration(visitor)
  await expect(visitor.getByRole('heading', { level: 1, name: 'Why is CI red on main?' })).toBeVisible({
    timeout: 30_000,
  })
  await expect(visitor.getByText('Shared read-only')).toBeVisible()
  await expect(eventRows(visitor).first()).toBeVisible()
  // Read-only: no owner actions anywhere on the page.
  await expect(visitor.getByRole('button', { name: /Share|Export|Add to coach/ })).toHaveCount(0)
  await eventRows(visitor).first().click()
  await expect(visitor.getByTestId('event-detail')).toBeVisible()
  await expect(visitor.getByRole('button', { name: 'Add to coach' })).toHaveCount(0)
  await expectNoAxeViolations(visitor)
  expect((await visitorContext.cookies()).length).toBe(0)

  // The owner's agent log grows (the whole log under the same agent session id).
  await expect(visitor.getByTestId('event-row').filter({ hasText: 'pnpm test -- billing' })).toHaveCount(0)
  await uploadThroughExplorer(page, uniqueRollout({ id: start.id }))
  await expect(visitor.getByTestId('session-header')).toContainText('104, 1 unreadable', { timeout: 30_000 })
  await visitor.getByTestId('timeline-scroll').evaluate((element) => {
    element.scrollTop = element.scrollHeight
  })
  await expect(visitor.getByTestId('event-row').filter({ hasText: 'pnpm test -- billing' }).first()).toBeVisible()

  // At 390 px the page still works and stays axe-clean.
  await visitor.setViewportSize({ width: 390, height: 844 })
  await expect(eventRows(visitor).first()).toBeVisible()
  await expectNoAxeViolations(visitor)
  await visitor.screenshot({ path: 'test-results/share-visitor-390.png', fullPage: true })
  await visitor.setViewportSize({ width: 1280, height: 800 })
  await visitor.screenshot({ path: 'test-results/share-visitor.png' })

  // The owner revokes it in Settings; the visitor's open page ends without a reload.
  await gotoHydrated(page, '/settings')
  const row = page
    .getByTestId('share-link-row')
    .filter({ hasText: 'Why is CI red on main?' })
    .filter({
      has: page.getByRole('button', { name: /Revoke/ }),
    })
  await expect(row.first()).toBeVisible({ timeout: 30_000 })
  await expectNoAxeViolations(page)
  await page.screenshot({ path: 'test-results/share-settings.png', fullPage: true })
  const before = visitor.url()
  await row
    .first()
    .getByRole('button', { name: /Revoke/ })
    .click()
  await expect(visitor.getByTestId('share-ended')).toHaveAttribute('data-state', 'revoked', { timeout: 15_000 })
  await expect(visitor.getByRole('heading', { name: 'This link was revoked' })).toBeVisible()
  expect(visitor.url()).toBe(before)
  await expectNoAxeViolations(visitor)
  await visitor.screenshot({ path: 'test-results/share-revoked.png' })

  // A new visit says so too.
  await visitor.reload()
  await waitForHydration(visitor)
  await expect(visitor.getByRole('heading', { name: 'This link was revoked' })).toBeVisible()
  await visitorContext.close()
})

test('an unknown link gets a clear page, not an error', async ({ browser }) => {
  const context = await browser.newContext()
  const visitor = await context.newPage()
  await gotoHydrated(visitor, `/share/scs_${'A'.repeat(43)}`)
  await expect(visitor.getByRole('heading', { name: 'This link does not work' })).toBeVisible()
  await expectNoAxeViolations(visitor)
  await context.close()
})
