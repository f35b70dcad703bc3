/**
 * Share links end to end: the owner shares a session from its page; a visitor without an account
 * (another browser context, no cookie) watches it grow live; the owner revokes the link in
 * Settings and the visitor's page ends within seconds, without a reload.
 */
import { expect, type Page, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { uniqueRollout } from './support/agent-log-files'
import { expectNoAxeViolations } from './support/axe'
import { E2E_URLS } from './support/e2e-ports'
import { findInExplorer, uploadThroughExplorer } from './support/explorer-page'
import { gotoHydrated, waitForHydration } from './support/page-helpers'
import { createShareLinkFromSessionPage } from './support/share-page'
import { eventRows, uploadFromPage } from './support/timeline-page'

// Two browsers, live waits and several axe scans per test; minutes when the machine is busy.
test.describe.configure({ timeout: 240_000 })

interface ServerFnCall {
  url: string
  body: string
}

/** The server-function request an action sends (POST /_serverFn/<id>), as the browser sent it. */
async function capturedServerFnCall(page: Page, action: () => Promise<void>): Promise<ServerFnCall> {
  const [request] = await Promise.all([
    page.waitForRequest((candidate) => candidate.method() === 'POST' && candidate.url().includes('/_serverFn/')),
    action(),
  ])
  await request.response()
  return { url: request.url(), body: request.postData() ?? '' }
}

/** Sends the same call with another page's cookies (or none), the way the browser's client does. */
async function replay(page: Page, call: ServerFnCall) {
  const response = await page.request.post(call.url, {
    headers: { 'x-tsr-serverFn': 'true', 'content-type': 'application/json', origin: new URL(call.url).origin },
    data: call.body,
  })
  return { status: response.status(), text: await response.text() }
}

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
  await uploadFromPage(page, uniqueRollout({ id: start.id }))
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

test('a visitor gets the owner’s timeline read-only: filters, order and #N links work, there is no search', async ({
  page,
  browser,
}) => {
  const sessionId = await uploadFromPage(page, uniqueRollout())
  await gotoHydrated(page, `/sessions/${sessionId}`)
  const url = await createShareLinkFromSessionPage(page)

  const visitorContext = await browser.newContext({ colorScheme: 'light' })
  const visitor = await visitorContext.newPage()
  await gotoHydrated(visitor, url)
  await expect(eventRows(visitor).first()).toBeVisible({ timeout: 30_000 })
  // The in-session search asks the server, which serves accounts only: a visitor has none.
  await expect(visitor.getByTestId('timeline-find')).toHaveCount(0)
  await expect(visitor.getByRole('navigation', { name: 'Other sessions' })).toHaveCount(0)

  // The event filter narrows the list, in the URL of the share page itself.
  await visitor.getByRole('navigation', { name: 'Event filter' }).getByRole('link', { name: 'Tools' }).click()
  await expect(visitor).toHaveURL(/\/share\/scs_[^?]+\?filter=tools/)
  await expect(eventRows(visitor).filter({ hasText: 'Why is CI red on main?' })).toHaveCount(0)
  await expect(eventRows(visitor).filter({ hasText: 'rg -n "paginate" src' }).first()).toBeVisible()
  const types = await eventRows(visitor).evaluateAll((elements) => elements.map((element) => element.dataset.type))
  expect(types.length).toBeGreaterThan(0)
  for (const type of types)
    expect(['FunctionCall', 'LocalShellCall', 'WebSearchCall', 'CustomToolCall']).toContain(type)

  // More filters: one command family, then the order flips.
  await visitor.getByText('More filters').click()
  await visitor.getByLabel('Command family').selectOption('remove')
  await expect(visitor).toHaveURL(/family=remove/)
  await expect(eventRows(visitor)).toHaveCount(1)
  await expect(eventRows(visitor).first()).toContainText('rm -rf dist node_modules/.cache')
  await visitor.getByRole('link', { name: 'Clear filters' }).click()
  await expect(visitor).not.toHaveURL(/family=|filter=/)
  await visitor.getByRole('link', { name: /Oldest first/ }).click()
  await expect(visitor).toHaveURL(/order=newest/)
  await expect
    .poll(async () => Number(await eventRows(visitor).first().getAttribute('data-ordinal')))
    .toBeGreaterThan(90)
  await expectNoAxeViolations(visitor)

  // A range with a selected event, typed as a link: only #10–#20, #15 shown in the detail.
  await gotoHydrated(visitor, `${url}?from=10&to=20#15`)
  await expect(visitor.getByTestId('event-detail').getByRole('heading', { level: 2 })).toContainText('#15')
  await expect(visitor.getByRole('button', { name: 'Add to coach' })).toHaveCount(0)
  const shownRange = async () => {
    const ordinals = await eventRows(visitor).evaluateAll((rows) => rows.map((row) => Number(row.dataset.ordinal)))
    return ordinals.length === 0 ? null : [Math.min(...ordinals), Math.max(...ordinals)]
  }
  await expect.poll(shownRange).toEqual([9, 19])
  await expectNoAxeViolations(visitor)
  await visitor.screenshot({ path: 'test-results/share-visitor-filtered.png', fullPage: true })

  // At 390 px the selected event is a drawer, as for the owner; Escape closes it and drops the #N.
  await visitor.setViewportSize({ width: 390, height: 844 })
  const drawer = visitor.getByRole('dialog')
  await expect(drawer.getByRole('heading', { level: 2 })).toContainText('#15')
  await expectNoAxeViolations(visitor, '[role="dialog"]')
  await visitor.screenshot({ path: 'test-results/share-visitor-drawer-390.png' })
  await visitor.keyboard.press('Escape')
  await expect(drawer).toHaveCount(0)
  await expect(visitor).not.toHaveURL(/#\d+$/)
  expect((await visitorContext.cookies()).length).toBe(0)
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

test('password mode: a session shared with another account appears live in their explorer and leaves when removed', async ({
  browser,
}) => {
  const ownerContext = await browser.newContext()
  const memberContext = await browser.newContext()
  const ownerName = `Owner ${Date.now().toString(36)}`
  await signUpDirectly(ownerContext, { name: ownerName })
  const { email: memberEmail } = await signUpDirectly(memberContext, { name: 'Team Member' })
  const owner = await ownerContext.newPage()
  const member = await memberContext.newPage()

  const file = uniqueRollout()
  await uploadThroughExplorer(owner, file, E2E_URLS.passwordApp)
  const row = await findInExplorer(owner, file.name)
  await row.getByRole('link', { name: 'Why is CI red on main?', exact: true }).click()
  await expect(owner.getByTestId('session-header')).toContainText('Why is CI red on main?')

  // The member's explorer is open (empty) while the owner shares.
  await gotoHydrated(member, `${E2E_URLS.passwordApp}/`)
  await expect(member.getByText('No sessions yet')).toBeVisible({ timeout: 30_000 })

  await owner.getByTestId('session-actions').getByRole('button', { name: 'Share' }).click()
  const dialog = owner.getByRole('dialog')
  // The owner's own calls, captured to be replayed by others over the real wire below.
  const createCall = await capturedServerFnCall(owner, () =>
    dialog.getByRole('button', { name: 'Create link' }).click(),
  )
  await expect(dialog.getByTestId('share-url')).toBeVisible()
  // Someone who is not a member (yet) cannot share the owner's session: 403, and no token.
  const refused = await replay(member, createCall)
  expect(refused.status).toBe(403)
  expect(refused.text).not.toMatch(/scs_[A-Za-z0-9_-]{43}/)
  await dialog.getByLabel('E-mail of the person to share with').fill(memberEmail)
  const addCall = await capturedServerFnCall(owner, () => dialog.getByRole('button', { name: 'Add' }).click())
  await expect(dialog.getByTestId('session-members')).toContainText('Team Member')
  // A member reads, but cannot share it on or add people (the repository requires ownership),
  // and nobody without a session gets anywhere.
  expect((await replay(member, createCall)).status).toBe(404)
  expect((await replay(member, addCall)).status).toBe(404)
  const anonymous = await browser.newContext()
  expect((await replay(await anonymous.newPage(), addCall)).status).toBe(401)
  await anonymous.close()
  await expectNoAxeViolations(owner)
  await owner.screenshot({ path: 'test-results/share-people-dialog.png' })

  // Live, without a reload: the shared session arrives with the owner's name, read-only.
  const shared = member.getByTestId('explorer-session').filter({ hasText: 'Why is CI red on main?' })
  await expect(shared).toHaveCount(1, { timeout: 30_000 })
  await expect(shared.getByTestId('shared-by')).toHaveText(`Shared by ${ownerName}`)
  await expect(shared.getByRole('button', { name: /Actions for/ })).toHaveCount(0)
  await expectNoAxeViolations(member)
  await member.screenshot({ path: 'test-results/share-member-explorer.png' })
  await shared.getByRole('link', { name: 'Why is CI red on main?', exact: true }).click()
  await expect(member.getByTestId('session-header')).toContainText('Why is CI red on main?')
  await expect(eventRows(member).first()).toBeVisible()
  await expect(member.getByTestId('session-actions').getByRole('button', { name: 'Share' })).toHaveCount(0)

  // Removed: it leaves the member's explorer live.
  await gotoHydrated(member, `${E2E_URLS.passwordApp}/`)
  await expect(shared).toHaveCount(1, { timeout: 30_000 })
  await dialog.getByRole('button', { name: 'Remove Team Member' }).click()
  await expect(dialog.getByTestId('session-members')).toHaveCount(0)
  await expect(shared).toHaveCount(0, { timeout: 15_000 })
  await ownerContext.close()
  await memberContext.close()
})
