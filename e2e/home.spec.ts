import { expect, test } from '@playwright/test'
import { gotoHydrated, tabTo, waitForHydration } from './support/page-helpers'

test.use({ colorScheme: 'light' })
// The keyboard walk visits every page; on a busy machine each load takes seconds.
test.describe.configure({ timeout: 60_000 })

test('the home page is the session explorer, and the old /sessions address leads there', async ({ page }) => {
  const response = await gotoHydrated(page, '/')
  expect(response?.status()).toBe(200)
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Upload logs' })).toBeVisible()
  await expect(page.getByTestId('database-name')).toHaveCount(0)

  await gotoHydrated(page, '/sessions')
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()
})

test('Settings → System is server-rendered: the counts are in the HTML before any script runs', async ({ request }) => {
  const html = await (await request.get('/settings', { headers: { accept: 'text/html' } })).text()
  expect(html).toContain('data-testid="wal-level">logical<')
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
  await expect(sessionsLink).toHaveAttribute('aria-current', 'page')

  for (const [name, path] of [
    ['Coach', '/coach'],
    ['Rules', '/rules'],
    ['Todos', '/todos'],
    ['Settings', '/settings'],
  ] as const) {
    const link = navigation.getByRole('link', { name })
    // From the main content the navigation is behind (the explorer's rows are many); then forward.
    await tabTo(page, link, { backwards: name === 'Coach' })
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`${path}$`))
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
    await expect(link).toHaveAttribute('aria-current', 'page')
    await expect(sessionsLink).not.toHaveAttribute('aria-current', 'page')
  }

  await tabTo(page, sessionsLink, { backwards: true })
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()
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
  await page.getByRole('link', { name: 'Back to your sessions' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()
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
