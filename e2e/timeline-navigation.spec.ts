/**
 * The timeline past its first screen: filters, ranges and deep links in the URL, in-session search,
 * the event detail's copy/coach actions and diffs, keys,
 * and the small-screen drawer. Real fixture: the synthetic Codex rollout, uploaded per test.
 */
import { expect, type Page, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { uniqueRollout } from './support/agent-log-files'
import { expectNoAxeViolations } from './support/axe'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated } from './support/page-helpers'
import { eventRows, openTimeline, rowShownInList, uploadFromPage } from './support/timeline-page'

// Each test uploads a session and walks several pages of the UI: more than the default budget on a
// busy 2-core machine.
test.describe.configure({ timeout: 90_000 })

const rowAt = (page: Page, ordinal: number) => eventRows(page).and(page.locator(`[data-ordinal="${ordinal}"]`))

test('filters and an event range live in the URL and narrow the list', async ({ page }) => {
  const sessionId = await uploadFromPage(page, uniqueRollout())
  await openTimeline(page, `/sessions/${sessionId}`)

  await page.getByText('More filters').click()
  await page.getByLabel('Command family').selectOption('git')
  await expect(page).toHaveURL(/family=git/)
  await expect(eventRows(page).first()).toContainText('git')
  const commands = await eventRows(page).evaluateAll((rows) => rows.map((row) => row.textContent ?? ''))
  expect(commands.length).toBeGreaterThan(1)
  for (const text of commands) expect(text).toMatch(/\$ git /)

  await page.getByLabel('Command family').selectOption('remove')
  await expect(page).toHaveURL(/family=remove/)
  await expect(eventRows(page)).toHaveCount(1)
  await expect(eventRows(page).first()).toContainText('rm -rf dist node_modules/.cache')

  await page.getByRole('link', { name: 'Clear filters' }).click()
  await expect(page).not.toHaveURL(/family=/)

  await page.getByLabel('Role').selectOption('user')
  await expect(page).toHaveURL(/role=user/)
  const roles = await eventRows(page).evaluateAll((rows) => rows.map((row) => row.textContent ?? ''))
  for (const text of roles) expect(text).toContain('user')

  // A range with a selected event, typed as a link: only #10–#20, #15 selected and shown.
  await openTimeline(page, `/sessions/${sessionId}?from=10&to=20#15`)
  await expect(page.getByTestId('event-detail').getByRole('heading', { level: 2 })).toContainText('#15')
  await expect(rowAt(page, 14)).toHaveAttribute('aria-current', 'true')
  const ordinals = await eventRows(page).evaluateAll((rows) => rows.map((row) => Number(row.dataset.ordinal)))
  expect(Math.min(...ordinals)).toBe(9)
  expect(Math.max(...ordinals)).toBe(19)
  await expect(page.getByLabel('From #')).toHaveValue('10')

  // Newest first keeps the range.
  await page.getByRole('link', { name: /Oldest first/ }).click()
  await expect(page).toHaveURL(/order=newest/)
  await expect(eventRows(page).first()).toHaveAttribute('data-ordinal', '19')
  await expectNoAxeViolations(page)
})

test('a deep link far into a session loads the events around it, not every page before it', async ({ page }) => {
  const sessionId = await uploadFromPage(page, uniqueRollout())
  const subsets: { where: string | null; params: string | null }[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname === '/api/shape' && url.searchParams.get('shape') === 'timeline_events')
      subsets.push({ where: url.searchParams.get('subset__where'), params: url.searchParams.get('subset__params') })
  })
  await openTimeline(page, `/sessions/${sessionId}#95`)
  await expect(rowAt(page, 94)).toHaveAttribute('aria-current', 'true')
  await expect.poll(() => rowShownInList(page, 94)).toBe(true)
  await expect(page.getByText('Showing the events around #95')).toBeVisible()
  // The list's first page starts at the linked event (ordinal 94), the earlier ones come from it backwards.
  expect(subsets).toContainEqual({ where: '"ordinal" >= $1', params: JSON.stringify({ 1: '94' }) })
  expect(subsets).toContainEqual({ where: '"ordinal" < $1', params: JSON.stringify({ 1: '94' }) })

  // Scrolling up reaches the start of the session.
  await page.getByTestId('timeline-scroll').evaluate((element) => {
    element.scrollTop = 0
  })
  await expect(rowAt(page, 0)).toBeVisible()
  await page.getByRole('button', { name: 'Go to the first event' }).click()
  await expect(page.getByText('Showing the events around')).toHaveCount(0)
})

test('in-session search finds matches on the server and steps through them', async ({ page }) => {
  const sessionId = await uploadFromPage(page, uniqueRollout())
  await openTimeline(page, `/sessions/${sessionId}`)

  await page.getByLabel('Find in this session').fill('git push')
  await expect(page).toHaveURL(/q=git(\+|%20)push/)
  const status = page.getByTestId('timeline-find-status')
  await expect(status).toHaveText(/^\d+ matches$/)
  const total = Number((await status.textContent())?.match(/\d+/)?.[0])
  expect(total).toBeGreaterThan(1)

  await page.getByRole('button', { name: 'Next match' }).click()
  await expect(status).toHaveText(`1 of ${total} matches`)
  const first = Number(/#(\d+)$/.exec(page.url())?.[1])
  await expect(rowAt(page, first - 1)).toHaveAttribute('data-match', 'true')
  await expect(
    rowAt(page, first - 1)
      .locator('mark')
      .first(),
  ).toHaveText('git push')

  // Enter in the box moves on, Shift+Enter comes back.
  await page.getByLabel('Find in this session').press('Enter')
  await expect(status).toHaveText(`2 of ${total} matches`)
  const second = Number(/#(\d+)$/.exec(page.url())?.[1])
  expect(second).toBeGreaterThan(first)
  await expect(page.getByTestId('event-detail')).toContainText('git push')
  await page.getByLabel('Find in this session').press('Shift+Enter')
  await expect(status).toHaveText(`1 of ${total} matches`)
  await expect(page).toHaveURL(new RegExp(`#${first}$`))

  // The search is part of the link.
  await page.reload()
  await expect(page.getByLabel('Find in this session')).toHaveValue('git push')
  await expect(status).toHaveText(`1 of ${total} matches`)

  await page.getByLabel('Find in this session').fill('no such text anywhere')
  await expect(status).toHaveText('No matches')
})

test('the event detail copies the event as JSON, shows patches as diffs and adds the event to the coach', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const sessionId = await uploadFromPage(page, uniqueRollout())
  await openTimeline(page, `/sessions/${sessionId}?filter=files`)
  const patch = eventRows(page).first()
  const ordinal = Number(await patch.getAttribute('data-ordinal'))
  await patch.click()
  const detail = page.getByTestId('event-detail')
  await expect(detail.getByRole('heading', { level: 2 })).toContainText(`#${ordinal + 1} · File change`)
  const diff = detail.getByTestId('diff-block').first()
  await expect(diff.locator('[data-diff="add"]').first()).toBeVisible()
  await expect(diff.locator('[data-diff="header"]').first()).toContainText('*** ')

  await detail.getByRole('button', { name: 'Copy JSON' }).click()
  await expect(detail.getByRole('button', { name: 'Copied' })).toBeVisible()
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))
  expect(copied).toMatchObject({ number: ordinal + 1, ordinal, sessionId, type: 'FileChange' })
  expect(copied.payload.diff).toContain('*** Begin Patch')
  expect(copied).not.toHaveProperty('accountId')

  // Escape closes the detail.
  await page.keyboard.press('Escape')
  await expect(detail).toHaveCount(0)
  await expect(page).not.toHaveURL(/#\d+$/)

  await patch.click()
  await detail.getByRole('button', { name: 'Add to coach' }).click()
  await expect(page).toHaveURL(new RegExp(`/coach\\?sessionId=${sessionId}`))
})

test('keys move between sessions, and on a phone the detail is a drawer', async ({ page }) => {
  // A fresh account: its neighbours are exactly these two sessions, whatever other specs upload
  // to the local owner meanwhile.
  await signUpDirectly(page.context())
  // Uploads go to the app the page is on: the password-mode one, where this account lives.
  await gotoHydrated(page, `${E2E_URLS.passwordApp}/`)
  const older = await uploadFromPage(page, uniqueRollout())
  const newer = await uploadFromPage(page, uniqueRollout())
  expect(newer).not.toBe(older)
  await openTimeline(page, `${E2E_URLS.passwordApp}/sessions/${newer}`)
  // Both start at the same time; the explorer's order puts the later upload first.
  await page.keyboard.press(']')
  await expect(page).toHaveURL(new RegExp(`/sessions/${older}`))
  await page.keyboard.press('[')
  await expect(page).toHaveURL(new RegExp(`/sessions/${newer}`))

  await page.setViewportSize({ width: 390, height: 844 })
  await eventRows(page).filter({ hasText: 'rg -n "paginate" src' }).first().click()
  const drawer = page.getByRole('dialog')
  await expect(drawer.getByRole('heading', { level: 2 })).toContainText('Shell')
  await expectNoAxeViolations(page, '[role="dialog"]')
  await page.screenshot({ path: 'test-results/timeline-detail-mobile.png' })
  await page.keyboard.press('Escape')
  await expect(drawer).toHaveCount(0)
  await expect(page).not.toHaveURL(/#\d+$/)
  await page.getByText('More filters').click()
  await expectNoAxeViolations(page)
  await page.screenshot({ path: 'test-results/timeline-filters-mobile.png', fullPage: true })
})
