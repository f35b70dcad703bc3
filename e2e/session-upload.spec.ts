import { type Browser, expect, type Page, test } from '@playwright/test'
import { uniqueRollout } from './support/agent-log-files'
import { expectNoAxeViolations } from './support/axe'
import { findInExplorer, openExplorerUpload, uploadThroughExplorer } from './support/explorer-page'
import { gotoHydrated, tabTo } from './support/page-helpers'
import { readShapeRows } from './support/shape-reader'

async function openExplorer(browser: Browser) {
  const context = await browser.newContext({ colorScheme: 'light' })
  const page = await context.newPage()
  await gotoHydrated(page, '/')
  return { context, page }
}

const fileInput = (page: Page) => page.getByTestId('upload-file-input')

// Upload, parse and open through the explorer: tens of seconds on a machine shared with other suites.
test.describe.configure({ timeout: 90_000 })

test('an uploaded log shows its progress, and appears in the explorer of another browser live', async ({ browser }) => {
  const [laptop, phone] = [await openExplorer(browser), await openExplorer(browser)]
  const file = uniqueRollout()

  await uploadThroughExplorer(laptop.page, file)
  await expect(laptop.page.getByTestId('upload-item').filter({ hasText: file.name }).getByRole('status')).toContainText(
    /Stored: \d+ events, 1 unreadable line/,
  )

  // The other browser never reloads: the row arrives through the sessions shape.
  const row = await findInExplorer(phone.page, file.name)
  await expect(row).toContainText('Why is CI red on main?')
  await expect(row).toContainText('Codex')
  await expect(row).toContainText(file.name)
  await expect(row.getByTestId('live-badge')).toHaveCount(0)
  await expect(phone.page.getByRole('heading', { level: 2, name: 'acme-api' })).toBeVisible()
  await expect(await findInExplorer(laptop.page, file.name)).toBeVisible()

  // The raw log comes back as it was sent.
  await row.getByRole('button', { name: /^Actions for/ }).click()
  const href = await phone.page.getByRole('menuitem', { name: 'Download raw log' }).getAttribute('href')
  const raw = await phone.page.request.get(href ?? '')
  expect(raw.status()).toBe(200)
  expect(Buffer.from(await raw.body()).equals(file.buffer)).toBe(true)

  await laptop.context.close()
  await phone.context.close()
})

test('bad files get a message that says what is wrong, and no session', async ({ page }) => {
  await openExplorerUpload(page)
  await fileInput(page).setInputFiles([
    { name: 'empty.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.alloc(0) },
    { name: 'archive.jsonl', mimeType: 'application/gzip', buffer: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0]) },
  ])
  await expect(page.getByTestId('upload-item').filter({ hasText: 'empty.jsonl' }).getByRole('alert')).toContainText(
    'The file is empty',
  )
  await expect(page.getByTestId('upload-item').filter({ hasText: 'archive.jsonl' }).getByRole('alert')).toContainText(
    'gzip archive',
  )
  const stored = await readShapeRows(page.request, 'sessions')
  expect(stored.map((session) => session.original_name)).not.toContain('empty.jsonl')
  expect(stored.map((session) => session.original_name)).not.toContain('archive.jsonl')
})

test('the upload controls are reachable by keyboard and the page has no axe violations', async ({ page }) => {
  await uploadThroughExplorer(page, uniqueRollout())
  await tabTo(page, page.getByRole('button', { name: 'Choose files' }))
  await tabTo(page, page.getByRole('button', { name: 'Choose a folder' }))
  await expectNoAxeViolations(page)
})
