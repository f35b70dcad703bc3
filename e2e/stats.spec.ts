/**
 * Stats pages on a fresh account: empty state, a live update when a session is uploaded in
 * another tab, the session stats reached from the timeline, axe, and screenshots at 390 px.
 */
import { randomUUID } from 'node:crypto'
import { type BrowserContext, expect, type Page, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { uniqueRollout } from './support/agent-log-files'
import { expectNoAxeViolations } from './support/axe'
import { E2E_URLS } from './support/e2e-ports'
import { waitForHydration } from './support/page-helpers'
import { expectNoHorizontalScroll, screenshotInBothThemes, switchSystemTheme } from './support/themes'

/** The synthetic rollout's day; every timestamp in it starts with it. */
const FIXTURE_DAY = '2026-03-02'

function dayOffset(days: number) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
}

/** The synthetic rollout (104 events, one failed `pnpm test`) moved to `day`, in `repo`. */
function rolloutOn(day: string, repo = 'acme/acme-api') {
  const file = uniqueRollout({ id: randomUUID() })
  const text = file.buffer.toString('utf8').replaceAll(FIXTURE_DAY, day).replaceAll('acme/acme-api', repo)
  return { ...file, buffer: Buffer.from(text) }
}

async function upload(page: Page, files: ReturnType<typeof rolloutOn>[]) {
  await page.goto(`${E2E_URLS.passwordApp}/sessions`)
  await waitForHydration(page)
  await page.getByTestId('upload-file-input').setInputFiles(files)
  for (const file of files) {
    await expect(page.getByTestId('upload-item').filter({ hasText: file.name }).getByRole('status')).toContainText(
      /Stored: \d+ events/,
    )
  }
}

async function gotoStats(page: Page, path = '/stats') {
  await page.goto(`${E2E_URLS.passwordApp}${path}`)
  await waitForHydration(page)
}

async function freshAccount(context: BrowserContext) {
  await signUpDirectly(context, { name: 'Stats Reader' })
  return context.newPage()
}

test('stats start empty, follow an upload made in another tab, and open per session from the timeline', async ({
  browser,
}) => {
  test.setTimeout(240_000)
  const context = await browser.newContext({ timezoneId: 'UTC', colorScheme: 'light' })
  const statsPage = await freshAccount(context)
  await gotoStats(statsPage)
  await expect(statsPage.getByRole('heading', { name: 'No sessions yet' })).toBeVisible()
  await expect(statsPage.getByRole('link', { name: 'Upload a session' })).toHaveAttribute('href', '/sessions')
  await expectNoAxeViolations(statsPage)

  // Another tab uploads; the open stats page is never reloaded.
  const today = dayOffset(0)
  const uploadPage = await context.newPage()
  await upload(uploadPage, [rolloutOn(today)])

  await expect(statsPage.getByTestId('stat-sessions')).toHaveText('1')
  await expect(statsPage.getByTestId('stat-events')).toHaveText('104')
  await expect(statsPage.locator(`[data-day="${today}"]`)).toHaveAttribute('data-events', '104')
  await expect(statsPage.getByTestId('stat-active-days')).toHaveText('1')
  await expectNoAxeViolations(statsPage)

  // The same numbers as a table, for people who cannot see the chart.
  const activity = statsPage.getByTestId('activity')
  await activity.getByRole('button', { name: 'Table' }).click()
  await expect(activity.getByRole('button', { name: 'Table' })).toHaveAttribute('aria-pressed', 'true')
  await expect(activity.getByRole('table', { name: 'Active days' }).getByRole('row')).toHaveCount(2)
  await expect(activity.getByRole('table', { name: 'Active days' })).toContainText('104')
  const byRepository = statsPage.getByTestId('by-repository')
  await byRepository.getByRole('button', { name: 'Table' }).click()
  await expect(byRepository.getByRole('table')).toContainText('acme/acme-api')

  // From the session's timeline to its stats.
  await uploadPage.getByTestId('explorer-session').first().getByRole('link').first().click()
  const statsLink = uploadPage.getByTestId('session-header').getByRole('link', { name: 'Stats' })
  await expect(statsLink).toHaveAttribute('href', /^\/sessions\/[0-9a-f-]+\/stats$/)
  await gotoStats(uploadPage, (await statsLink.getAttribute('href')) ?? '')
  await expect(uploadPage.getByTestId('stat-events')).toHaveText('104')
  await expect(uploadPage.getByTestId('stat-failures')).toHaveText('1')
  await expect(uploadPage.getByTestId('stat-files')).toHaveText('1')
  const tools = uploadPage.getByTestId('tool-distribution')
  await tools.getByRole('button', { name: 'Table' }).click()
  await expect(tools.getByRole('row').filter({ hasText: 'exec_command' })).toBeVisible()
  const commands = uploadPage.getByTestId('command-distribution')
  await commands.getByRole('button', { name: 'Table' }).click()
  await expect(commands.getByRole('row').filter({ hasText: 'git push' })).toContainText('3')
  const failure = uploadPage.getByTestId('failures').getByRole('row').filter({ hasText: 'pnpm test -- billing' })
  await expect(failure).toBeVisible()
  await expect(uploadPage.getByTestId('files-touched')).toContainText('src/lib/retry.ts')
  await expectNoAxeViolations(uploadPage)

  // A failure opens its event in the timeline.
  await failure.getByRole('link').click()
  await expect(uploadPage).toHaveURL(/\/sessions\/[0-9a-f-]+#\d+$/)
  await context.close()
})

test('on a phone the activity calendar opens at the newest activity with its weekday labels in view', async ({
  browser,
}) => {
  test.setTimeout(180_000)
  const context = await browser.newContext({ timezoneId: 'UTC', viewport: { width: 390, height: 844 } })
  const page = await freshAccount(context)
  // Older than the weeks a phone shows at once: opening at the latest weeks would show no activity.
  const day = dayOffset(-250)
  await upload(page, [rolloutOn(day)])
  await gotoStats(page)
  const cell = page.locator(`[data-day="${day}"]`)
  await expect(cell).toHaveAttribute('data-events', '104')
  const calendar = page.getByRole('region', { name: 'Activity calendar' })
  const shown = async (target: typeof cell) => {
    const [box, view] = [await target.boundingBox(), await calendar.boundingBox()]
    return Boolean(box && view && box.x >= view.x && box.x + box.width <= view.x + view.width)
  }
  await expect.poll(() => shown(cell)).toBe(true)
  const monday = calendar.getByText('Mon', { exact: true })
  await expect.poll(() => shown(monday)).toBe(true)
  // Scrolled to the start and back, the labels stay while the weeks move under them.
  await calendar.evaluate((element) => {
    element.scrollLeft = element.scrollWidth
  })
  await expect.poll(() => shown(monday)).toBe(true)
  // One repository: the chart says it shows every one, not "the 12".
  await expect(page.getByTestId('by-repository')).toContainText('Every repository, all time.')
  await context.close()
})

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const

test('the stats pages fit 390 px and both themes (screenshots in test-results/screenshots)', async ({ browser }) => {
  test.setTimeout(300_000)
  const context = await browser.newContext({ timezoneId: 'UTC' })
  const page = await freshAccount(context)
  await upload(page, [
    rolloutOn(dayOffset(0)),
    rolloutOn(dayOffset(-2), 'acme/billing-service'),
    rolloutOn(dayOffset(-120), 'acme/web'),
  ])
  await page.getByTestId('explorer-session').first().getByRole('link').first().click()
  const sessionStatsPath =
    (await page.getByTestId('session-header').getByRole('link', { name: 'Stats' }).getAttribute('href')) ?? ''

  for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport)
    for (const [pageName, path] of [
      ['stats', '/stats'],
      ['session-stats', sessionStatsPath],
    ] as const) {
      await switchSystemTheme(page, 'light')
      await gotoStats(page, path)
      await expect(page.getByTestId('stat-events')).toBeVisible()
      await expect(page.getByTestId('stats-freshness')).toContainText('Updated')
      await expectNoHorizontalScroll(page, `${path} at ${viewportName}`)
      // The charts' colours are the part a theme changes: the dark one is scanned too.
      await switchSystemTheme(page, 'dark')
      await expectNoAxeViolations(page)
      await screenshotInBothThemes(page, (theme) => `test-results/screenshots/${viewportName}-${theme}-${pageName}.png`)
    }
  }
  await context.close()
})
