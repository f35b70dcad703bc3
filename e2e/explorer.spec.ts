import { expect, type Page, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { uniqueRollout } from './support/agent-log-files'
import { expectNoAxeViolations } from './support/axe'
import { E2E_URLS } from './support/e2e-ports'
import { findInExplorer, uploadThroughExplorer } from './support/explorer-page'
import { gotoHydrated, waitForHydration } from './support/page-helpers'

test.use({ colorScheme: 'light' })
// Each test uploads and reloads on a machine shared with other suites.
test.describe.configure({ timeout: 90_000 })

const TITLE = 'Why is CI red on main?'

async function openActions(page: Page, row: ReturnType<Page['getByTestId']>) {
  await row.getByRole('button', { name: /^Actions for/ }).click()
  return page.getByRole('menu')
}

test('an uploaded log appears grouped under its repo and branch; a /regex/ search highlights what it matched', async ({
  page,
}) => {
  const file = uniqueRollout()
  await uploadThroughExplorer(page, file)

  const row = await findInExplorer(page, file.id)
  await expect(row.getByRole('link', { name: TITLE, exact: true })).toBeVisible()
  // The agent's own session id matched: it is shown, highlighted.
  await expect(row.locator('mark').first()).toHaveText(file.id)
  const list = page.getByRole('region', { name: 'Sessions by repository and branch' })
  await expect(list.getByRole('heading', { level: 2, name: 'acme/acme-api' })).toBeVisible()
  await expect(list.getByRole('heading', { level: 3, name: /feature\/billing/ })).toBeVisible()
  await expect(row).toContainText('gpt-5.1-codex')
  await expect(row).toContainText(/\d+ events · [\d.,K]+ tokens · \d+ KB/)

  // Regex and literal tokens together (AND); each match is marked where it was found.
  await page.getByRole('searchbox', { name: 'Search sessions' }).fill(`/^why\\s+is\\s+ci/ ${file.id} /billing$/`)
  await expect(page.getByTestId('explorer-session')).toHaveCount(1)
  await expect(row.getByRole('link', { name: TITLE, exact: true }).locator('mark')).toHaveText('Why is CI')
  await expect(list.getByRole('heading', { level: 3 }).locator('mark')).toHaveText('billing')

  // A broken pattern says so instead of silently matching nothing.
  await page.getByRole('searchbox', { name: 'Search sessions' }).fill(`/[/ ${file.id}`)
  await expect(page.getByText(/is not a valid regular expression/)).toBeVisible()
  await expect(page.getByTestId('explorer-session')).toHaveCount(1)

  await page.getByRole('searchbox', { name: 'Search sessions' }).fill(`${file.id} no-such-word`)
  await expect(page.getByRole('heading', { name: 'No sessions match' })).toBeVisible()
  await page.getByRole('button', { name: 'Clear search' }).click()
  await expect(page.getByRole('searchbox', { name: 'Search sessions' })).toHaveValue('')
})

test('rename, archive and delete a session through the explorer', async ({ page }) => {
  // Another session, so the account is not empty once the one under test is deleted (run alone,
  // this test would otherwise end on the explorer's first-run page, which has no search box).
  const keeper = uniqueRollout()
  await uploadThroughExplorer(page, keeper)
  await findInExplorer(page, keeper.name)
  const file = uniqueRollout()
  await uploadThroughExplorer(page, file)
  let row = await findInExplorer(page, file.name)

  // Rename: the new title shows at once and is what the server has after a reload.
  await (await openActions(page, row)).getByRole('menuitem', { name: 'Rename…' }).click()
  const renameDialog = page.getByRole('dialog', { name: 'Rename session' })
  await renameDialog.getByLabel('Title').fill('   ')
  await renameDialog.getByRole('button', { name: 'Save' }).click()
  await expect(renameDialog.getByText('Enter a title.')).toBeVisible()
  await renameDialog.getByLabel('Title').fill('Billing CI investigation')
  await renameDialog.getByRole('button', { name: 'Save' }).click()
  await expect(renameDialog).toBeHidden()
  await expect(row.getByRole('link', { name: 'Billing CI investigation' })).toBeVisible()
  await page.reload()
  await waitForHydration(page)
  row = await findInExplorer(page, file.name)
  await expect(row.getByRole('link', { name: 'Billing CI investigation' })).toBeVisible()

  // Archive: hidden by default, back with "Show archived", and unarchived from its menu.
  await (await openActions(page, row)).getByRole('menuitem', { name: 'Archive' }).click()
  await expect(page.getByTestId('explorer-session')).toHaveCount(0)
  await expect(page.getByText('Archived “Billing CI investigation”', { exact: true })).toBeVisible()
  await page.getByRole('checkbox', { name: 'Show archived' }).check()
  await expect(row).toBeVisible()
  await expect(row.getByText('Archived', { exact: true })).toBeVisible()
  await (await openActions(page, row)).getByRole('menuitem', { name: 'Unarchive' }).click()
  await expect(row.getByText('Archived', { exact: true })).toHaveCount(0)
  await page.getByRole('checkbox', { name: 'Show archived' }).uncheck()
  await expect(row).toBeVisible()

  // Delete: a confirmation first (Cancel keeps it), then the session and its raw log are gone.
  const sessionId = await row.getAttribute('data-session-id')
  await (await openActions(page, row)).getByRole('menuitem', { name: 'Delete…' }).click()
  const deleteDialog = page.getByRole('dialog', { name: 'Delete this session?' })
  await expect(deleteDialog).toContainText('Billing CI investigation')
  await expect(deleteDialog).toContainText(/\d+ events/)
  await deleteDialog.getByRole('button', { name: 'Cancel', exact: true }).click()
  await expect(deleteDialog).toBeHidden()
  await expect(row).toBeVisible()

  await (await openActions(page, row)).getByRole('menuitem', { name: 'Delete…' }).click()
  await deleteDialog.getByRole('button', { name: 'Delete session' }).click()
  await expect(page.getByTestId('explorer-session')).toHaveCount(0)
  // The row leaves at once (optimistic); the server's delete may still be committing.
  await expect.poll(async () => (await page.request.get(`/api/sessions/${sessionId}/raw`)).status()).toBe(404)
  await page.reload()
  await waitForHydration(page)
  // Gone for good, while the account's other session stays.
  await page.getByRole('searchbox', { name: 'Search sessions' }).fill(file.name)
  await expect(page.getByRole('heading', { name: 'No sessions match' })).toBeVisible()
  await page.getByRole('searchbox', { name: 'Search sessions' }).fill(keeper.name)
  await expect(page.getByTestId('explorer-session')).toHaveCount(1)
})

test('[ and ] move between sessions, Enter opens the selected one; sort and filters are remembered', async ({
  page,
}) => {
  const first = uniqueRollout()
  const second = uniqueRollout()
  await uploadThroughExplorer(page, first)
  await uploadThroughExplorer(page, second)
  const search = page.getByRole('searchbox', { name: 'Search sessions' })
  await search.fill(`/${first.id}|${second.id}/`)
  await expect(page.getByTestId('explorer-session')).toHaveCount(2)

  // Sort and filters are a preference of this browser: they survive a reload.
  await page.getByLabel('Sort').selectOption({ label: 'Largest first' })
  await page.getByLabel('Agent').selectOption({ label: 'Gemini CLI' })
  await page.reload()
  await waitForHydration(page)
  await expect(page.getByLabel('Sort')).toHaveValue('size-desc')
  await expect(page.getByLabel('Agent')).toHaveValue('gemini-cli')
  await page.getByRole('button', { name: 'Clear filters' }).first().click()
  await expect(page.getByLabel('Agent')).toHaveValue('all')
  await page.getByLabel('Sort').selectOption({ label: 'Newest first' })
  await search.fill(`/${first.id}|${second.id}/`)
  await expect(page.getByTestId('explorer-session')).toHaveCount(2)

  await page.getByRole('heading', { level: 1, name: 'Sessions' }).click()
  await page.keyboard.press(']')
  const rows = page.getByTestId('explorer-session')
  await expect(rows.nth(0)).toHaveAttribute('data-selected', 'true')
  await expect(rows.nth(0).getByRole('link', { name: TITLE })).toBeFocused()
  await page.keyboard.press(']')
  await expect(rows.nth(1)).toHaveAttribute('data-selected', 'true')
  await page.keyboard.press('[')
  await expect(rows.nth(0)).toHaveAttribute('data-selected', 'true')
  const firstId = await rows.nth(0).getAttribute('data-session-id')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(new RegExp(`/sessions/${firstId}$`))
})

test('the explorer and settings pages have no axe violations; screenshots at desktop and phone width', async ({
  page,
}) => {
  // Seven axe scans on a shared two-core machine.
  test.setTimeout(150_000)
  const file = uniqueRollout()
  await uploadThroughExplorer(page, file)
  await gotoHydrated(page, '/')
  await expect(page.getByTestId('explorer-session').first()).toBeVisible()
  await expectNoAxeViolations(page)
  await page.screenshot({ path: 'test-results/screenshots/explorer-desktop.png' })

  await page.getByRole('searchbox', { name: 'Search sessions' }).fill('/ci\\s+red/ acme')
  await expect(page.locator('mark').first()).toBeVisible()
  await expectNoAxeViolations(page)
  await page.screenshot({ path: 'test-results/screenshots/explorer-search-desktop.png' })

  const row = await findInExplorer(page, file.name)
  await row.getByRole('button', { name: /^Actions for/ }).click()
  await page.screenshot({ path: 'test-results/screenshots/explorer-menu-desktop.png' })
  await page.getByRole('menuitem', { name: 'Delete…' }).click()
  await expectNoAxeViolations(page)
  await page.screenshot({ path: 'test-results/screenshots/explorer-delete-desktop.png' })
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel', exact: true }).click()

  await gotoHydrated(page, '/settings')
  await expect(page.getByRole('heading', { level: 2, name: /^System/ })).toBeVisible()
  await expectNoAxeViolations(page)
  await page.screenshot({ path: 'test-results/screenshots/settings-system-desktop.png', fullPage: true })

  await page.setViewportSize({ width: 390, height: 844 })
  for (const [name, path] of [
    ['explorer', '/'],
    ['settings', '/settings'],
  ] as const) {
    await gotoHydrated(page, path)
    if (name === 'explorer') await expect(page.getByTestId('explorer-session').first()).toBeVisible()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, `${path} overflows by ${overflow}px at 390 px`).toBeLessThanOrEqual(0)
    await expectNoAxeViolations(page)
    await page.screenshot({ path: `test-results/screenshots/${name}-phone.png` })
  }
})

test('Settings → System is for operators only: the local owner sees it, a signed-up user neither sees nor gets it', async ({
  page,
  browser,
}) => {
  // Local mode: the owner is the operator. The System section's loader call answers with `checkedAt`.
  const systemCall = page.waitForResponse(
    async (response) =>
      response.request().method() === 'GET' &&
      response.url().includes('/_serverFn/') &&
      (await response.text()).includes('checkedAt'),
  )
  await gotoHydrated(page, '/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  const call = (await systemCall).request()
  const system = page.getByRole('region', { name: /^System/ })
  await expect(system).toBeVisible()
  await expect(system.getByTestId('wal-level')).toHaveText('logical')
  await expect(system.getByTestId('database-name')).toHaveText('session_coach_e2e')
  await expect(system.getByRole('table', { name: 'Rows in each table across all accounts' })).toBeVisible()

  // A password-mode user who is no operator: no section, and the same call is refused.
  const context = await browser.newContext()
  await signUpDirectly(context)
  const userPage = await context.newPage()
  await gotoHydrated(userPage, `${E2E_URLS.passwordApp}/settings`)
  await expect(userPage.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expect(userPage.getByRole('region', { name: /^System/ })).toHaveCount(0)
  const path = new URL(call.url())
  const refused = await userPage.request.get(`${E2E_URLS.passwordApp}${path.pathname}${path.search}`, {
    headers: { 'x-tsr-serverfn': 'true' },
  })
  expect(refused.status()).toBe(403)
  const body = await refused.text()
  expect(body).toMatch(/Only operators/)
  expect(body).not.toMatch(/serverVersion|walLevel|databaseName/)
  await context.close()
})
