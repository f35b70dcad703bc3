/**
 * Every page at desktop and phone width, light and dark, with a real session in the account: the
 * assertion is about layout (nothing wider than the screen, every page reaches its content); the
 * screenshots land in test-results/screenshots for people to look at.
 */
import { expect, type Page, test } from '@playwright/test'
import { uniqueRollout } from './support/agent-log-files'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated } from './support/page-helpers'
import { uploadFromPage } from './support/timeline-page'

// Twelve pages per run, each hydrating and syncing its shapes, on a busy 2-core machine.
test.describe.configure({ timeout: 240_000 })

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const

/** A page, and what shows that it has its content (not a skeleton). */
interface PageVisit {
  name: string
  path: (sessionId: string) => string
  loaded: (page: Page) => ReturnType<Page['getByRole']>
}

const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { level: 1, name })

const PAGES: PageVisit[] = [
  { name: 'explorer', path: () => '/', loaded: (page) => page.getByTestId('explorer-session').first() },
  {
    name: 'timeline',
    path: (id) => `/sessions/${id}`,
    loaded: (page) => page.getByTestId('event-row').first(),
  },
  {
    name: 'timeline-event',
    path: (id) => `/sessions/${id}#12`,
    loaded: (page) => page.getByTestId('event-detail').first(),
  },
  { name: 'session-stats', path: (id) => `/sessions/${id}/stats`, loaded: heading(/./) },
  {
    name: 'search',
    path: () => '/search?q=paginate',
    loaded: (page) => page.getByTestId('search-result').first(),
  },
  { name: 'stats', path: () => '/stats', loaded: heading(/./) },
  { name: 'rules', path: () => '/rules', loaded: heading(/./) },
  { name: 'coach', path: (id) => `/coach?sessionId=${id}`, loaded: heading(/./) },
  { name: 'todos', path: () => '/todos', loaded: heading(/./) },
  { name: 'settings', path: () => '/settings', loaded: heading(/./) },
  { name: 'not-found', path: () => '/no-such-page', loaded: heading(/./) },
  { name: 'sign-in', path: () => `${E2E_URLS.passwordApp}/sign-in`, loaded: heading(/./) },
]

for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test.describe(`${viewportName}, ${colorScheme}`, () => {
      test.use({ viewport, colorScheme })

      test('every page fits the width without horizontal scrolling', async ({ page }) => {
        const sessionId = await uploadFromPage(page, uniqueRollout())
        for (const visit of PAGES) {
          const path = visit.path(sessionId)
          await gotoHydrated(page, path)
          await expect(visit.loaded(page)).toBeVisible({ timeout: 30_000 })
          await expect(page.locator('html')).toHaveClass(colorScheme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/)
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
          expect(overflow, `${path} overflows by ${overflow}px`).toBeLessThanOrEqual(0)
          await page.screenshot({
            path: `test-results/screenshots/${viewportName}-${colorScheme}-${visit.name}.png`,
            fullPage: true,
          })
        }
      })
    })
  }
}
