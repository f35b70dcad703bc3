import { expect, type Page, test } from '@playwright/test'
import { uniqueRollout } from './support/agent-log-files'
import { expectNoAxeViolations } from './support/axe'
import { findInExplorer, uploadThroughExplorer } from './support/explorer-page'
import { gotoHydrated } from './support/page-helpers'
import { openTimeline, uploadFromPage } from './support/timeline-page'

/**
 * Uploads a fresh copy of the synthetic rollout and opens its timeline from the session explorer,
 * the way a person does (the first test's subject).
 */
async function uploadAndOpenTimeline(page: Page, file = uniqueRollout()) {
  await uploadThroughExplorer(page, file)
  const row = await findInExplorer(page, file.name)
  await row.getByRole('link', { name: 'Why is CI red on main?', exact: true }).click()
  await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('session-header')).toContainText('Why is CI red on main?')
  return file
}

const rows = (page: Page) => page.getByTestId('event-row')

/** The same session through the upload API, its timeline opened by URL: for tests of the timeline itself. */
async function uploadAndOpenByUrl(page: Page, file = uniqueRollout()) {
  const sessionId = await uploadFromPage(page, file)
  await openTimeline(page, `/sessions/${sessionId}`)
  await expect(page.getByTestId('session-header')).toContainText('Why is CI red on main?')
  return file
}

// Upload, parse and open through the explorer: tens of seconds on a machine shared with other suites.
test.describe.configure({ timeout: 90_000 })

test('an uploaded session opens as a timeline with its events, a selectable event and a deep link', async ({
  page,
}) => {
  const timelineRequests: URL[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname === '/api/shape' && url.searchParams.get('shape') === 'timeline_events') timelineRequests.push(url)
  })
  await uploadAndOpenTimeline(page)
  const header = page.getByTestId('session-header')
  await expect(header).toContainText('Codex')
  await expect(header).toContainText('acme-api · feature/billing')
  await expect(header).toContainText('gpt-5.1-codex')

  // Real content from the log: the first prompt and the first command.
  await expect(rows(page).filter({ hasText: 'Why is CI red on main?' }).first()).toBeVisible()
  const command = rows(page).filter({ hasText: 'rg -n "paginate" src' }).first()
  await expect(command).toBeVisible()
  await expect(command).toContainText('exit 0')

  // On-demand sync: the shape stream carries changes only, and the rows come in limited pages.
  expect(timelineRequests.length).toBeGreaterThan(0)
  for (const url of timelineRequests) expect(url.searchParams.get('log')).toBe('changes_only')
  expect(timelineRequests.some((url) => url.searchParams.get('subset__limit') === '201')).toBe(true)

  await command.click()
  const ordinal = Number(await command.getAttribute('data-ordinal'))
  await expect(page).toHaveURL(new RegExp(`#${ordinal + 1}$`))
  const detail = page.getByTestId('event-detail')
  await expect(detail.getByRole('heading', { level: 2 })).toContainText(`#${ordinal + 1}`)
  await expect(detail).toContainText('src/routes/invoices.ts:42')

  // A reload (or a shared link) opens the same event.
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true')
  await expect(page.getByTestId('event-detail').getByRole('heading', { level: 2 })).toContainText(`#${ordinal + 1}`)
  await expect(rows(page).and(page.locator(`[data-ordinal="${ordinal}"]`))).toHaveAttribute('aria-current', 'true')

  // The keyboard moves the selection: j to the next event, k back.
  await rows(page)
    .and(page.locator(`[data-ordinal="${ordinal}"]`))
    .focus()
  await page.keyboard.press('j')
  await expect(page).toHaveURL(new RegExp(`#${ordinal + 2}$`))
  await expect(page.locator(`[data-ordinal="${ordinal + 1}"]`)).toBeFocused()
  await page.keyboard.press('k')
  await expect(page).toHaveURL(new RegExp(`#${ordinal + 1}$`))
})

test('the tools filter and the order are in the URL, and the page has no axe violations', async ({ page }) => {
  await uploadAndOpenByUrl(page)
  await expect(rows(page).first()).toBeVisible()

  await page.getByRole('navigation', { name: 'Event filter' }).getByRole('link', { name: 'Tools' }).click()
  await expect(page).toHaveURL(/filter=tools/)
  await expect(rows(page).filter({ hasText: 'Why is CI red on main?' })).toHaveCount(0)
  await expect(rows(page).filter({ hasText: 'rg -n "paginate" src' }).first()).toBeVisible()
  const types = await rows(page).evaluateAll((elements) => elements.map((element) => element.dataset.type))
  expect(types.length).toBeGreaterThan(0)
  for (const type of types)
    expect(['FunctionCall', 'LocalShellCall', 'WebSearchCall', 'CustomToolCall']).toContain(type)

  // Newest first: the first row has the highest number.
  const oldestFirst = Number(await rows(page).first().getAttribute('data-ordinal'))
  await page.getByRole('link', { name: /Oldest first/ }).click()
  await expect(page).toHaveURL(/order=newest/)
  await expect
    .poll(async () => Number(await rows(page).first().getAttribute('data-ordinal')))
    .toBeGreaterThan(oldestFirst)

  await rows(page).first().click()
  await expect(page.getByTestId('event-detail')).toBeVisible()
  await expectNoAxeViolations(page)

  await page.screenshot({ path: 'test-results/timeline-desktop.png', fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: 'test-results/timeline-mobile.png', fullPage: true })
})

/** Whether the point at the middle of `element` hits the element itself, i.e. nothing covers it. */
function isUncovered(element: Element) {
  const box = element.getBoundingClientRect()
  const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)
  return hit !== null && element.contains(hit)
}

test('at 390 px the header keeps the coach toggle with Share, both on screen and uncovered', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await uploadAndOpenByUrl(page)
  const heading = page.getByRole('heading', { level: 1 })
  const actions = page.getByTestId('session-actions')
  const share = actions.getByRole('button', { name: 'Share' })
  // The toggle is one of the header's actions, not a row of its own above the title.
  const toggle = actions.getByRole('button', { name: 'Show coach' })
  await expect(toggle).toHaveAttribute('aria-pressed', 'false')
  for (const control of [share, toggle]) {
    await expect(control).toBeInViewport({ ratio: 1 })
    expect(await control.evaluate(isUncovered)).toBe(true)
  }
  const headingBox = await heading.boundingBox()
  const toggleBox = await toggle.boundingBox()
  expect(headingBox && toggleBox && toggleBox.y >= headingBox.y + headingBox.height).toBe(true)

  // The event drawer covers the page only while it is open; closed, Share is reachable again.
  await rows(page).first().click()
  await expect(page.getByTestId('event-detail')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('event-detail')).toHaveCount(0)
  expect(await share.evaluate(isUncovered)).toBe(true)
  await page.screenshot({ path: 'test-results/screenshots/timeline-header-390.png' })
  await share.click()
  await expect(page.getByRole('dialog', { name: /^Share/ })).toBeVisible()
})

test('an unknown or foreign session gets a friendly message, not an error page', async ({ page }) => {
  await gotoHydrated(page, '/sessions/00000000-0000-4000-8000-000000000000')
  await expect(page.getByRole('heading', { name: 'Session not found' })).toBeVisible()
  // Nothing offers to work on a session that is not there: no coach to open beside it.
  await expect(page.getByRole('button', { name: 'Show coach' })).toHaveCount(0)
  await gotoHydrated(page, '/sessions/not-a-session')
  await expect(page.getByRole('heading', { name: 'Session not found' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Show coach' })).toHaveCount(0)
})

test('an open timeline shows the events of a session that grows, without a reload', async ({ page, context }) => {
  // The start of a log, then the whole log under the same agent session id: one session that grows.
  const start = uniqueRollout({ firstLines: 20 })
  await uploadAndOpenByUrl(page, start)
  await page.getByRole('link', { name: /Oldest first/ }).click()
  await expect(page).toHaveURL(/order=newest/)
  await expect(rows(page).filter({ hasText: 'rg -n "paginate" src' }).first()).toBeVisible()
  await expect(rows(page).filter({ hasText: 'pnpm test -- billing' })).toHaveCount(0)
  const timelineUrl = page.url()

  const uploader = await context.newPage()
  const whole = uniqueRollout({ id: start.id })
  await uploadFromPage(uploader, whole)

  // Same page, never reloaded: the later events arrive through the shape.
  expect(page.url()).toBe(timelineUrl)
  await expect(rows(page).filter({ hasText: 'pnpm test -- billing' }).first()).toBeVisible()
  await expect(page.getByTestId('session-header')).toContainText('104, 1 unreadable')
})
