import { expect, type Locator, type Page } from '@playwright/test'

/** Navigates and waits for React to hydrate: clicks before that are silently lost. */
export async function gotoHydrated(page: Page, path: string) {
  const response = await page.goto(path)
  await waitForHydration(page)
  return response
}

export async function waitForHydration(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true')
}

/** Presses Tab (or Shift+Tab) until `target` has focus, the way a keyboard user would reach it. */
export async function tabTo(
  page: Page,
  target: Locator,
  { maxPresses = 30, backwards = false }: { maxPresses?: number; backwards?: boolean } = {},
) {
  const key = backwards ? 'Shift+Tab' : 'Tab'
  for (let press = 0; press < maxPresses; press++) {
    await page.keyboard.press(key)
    if (await target.evaluate((element) => element === document.activeElement)) return
  }
  throw new Error(`Could not reach ${target} with ${maxPresses} presses of ${key}`)
}
