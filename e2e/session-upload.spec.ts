import AxeBuilder from '@axe-core/playwright'
import { type Browser, expect, type Page, test } from '@playwright/test'
import { uniqueRollout } from './support/agent-log-files'
import { gotoHydrated, tabTo } from './support/page-helpers'

async function openSessions(browser: Browser) {
  const context = await browser.newContext({ colorScheme: 'light' })
  const page = await context.newPage()
  await gotoHydrated(page, '/sessions')
  return { context, page }
}

const fileInput = (page: Page) => page.getByTestId('upload-file-input')
const sessionRow = (page: Page, name: string) => page.getByTestId('session-row').filter({ hasText: name })

test('an uploaded log shows its progress, and appears in the session list of another browser live', async ({
  browser,
}) => {
  const [laptop, phone] = [await openSessions(browser), await openSessions(browser)]
  const file = uniqueRollout()

  await fileInput(laptop.page).setInputFiles(file)
  const upload = laptop.page.getByTestId('upload-item').filter({ hasText: file.name })
  await expect(upload.getByRole('status')).toContainText(/Stored: \d+ events, 1 unreadable line/)

  // The other browser never reloads: the row arrives through the sessions shape.
  const row = sessionRow(phone.page, file.name)
  await expect(row).toBeVisible()
  await expect(row).toContainText('Codex')
  await expect(row).toContainText('Complete')
  await expect(row).toContainText('acme-api')
  await expect(sessionRow(laptop.page, file.name)).toBeVisible()

  // The raw log comes back as it was sent.
  const href = await row.getByRole('link', { name: /Raw log/ }).getAttribute('href')
  const raw = await phone.page.request.get(href ?? '')
  expect(raw.status()).toBe(200)
  expect(Buffer.from(await raw.body()).equals(file.buffer)).toBe(true)

  await laptop.context.close()
  await phone.context.close()
})

test('bad files get a message that says what is wrong, and no session', async ({ page }) => {
  await gotoHydrated(page, '/sessions')
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
  await expect(sessionRow(page, 'empty.jsonl')).toHaveCount(0)
})

test('the upload controls are reachable by keyboard and the page has no axe violations', async ({ page }) => {
  await gotoHydrated(page, '/sessions')
  await fileInput(page).setInputFiles(uniqueRollout())
  await expect(page.getByTestId('upload-item').first().getByRole('status')).toBeVisible()
  await tabTo(page, page.getByRole('button', { name: 'Choose files' }))
  await tabTo(page, page.getByRole('button', { name: 'Choose a folder' }))
  // The page's own content; the shared shell (header, account menu) is checked by its own specs.
  const results = await new AxeBuilder({ page })
    .include('main')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  expect(
    results.violations.map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.html.slice(0, 160)).join(' | ')})`,
    ),
  ).toEqual([])
})
