import { expect, type Page } from '@playwright/test'

/**
 * Switches the emulated system theme and waits until the app, which follows the system theme live
 * while the preference is "system" (the default), has applied it. Layout does not depend on the
 * theme, so a page checked once can be photographed in both without loading it twice.
 */
export async function switchSystemTheme(page: Page, theme: 'light' | 'dark') {
  await page.emulateMedia({ colorScheme: theme })
  await expect(page.locator('html')).toHaveClass(theme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/)
}

/** Full-page screenshots of the page as it is now, in light and then in dark; leaves it in light. */
export async function screenshotInBothThemes(page: Page, pathFor: (theme: 'light' | 'dark') => string) {
  for (const theme of ['light', 'dark'] as const) {
    await switchSystemTheme(page, theme)
    await page.screenshot({ path: pathFor(theme), fullPage: true })
  }
  await switchSystemTheme(page, 'light')
}

/** Nothing on the page is wider than the viewport (no horizontal scrolling). */
export async function expectNoHorizontalScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, `${what} overflows by ${overflow}px`).toBeLessThanOrEqual(0)
}
