import { expect, type Locator, type Page } from '@playwright/test'
import { gotoHydrated } from './page-helpers'

interface LogFile {
  name: string
  mimeType: string
  buffer: Buffer
}

/** The home page (the session explorer) with its upload panel open; `base` names another app instance. */
export async function openExplorerUpload(page: Page, base = '') {
  await gotoHydrated(page, `${base}/`)
  const input = page.getByTestId('upload-file-input')
  // An account without sessions shows the upload already; otherwise the header button opens it.
  // Either appears once the sessions shape has synced: seconds on a busy machine.
  await expect(input.or(page.getByTestId('explorer-summary'))).toHaveCount(1, { timeout: 30_000 })
  if ((await input.count()) === 0) await page.getByRole('button', { name: 'Upload logs' }).click()
  await expect(input).toHaveCount(1)
}

/** Uploads through the explorer and waits for the server's summary of the stored log. */
export async function uploadThroughExplorer(page: Page, file: LogFile, base = '') {
  await openExplorerUpload(page, base)
  await page.getByTestId('upload-file-input').setInputFiles(file)
  const upload = page.getByTestId('upload-item').filter({ hasText: file.name })
  // Sent, parsed and committed: seconds on a busy machine.
  await expect(upload.getByRole('status')).toContainText(/Stored: \d+ events/, { timeout: 30_000 })
  return upload
}

/**
 * The explorer row of one session, found by searching for something only it has (its file
 * name or agent session id): the local owner's list holds every other spec's sessions too, and
 * the list only renders the rows in view.
 */
export async function findInExplorer(page: Page, uniqueText: string): Promise<Locator> {
  await page.getByRole('searchbox', { name: 'Search sessions' }).fill(uniqueText)
  const row = page.getByTestId('explorer-session')
  await expect(row).toHaveCount(1)
  return row
}
