import { readFile } from 'node:fs/promises'
import { expect, type Page, test } from '@playwright/test'
import { uniqueRollout } from './support/agent-log-files'
import { axeBuilder, axeViolations } from './support/axe'
import { gotoHydrated } from './support/page-helpers'
import { uploadFromPage } from './support/timeline-page'

/**
 * The synthetic rollout under a fresh session id, with a developer prompt, an injected AGENTS.md
 * message (both redacted by exports) and a question holding markup and a word no other upload has.
 */
function rolloutWithNeedle() {
  const file = uniqueRollout()
  const needle = `needle${file.id.replaceAll('-', '').slice(0, 12)}`
  const line = (role: string, text: string) =>
    JSON.stringify({
      timestamp: '2026-03-02T10:00:04.000Z',
      type: 'response_item',
      payload: { type: 'message', role, content: [{ type: 'input_text', text }] },
    })
  const lines = file.buffer.toString('utf8').split('\n')
  lines.splice(
    2,
    0,
    line('developer', 'You are Codex. SECRET-DEVELOPER-PROMPT'),
    line('user', '# AGENTS.md instructions for /home/dev\n\nNEVER-PUSH-TO-MAIN'),
  )
  const question = `Is <script>window.pwned = 1</script> ${needle} & <b>escaped</b>?`
  lines.splice(lines.length - 1, 0, line('user', question))
  return { ...file, needle, question, buffer: Buffer.from(lines.join('\n')) }
}

/** Through the upload API the page's client uses: the explorer's upload panel has specs of its own. */
async function upload(page: Page, file: ReturnType<typeof rolloutWithNeedle>) {
  return uploadFromPage(page, file)
}

// Uploading and parsing a log takes a while on a busy machine.
test.describe.configure({ timeout: 120_000 })

test('search finds an event across sessions, shows markup as text, and opens the event in its session', async ({
  page,
}) => {
  const file = rolloutWithNeedle()
  await upload(page, file)

  await gotoHydrated(page, '/search')
  await expect(page.getByRole('heading', { name: 'Search every session at once' })).toBeVisible()
  await page.getByLabel('Search your sessions').fill(file.needle)
  await expect(page).toHaveURL(new RegExp(`[?&]q=${file.needle}`))
  const results = page.getByTestId('search-result')
  await expect(results).toHaveCount(1)
  await expect(results.first()).toContainText('Why is CI red on main?')
  await expect(results.first()).toContainText('acme-api · feature/billing')
  await expect(results.first().locator('mark')).toHaveText(file.needle)
  await expect(results.first()).toContainText('window.pwned = 1')
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
  await expect(page.locator('main script, main b')).toHaveCount(0)

  expect(await axeViolations(page)).toEqual([])
  await page.screenshot({ path: 'test-results/search-desktop.png', fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: 'test-results/search-mobile.png', fullPage: true })
  await page.setViewportSize({ width: 1280, height: 800 })

  const number = Number(await results.first().getAttribute('data-ordinal')) + 1
  await results.first().getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/sessions/[0-9a-f-]{36}#${number}$`))
  const detail = page.getByTestId('event-detail')
  await expect(detail.getByRole('heading', { level: 2 })).toContainText(`#${number}`)
  await expect(detail).toContainText(file.needle)

  // A word nobody wrote: the empty state, not an error.
  await gotoHydrated(page, `/search?q=zzqqxxnothing${file.needle}`)
  await expect(page.getByRole('heading', { name: 'No results' })).toBeVisible()
})

test('export downloads Markdown, JSON and HTML with instructions redacted and content escaped', async ({ page }) => {
  const file = rolloutWithNeedle()
  await gotoHydrated(page, `/sessions/${await upload(page, file)}`)
  await expect(page.getByTestId('session-header')).toContainText('Why is CI red on main?')
  const sessionId = new URL(page.url()).pathname.split('/').at(-1) ?? ''

  async function download(format: string, configure?: () => Promise<void>) {
    await page.getByRole('button', { name: 'Export' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export session' })
    await expect(dialog).toBeVisible()
    await dialog.getByRole('radio', { name: format }).click()
    await configure?.()
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('link', { name: 'Download' }).click(),
    ])
    const text = await readFile((await file.path()) ?? '', 'utf8')
    await expect(dialog).toBeHidden()
    return { name: file.suggestedFilename(), text }
  }

  // The dialog itself: no axe violations, readable at 390 px.
  await page.getByRole('button', { name: 'Export' }).click()
  const exportDialog = page.getByRole('dialog', { name: 'Export session' })
  await exportDialog.getByRole('radio', { name: 'Range of events' }).click()
  const dialogResults = await axeBuilder(page)
    .include('[role="dialog"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  expect(dialogResults.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([])
  await page.screenshot({ path: 'test-results/export-dialog-desktop.png' })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: 'test-results/export-dialog-mobile.png' })
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.keyboard.press('Escape')
  await expect(exportDialog).toBeHidden()

  const markdown = await download('Markdown', async () => {
    await exportDialog.getByRole('radio', { name: /Entire session/ }).click()
  })
  expect(markdown.name).toMatch(new RegExp(`^${sessionId.slice(0, 32)}-entire-\\d{8}-\\d{6}\\.md$`))
  expect(markdown.text.startsWith('# Why is CI red on main?')).toBe(true)
  expect(markdown.text).toContain('rg -n "paginate" src')
  expect(markdown.text).toContain('[instructions redacted]')
  expect(markdown.text).not.toContain('SECRET-DEVELOPER-PROMPT')
  expect(markdown.text).not.toContain('NEVER-PUSH-TO-MAIN')

  const json = await download('JSON')
  const document = JSON.parse(json.text)
  expect(json.name).toMatch(/-entire-\d{8}-\d{6}\.json$/)
  expect(document.metadata).toMatchObject({ schemaVersion: '1.0', scope: 'entire', instructions: 'redacted' })
  expect(document.session.events).toHaveLength(document.metadata.eventCount)
  expect(document.session.events[0]).toMatchObject({ number: 1 })
  expect(json.text).not.toContain('SECRET-DEVELOPER-PROMPT')

  const html = await download('HTML page', async () => {
    const dialog = page.getByRole('dialog', { name: 'Export session' })
    await dialog.getByRole('radio', { name: 'Range of events' }).click()
    await dialog.getByLabel('from #').fill('1')
    await dialog.getByLabel('to #').fill('40')
  })
  expect(html.name).toMatch(/-range-range-1-40-\d{8}-\d{6}\.html$/)
  expect(html.text.startsWith('<!doctype html>')).toBe(true)
  expect(html.text).toContain('id="event-40"')
  expect(html.text).not.toContain('id="event-41"')
  expect(html.text).not.toMatch(/<script/i)

  // The whole-session HTML holds the question with its markup escaped, and opens offline as a page.
  const full = await download('HTML page', async () => {
    await page
      .getByRole('dialog', { name: 'Export session' })
      .getByRole('radio', { name: /Entire session/ })
      .click()
  })
  expect(full.text).toContain('&lt;script&gt;window.pwned = 1&lt;/script&gt;')
  const offline = await page.context().newPage()
  const requests: string[] = []
  offline.on('request', (request) => requests.push(request.url()))
  await offline.setContent(full.text)
  await expect(offline.getByRole('heading', { level: 1 })).toHaveText('Why is CI red on main?')
  await expect(offline.getByText(file.needle)).toBeVisible()
  expect(await offline.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
  expect(requests).toEqual([])
  await offline.close()

  // A bad request gets a clear 400 from the route, not a broken file.
  const bad = await page.request.get(`/api/sessions/${sessionId}/export?format=pdf`)
  expect(bad.status()).toBe(400)
  expect(await bad.json()).toEqual({ message: 'format must be one of markdown, json, csv, text, html.' })
})

test('keyboard: ? lists the shortcuts, / and Ctrl+K open the search, keys typed in fields stay text', async ({
  page,
}) => {
  await gotoHydrated(page, '/settings')
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  // The shell's key listener attaches in an effect after hydration; a key pressed before it is lost.
  await expect(async () => {
    await page.keyboard.press('?')
    await expect(dialog).toBeVisible({ timeout: 1_000 })
  }).toPass()
  for (const text of ['Next event', 'Previous session', 'Search all sessions', 'Show these keyboard shortcuts'])
    await expect(dialog).toContainText(text)
  // Focus moved into the dialog, and Tab keeps it there (focus trap).
  const focusInDialog = () => dialog.evaluate((element) => element.contains(document.activeElement))
  expect(await focusInDialog()).toBe(true)
  for (let press = 0; press < 4; press++) {
    await page.keyboard.press('Tab')
    expect(await focusInDialog()).toBe(true)
  }
  expect(await axeViolations(page)).toEqual([])
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  await page.keyboard.press('/')
  await expect(page).toHaveURL(/\/search$/)
  const input = page.getByLabel('Search your sessions')
  await expect(input).toBeFocused()
  await page.keyboard.type('a/b?')
  await expect(input).toHaveValue('a/b?')
  await expect(page.getByRole('dialog')).toHaveCount(0)

  await gotoHydrated(page, '/settings')
  // As above: the listener attaches after the page's sections have loaded, so retry the key.
  await expect(async () => {
    await page.keyboard.press('Control+k')
    await expect(page).toHaveURL(/\/search/, { timeout: 1_000 })
  }).toPass()
  await expect(page.getByLabel('Search your sessions')).toBeFocused()

  // The header button opens the same list for people who do not know the key.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
  await page.screenshot({ path: 'test-results/shortcuts-dialog.png' })
})
