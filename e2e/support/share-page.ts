import { expect, type Page } from '@playwright/test'

/** Creates a share link from an open session page through the Share dialog; answers its URL. */
export async function createShareLinkFromSessionPage(page: Page, options: { expiry?: string } = {}) {
  await page.getByTestId('session-actions').getByRole('button', { name: 'Share' }).click()
  const dialog = page.getByRole('dialog')
  if (options.expiry) await dialog.getByLabel('Expires').selectOption({ label: options.expiry })
  await dialog.getByRole('button', { name: 'Create link' }).click()
  const url = await dialog.getByTestId('share-url').inputValue({ timeout: 30_000 })
  expect(url).toMatch(/\/share\/scs_[A-Za-z0-9_-]{43}$/)
  await page.keyboard.press('Escape')
  return url
}
