import { type Browser, expect, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated, tabTo, waitForHydration } from './support/page-helpers'
import { syncedTodoTexts } from './support/shape-reader'
import { todoPage, uniqueTodo } from './support/todo-page'

test.use({ colorScheme: 'light' })

test('adding, completing, editing and deleting a todo each survive a reload', async ({ page }) => {
  const todos = todoPage(page)
  const text = uniqueTodo('Write the release notes')
  const edited = uniqueTodo('Write the release notes for 0.2')
  await gotoHydrated(page, '/todos')

  await todos.add(text)
  await expect(todos.newTodoInput).toHaveValue('')
  await expect(todos.newTodoInput).toBeFocused()
  await todos.expectSaved(text)
  await page.reload()
  await waitForHydration(page)
  await expect(todos.checkbox(text)).not.toBeChecked()

  await todos.checkbox(text).click()
  await expect(todos.checkbox(text)).toBeChecked()
  await todos.expectSaved(text)
  await page.reload()
  await waitForHydration(page)
  await expect(todos.checkbox(text)).toBeChecked()

  await todos.editButton(text).click()
  await expect(todos.editor).toBeFocused()
  await todos.editor.fill(edited)
  await todos.editor.press('Enter')
  await expect(todos.row(edited)).toBeVisible()
  await todos.expectSaved(edited)
  await page.reload()
  await waitForHydration(page)
  await expect(todos.row(edited)).toBeVisible()
  await expect(todos.checkbox(edited)).toBeChecked()
  await expect(todos.row(text)).toHaveCount(0)

  await todos.deleteButton(edited).click()
  await expect(todos.row(edited)).toHaveCount(0)
  const toast = todos.notification(`Deleted “${edited}”`)
  await expect(toast).toBeVisible()
  // Closing the notification ends the undo window: the delete is sent now.
  await toast.getByRole('button', { name: 'Dismiss' }).click()
  await expect.poll(() => syncedTodoTexts(page.request)).not.toContain(edited)
  await page.reload()
  await waitForHydration(page)
  await expect(page.getByRole('heading', { level: 1, name: 'Todos' })).toBeVisible()
  await expect(todos.newTodoInput).toBeVisible()
  await expect(todos.row(edited)).toHaveCount(0)
})

test('empty text is refused next to the field, and nothing is sent', async ({ page }) => {
  const todos = todoPage(page)
  const serverCalls: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/_serverFn/')) serverCalls.push(request.url())
  })
  await gotoHydrated(page, '/todos')

  await todos.addButton.click()
  const problem = page.getByRole('alert').filter({ hasText: 'A todo needs some text.' })
  await expect(problem).toBeVisible()
  await expect(todos.newTodoInput).toHaveAttribute('aria-invalid', 'true')
  await expect(todos.newTodoInput).toBeFocused()
  await expect(todos.newTodoInput).toHaveAccessibleDescription('A todo needs some text.')

  await todos.newTodoInput.fill('   ')
  await todos.newTodoInput.press('Enter')
  await expect(problem).toBeVisible()
  // Typing clears the message.
  await todos.newTodoInput.fill('Something')
  await expect(problem).toHaveCount(0)
  expect(serverCalls).toEqual([])

  const text = uniqueTodo('Rename the flag')
  await todos.add(text)
  await todos.expectSaved(text)
  serverCalls.length = 0

  await todos.editButton(text).click()
  await todos.editor.fill('  ')
  await todos.editor.press('Enter')
  await expect(page.getByRole('alert').filter({ hasText: 'A todo needs some text.' })).toBeVisible()
  await expect(todos.editor).toBeFocused()
  // Escape leaves the todo as it was and returns focus to its Edit button.
  await todos.editor.press('Escape')
  await expect(todos.editor).toHaveCount(0)
  await expect(todos.row(text)).toBeVisible()
  await expect(todos.editButton(text)).toBeFocused()
  expect(serverCalls).toEqual([])
})

test('the session picker says when there are no sessions to link', async ({ page }) => {
  // The local owner may have sessions (other specs upload some): a fresh account has none.
  await signUpDirectly(page.context())
  await gotoHydrated(page, `${E2E_URLS.passwordApp}/todos`)
  const picker = page.getByLabel('Session (optional)')
  await expect(picker).toBeDisabled()
  await expect(picker.locator('option')).toHaveText(['No sessions yet'])
})

test('the whole list works with the keyboard alone', async ({ page }) => {
  const todos = todoPage(page)
  const first = uniqueTodo('Keyboard first')
  const second = uniqueTodo('Keyboard second')
  const renamed = uniqueTodo('Keyboard renamed')
  await gotoHydrated(page, '/todos')

  await tabTo(page, todos.newTodoInput)
  await page.keyboard.type(first)
  await page.keyboard.press('Enter')
  await page.keyboard.type(second)
  await page.keyboard.press('Enter')
  await expect(todos.row(first)).toBeVisible()
  await expect(todos.row(second)).toBeVisible()
  await expect(todos.newTodoInput).toBeFocused()

  // The filter is one tab stop; arrow keys move within it, Space chooses.
  const showAll = page.getByRole('radio', { name: /^All/ })
  const showOpen = page.getByRole('radio', { name: /^Open/ })
  await tabTo(page, showAll)
  await page.keyboard.press('ArrowRight')
  await expect(showOpen).toBeFocused()
  await page.keyboard.press('Space')
  await expect(showOpen).toHaveAttribute('aria-checked', 'true')

  // Completing a todo under "Open" hides it; focus moves on to the next todo instead of being lost.
  await tabTo(page, todos.checkbox(first))
  await page.keyboard.press('Space')
  await expect(todos.row(first)).toHaveCount(0)
  await expect(page.locator(':focus')).toHaveRole('checkbox')

  await tabTo(page, showOpen, { backwards: true })
  await page.keyboard.press('ArrowLeft')
  // Radix moves focus on the next tick; a person cannot press Space faster than that.
  await expect(showAll).toBeFocused()
  await page.keyboard.press('Space')
  await expect(todos.checkbox(first)).toBeChecked()

  // Edit: Enter opens the editor, Enter saves, focus returns to the Edit button.
  await tabTo(page, todos.editButton(first))
  await page.keyboard.press('Enter')
  await expect(todos.editor).toBeFocused()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.type(renamed)
  await page.keyboard.press('Enter')
  await expect(todos.row(renamed)).toBeVisible()
  await expect(todos.editButton(renamed)).toBeFocused()

  // Delete: the row goes, focus moves to a neighbouring todo.
  await tabTo(page, todos.deleteButton(second), { backwards: true })
  await page.keyboard.press('Enter')
  await expect(todos.row(second)).toHaveCount(0)
  await expect(page.locator(':focus')).toHaveRole('checkbox')

  // F8 jumps to the notification; Undo brings the todo back and focuses it.
  await page.keyboard.press('F8')
  await tabTo(page, todos.notification(`Deleted “${second}”`).getByRole('button', { name: 'Undo' }), {
    maxPresses: 5,
  })
  await page.keyboard.press('Enter')
  await expect(todos.row(second)).toBeVisible()
  await expect(todos.checkbox(second)).toBeFocused()
  await todos.expectSaved(second)
  await todos.expectSaved(renamed)
})

test('a write the server refuses is rolled back and named in a notification', async ({ page, context }) => {
  const todos = todoPage(page)
  const text = uniqueTodo('Refused edit')
  await gotoHydrated(page, '/todos')
  await todos.add(text)
  await todos.expectSaved(text)

  // Signed out behind the page's back: the server function answers 401.
  await context.clearCookies()
  await todos.editButton(text).click()
  await todos.editor.fill(`${text} (changed)`)
  await todos.editor.press('Enter')
  const failure = todos.notification(`Could not save your changes to “${text}”`)
  await expect(failure).toBeVisible()
  await expect(todos.notifications).toContainText('You are not signed in')
  await expect(todos.row(text)).toBeVisible()
  await expect(todos.row(`${text} (changed)`)).toHaveCount(0)
  // The live stream is refused too (at its next poll): the page says so instead of going stale.
  const expired = page.getByRole('alert').filter({ hasText: 'Your session expired' })
  await expect(expired).toBeVisible({ timeout: 15_000 })
  await expect(todos.row(text)).toBeVisible()
  await expired.getByRole('button', { name: 'Reload' }).click()
  await waitForHydration(page)
  await expect(expired).toHaveCount(0)
  await expect(todos.row(text)).toBeVisible()
})

test('a write made offline is rolled back, named, and its text handed back', async ({ page, context }) => {
  const todos = todoPage(page)
  const kept = uniqueTodo('Stays open')
  const offline = uniqueTodo('Typed offline')
  await gotoHydrated(page, '/todos')
  await todos.add(kept)
  await todos.expectSaved(kept)

  await context.setOffline(true)
  await todos.checkbox(kept).click()
  await expect(todos.notification(`Could not mark “${kept}” as done`)).toBeVisible()
  await expect(todos.checkbox(kept)).not.toBeChecked()

  await todos.newTodoInput.fill(offline)
  await todos.newTodoInput.press('Enter')
  await expect(todos.notification(`Could not add “${offline}”`)).toBeVisible()
  await expect(todos.notifications).toContainText('could not be reached')
  await expect(todos.row(offline)).toHaveCount(0)
  await expect(todos.newTodoInput).toHaveValue(offline)
  await context.setOffline(false)
})

/** Two browser contexts (no shared cookies) are two devices of the local owner. */
async function twoDevicesOnTodos(browser: Browser) {
  const devices = []
  for (const name of ['laptop', 'phone']) {
    const context = await browser.newContext({ colorScheme: 'light' })
    const page = await context.newPage()
    await gotoHydrated(page, '/todos')
    devices.push({ name, context, page, todos: todoPage(page) })
  }
  return devices
}

test('a delete is committed at once: gone everywhere, gone after a reload; Undo restores it everywhere', async ({
  browser,
}) => {
  const [laptop, phone] = await twoDevicesOnTodos(browser)
  const text = uniqueTodo('Deleted for real')
  await laptop.todos.add(text)
  await laptop.todos.checkbox(text).click()
  await laptop.todos.expectSaved(text)
  await expect(phone.todos.checkbox(text)).toBeChecked()

  // Deleted on the laptop: the phone sees it go while the laptop's undo notification is still open.
  await laptop.todos.deleteButton(text).click()
  const toast = laptop.todos.notification(`Deleted “${text}”`)
  await expect(toast).toBeVisible()
  await expect(phone.todos.row(text)).toHaveCount(0)
  expect(await syncedTodoTexts(phone.page.request)).not.toContain(text)
  await expect(toast, 'the delete reached the server before the undo window closed').toBeVisible()

  // Undo re-inserts the same row (still done) on both devices.
  await toast.getByRole('button', { name: 'Undo' }).click()
  await laptop.todos.expectSaved(text)
  await expect(laptop.todos.checkbox(text)).toBeChecked()
  await expect(phone.todos.checkbox(text)).toBeChecked()

  // Deleted again and the page reloaded inside the old undo window: it stays deleted.
  await laptop.todos.deleteButton(text).click()
  await expect(laptop.todos.notification(`Deleted “${text}”`)).toBeVisible()
  await laptop.page.reload()
  await waitForHydration(laptop.page)
  await expect(laptop.todos.newTodoInput).toBeVisible()
  await expect(laptop.todos.row(text)).toHaveCount(0)
  await expect(phone.todos.row(text)).toHaveCount(0)
  expect(await syncedTodoTexts(phone.page.request)).not.toContain(text)

  await laptop.context.close()
  await phone.context.close()
})
