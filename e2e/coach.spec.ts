import { type Browser, expect, type Page, test } from '@playwright/test'
import { uniqueRollout } from './support/agent-log-files'
import { axeBuilder, expectNoAxeViolations } from './support/axe'
import { gotoHydrated } from './support/page-helpers'
import { uploadFromPage } from './support/timeline-page'

// Each test uploads a session and drives two browsers through a reply paced like a model.
test.describe.configure({ timeout: 180_000 })

/**
 * Uploads a fresh copy of the synthetic rollout and returns its session id. Through the upload API
 * the page's client uses, not the explorer's upload panel: that panel is what the explorer and
 * upload specs test, here it would only cost time.
 */
function uploadSession(page: Page) {
  return uploadFromPage(page, uniqueRollout())
}

async function openCoach(page: Page, sessionId: string) {
  await gotoHydrated(page, `/coach?sessionId=${sessionId}`)
  await expect(page.getByTestId('coach-panel')).toBeVisible({ timeout: 60_000 })
  await expect(
    page.getByRole('navigation', { name: 'Coach threads' }).getByRole('button', { name: /^Session Coach/ }),
  ).toBeVisible()
}

async function send(page: Page, prompt: string) {
  await page.getByLabel('Message the coach').fill(prompt)
  await page.getByRole('button', { name: 'Send' }).click()
}

const replies = (page: Page) => page.getByTestId('assistant-message')

async function secondDevice(browser: Browser) {
  const context = await browser.newContext()
  return { context, page: await context.newPage() }
}

test('a reply sent in one browser streams into another, with the tool call and its event chip', async ({
  page,
  browser,
}) => {
  const sessionId = await uploadSession(page)
  await openCoach(page, sessionId)
  const other = await secondDevice(browser)
  try {
    await openCoach(other.page, sessionId)
    await send(page, 'Explain #3 and summarize the session')

    // The other device sees the reply while it is being written, then complete.
    const watched = replies(other.page).last()
    await expect(watched).toHaveAttribute('data-status', 'streaming')
    await expect(watched).toContainText('Event #3')
    await expect(watched).toHaveAttribute('data-status', 'complete', { timeout: 60_000 })
    await expect(watched).toContainText('Follow-ups')
    await expect(watched.getByTestId('tool-call')).toHaveAttribute('data-status', 'succeeded')
    await expect(watched.getByTestId('tool-call')).toContainText('get_timeline_event')

    // The sender's prompt carries a chip that opens the event in the timeline.
    await expect(replies(page).last()).toHaveAttribute('data-status', 'complete', { timeout: 60_000 })
    const chip = other.page.getByTestId('user-message').last().getByRole('link', { name: /#3/ })
    await chip.click()
    await expect(other.page).toHaveURL(new RegExp(`/sessions/${sessionId}#3$`))
  } finally {
    await other.context.close()
  }
})

test('stop ends a reply mid-way on every device, keeping its text', async ({ page, browser }) => {
  const sessionId = await uploadSession(page)
  await openCoach(page, sessionId)
  const other = await secondDevice(browser)
  try {
    await openCoach(other.page, sessionId)
    // A long answer (eight events, then the summary, then commits), so there is time to stop it.
    await send(page, 'Explain #1 #2 #3 #4 #5 #6 #7 #8, then summarize and suggest commit messages')
    await expect(replies(other.page).last()).toHaveAttribute('data-status', 'streaming')
    await expect(replies(page).last()).toContainText('Event #1')
    await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled()
    // By keyboard: the growing reply can move the button between Playwright's scroll and its click.
    await page.getByRole('button', { name: 'Stop' }).focus()
    await page.keyboard.press('Enter')
    for (const device of [page, other.page]) {
      const stopped = replies(device).last()
      await expect(stopped).toHaveAttribute('data-status', 'failed')
      await expect(stopped.getByTestId('reply-error')).toContainText('Stopped before the reply was finished')
      await expect(stopped).toContainText('Event #1')
      await expect(stopped).not.toContainText('Commit message suggestions')
    }
    await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled()
    await page.getByLabel('Message the coach').fill('again')
    await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled()
  } finally {
    await other.context.close()
  }
})

test('a reload mid-reply shows the same reply finishing', async ({ page }) => {
  const sessionId = await uploadSession(page)
  await openCoach(page, sessionId)
  await send(page, 'Summarize the session')
  await expect(replies(page).last()).toHaveAttribute('data-status', 'streaming')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true')
  const reply = replies(page).last()
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 60_000 })
  await expect(reply).toContainText('Follow-ups')
  await expect(page.getByTestId('user-message')).toHaveCount(1)
})

test('threads: new chat, rename, select and delete with promotion; the page has no axe violations', async ({
  page,
}) => {
  const sessionId = await uploadSession(page)
  await openCoach(page, sessionId)
  // The page's h1 says "Coach"; the panel's h2 below it names the chat instead of repeating it.
  await expect(page.getByRole('heading', { level: 2, name: 'Chat', exact: true })).toBeVisible()
  const threads = page.getByRole('navigation', { name: 'Coach threads' })
  await send(page, 'hello')
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete', { timeout: 60_000 })

  await threads.getByRole('button', { name: 'New chat' }).click()
  await expect(threads.getByRole('button', { name: /^Session Coach #2/ })).toHaveAttribute('aria-current', 'true')
  await expect(page.getByText('No messages in this thread yet.')).toBeVisible()

  await threads.getByRole('button', { name: 'Actions for Session Coach #2' }).click()
  await page.getByRole('menuitem', { name: 'Rename' }).click()
  await threads.getByLabel('Thread title').fill('Billing questions')
  await threads.getByRole('button', { name: 'Save' }).click()
  await expect(threads.getByRole('button', { name: /^Billing questions/ })).toBeVisible()

  // Deleting the active thread promotes the other one, with its messages.
  await threads.getByRole('button', { name: 'Actions for Billing questions' }).click()
  await page.getByRole('menuitem', { name: 'Delete' }).click()
  await expect(threads.getByRole('button', { name: /^Billing questions/ })).toHaveCount(0)
  await expect(threads.getByRole('button', { name: /^Session Coach/ })).toHaveAttribute('aria-current', 'true')
  await expect(page.getByTestId('user-message')).toContainText('hello')

  await expect(page.getByTestId('provider-status')).toContainText('offline · offline-coach')
  await expect(page.getByTestId('context-budget')).toContainText('/ 6,000 tokens')
  await expectNoAxeViolations(page)
  await page.screenshot({ path: 'test-results/coach-desktop.png', fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: 'test-results/coach-mobile.png', fullPage: true })
})

test('the coach page without a session asks for one; an empty prompt cannot be sent', async ({ page }) => {
  await gotoHydrated(page, '/coach')
  await expect(page.getByRole('heading', { name: 'Pick a session' })).toBeVisible()
  const response = await page.request.post('/api/coach/stream', {
    data: { sessionId: '00000000-0000-4000-8000-000000000000', prompt: '  ', clientMessageId: 'x' },
  })
  expect(response.status()).toBe(400)
  expect(((await response.json()) as { message: string }).message).toMatch(/The prompt is empty/)
})

test('beside the timeline: the coach opens next to the events, answers there, and stays open after a reload', async ({
  page,
}) => {
  const sessionId = await uploadSession(page)
  await page.setViewportSize({ width: 1600, height: 900 })
  await gotoHydrated(page, `/sessions/${sessionId}`)
  await expect(page.getByTestId('event-row').first()).toBeVisible({ timeout: 60_000 })
  const toggle = page.getByRole('button', { name: 'Show coach' })
  await expect(toggle).toHaveAttribute('aria-pressed', 'false')
  await toggle.click()

  const beside = page.getByRole('complementary', { name: 'Coach' })
  await expect(beside.getByTestId('coach-panel')).toBeVisible({ timeout: 60_000 })
  // Side by side at this width: the panel starts right of the timeline's events.
  const rowBox = await page.getByTestId('event-row').first().boundingBox()
  const panelBox = await beside.boundingBox()
  expect(panelBox && rowBox && panelBox.x >= rowBox.x + rowBox.width).toBe(true)

  await beside.getByLabel('Message the coach').fill('Explain #2')
  await beside.getByRole('button', { name: 'Send' }).click()
  await expect(beside.getByTestId('assistant-message').last()).toHaveAttribute('data-status', 'complete', {
    timeout: 60_000,
  })
  await expect(beside.getByTestId('assistant-message').last()).toContainText('Event #2')
  const results = await axeBuilder(page).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  expect(results.violations.map((violation) => violation.id)).toEqual([])
  await page.screenshot({ path: 'test-results/screenshots/coach-beside-timeline.png' })

  // The open panel is a UI preference: a reload keeps it, "Hide coach" closes it.
  await gotoHydrated(page, `/sessions/${sessionId}`)
  await expect(page.getByRole('button', { name: 'Hide coach' })).toHaveAttribute('aria-pressed', 'true')
  await page.getByRole('button', { name: 'Hide coach' }).click()
  await expect(page.getByRole('complementary', { name: 'Coach' })).toHaveCount(0)
})
