import { expect, test } from '@playwright/test'
import { gotoHydrated } from './support/page-helpers'

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const
const PAGES = { home: '/', settings: '/settings', 'not-found': '/no-such-page' } as const

// Screenshots land in test-results/screenshots for people to look at; the assertion is about layout.
for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test.describe(`${viewportName}, ${colorScheme}`, () => {
      test.use({ viewport, colorScheme })

      test('every page fits the width without horizontal scrolling', async ({ page }) => {
        for (const [pageName, path] of Object.entries(PAGES)) {
          await gotoHydrated(page, path)
          await expect(page.locator('html')).toHaveClass(colorScheme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/)
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
          expect(overflow, `${path} overflows by ${overflow}px`).toBeLessThanOrEqual(0)
          await page.screenshot({
            path: `test-results/screenshots/${viewportName}-${colorScheme}-${pageName}.png`,
            fullPage: true,
          })
        }
      })
    })
  }
}
