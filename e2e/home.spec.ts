import { expect, test } from '@playwright/test'
import { gotoHydrated, tabTo, waitForHydration } from './support/page-helpers'
import { readShapeRows } from './support/shape-reader'

test.use({ colorScheme: 'light' })

test('the home page shows the database status and a row count for every table, read from Postgres', async ({
  page,
}) => {
  const response = await gotoHydrated(page, '/')
  expect(response?.status()).toBe(200)

  // Local mode: the owner is the operator, so the server's internals are shown.
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible()
  await expect(page.getByTestId('wal-level')).toHaveText('logical')
  await expect(page.getByTestId('database-name')).toHaveText('session_coach_e2e')
  await expect(page.getByTestId('server-version')).toHaveText(/^\d+(\.\d+)?/)

  const counts = page.getByRole('table', { name: 'Number of rows in each table' })
  for (const table of ['sessions', 'timeline_events', 'chat_threads', 'chat_messages', 'misalignments', 'todos']) {
    await expect(counts.getByRole('rowheader', { name: table, exact: true })).toBeVisible()
  }
  // Real counts from count(*), not placeholders: they match what the owner's shapes hold (other
  // specs may have added todos; nothing creates sessions yet).
  const todoCount = (await readShapeRows(page.request, 'todos')).length
  await expect(page.getByTestId('row-count-todos')).toHaveText(String(todoCount))
  await expect(page.getByTestId('row-count-sessions')).toHaveText('0')
  await expect(page.getByText(/tables are missing/)).toHaveCount(0)
})

test('the page is server-rendered: the counts are in the HTML before any script runs', async ({ request }) => {
  const html = await (await request.get('/', { headers: { accept: 'text/html' } })).text()
  expect(html).toContain('data-testid="wal-level">logical<')
  expect(html).toContain('data-testid="row-count-sessions">0<')
  expect(html).toMatch(/data-testid="row-count-todos">\d+</)
})

test('/api/health reports the status of each dependency and nothing about the server', async ({ request }) => {
  const response = await request.get('/api/health')
  expect(response.status()).toBe(200)
  expect(response.headers()['cache-control']).toBe('no-store')
  const body = await response.json()
  expect(body).toEqual({
    status: 'ok',
    database: { status: 'ok', latencyMs: expect.any(Number) },
    sync: { status: 'ok', latencyMs: expect.any(Number) },
  })
})

test('the skip link and the navigation work with the keyboard alone', async ({ page }) => {
  await gotoHydrated(page, '/')

  await page.keyboard.press('Tab')
  const skipLink = page.getByRole('link', { name: 'Skip to content' })
  await expect(skipLink).toBeFocused()
  await expect(skipLink).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.locator('#main-content')).toBeFocused()

  const navigation = page.getByRole('navigation', { name: 'Main' })
  const sessionsLink = navigation.getByRole('link', { name: 'Sessions' })
  await tabTo(page, sessionsLink)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/sessions$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()
  await expect(sessionsLink).toHaveAttribute('aria-current', 'page')
  await expect(navigation.getByRole('link', { name: 'Overview' })).not.toHaveAttribute('aria-current', 'page')

  for (const [name, path] of [
    ['Coach', '/coach'],
    ['Rules', '/rules'],
    ['Todos', '/todos'],
    ['Settings', '/settings'],
  ] as const) {
    const link = navigation.getByRole('link', { name })
    await tabTo(page, link)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`${path}$`))
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  }
})

test('the theme chosen in the menu survives a reload, without a light flash', async ({ page }) => {
  await gotoHydrated(page, '/')
  const html = page.locator('html')
  await expect(html).not.toHaveClass(/\bdark\b/)

  const themeButton = page.getByRole('button', { name: 'Theme: System' })
  await themeButton.focus()
  await page.keyboard.press('Enter')
  await page.getByRole('menuitemradio', { name: 'Dark' }).click()
  await expect(html).toHaveClass(/\bdark\b/)
  await expect(page.getByRole('button', { name: 'Theme: Dark' })).toBeVisible()

  await page.reload({ waitUntil: 'domcontentloaded' })
  // The inline boot script applied the class before React loaded.
  await expect(html).toHaveClass(/\bdark\b/)
  await waitForHydration(page)
  await expect(page.getByRole('button', { name: 'Theme: Dark' })).toBeVisible()

  await gotoHydrated(page, '/settings')
  await expect(page.getByRole('radio', { name: /Dark/ })).toBeChecked()
  await page.getByRole('radio', { name: /Light/ }).click()
  await expect(html).not.toHaveClass(/\bdark\b/)
  await page.reload()
  await waitForHydration(page)
  await expect(html).not.toHaveClass(/\bdark\b/)
  await expect(page.getByRole('button', { name: 'Theme: Light' })).toBeVisible()
})

test('an unknown address shows the not-found page inside the shell', async ({ page }) => {
  const response = await gotoHydrated(page, '/no-such-page')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
  await page.getByRole('link', { name: 'Back to the overview' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible()
})

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('the navigation collapses into a drawer that closes after choosing a page', async ({ page }) => {
    await gotoHydrated(page, '/')
    const sidebarNavigation = page.getByRole('navigation', { name: 'Main' })
    await expect(sidebarNavigation).toBeHidden()

    await page.getByRole('button', { name: 'Open navigation' }).click()
    const drawer = page.getByRole('dialog')
    await expect(drawer).toBeVisible()
    await drawer.getByRole('link', { name: 'Todos' }).click()
    await expect(drawer).toBeHidden()
    await expect(page).toHaveURL(/\/todos$/)
    await expect(page.getByRole('heading', { level: 1, name: 'Todos' })).toBeVisible()

    await page.getByRole('button', { name: 'Open navigation' }).click()
    await page.keyboard.press('Escape')
    await expect(page.getByRole('dialog')).toBeHidden()
    await expect(page.getByRole('button', { name: 'Open navigation' })).toBeFocused()
  })
})
