import { type Browser, expect, test } from '@playwright/test'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated } from './support/page-helpers'
import { readShapeRows } from './support/shape-reader'
import { startShapeServer, stopShapeServer } from './support/stack-control'
import { todoPage, uniqueTodo } from './support/todo-page'

/**
 * Two browser contexts share no cookies; in AUTH_MODE=local each is signed in as the same local
 * owner on its first page load, so they are two devices of one user.
 */
async function twoDevicesOnTodos(browser: Browser, baseURL: string = E2E_URLS.app) {
  const devices = []
  for (const name of ['laptop', 'phone']) {
    const context = await browser.newContext({ colorScheme: 'light', baseURL })
    const page = await context.newPage()
    await gotoHydrated(page, '/todos')
    devices.push({ name, context, page, todos: todoPage(page) })
  }
  return devices
}

test('a todo added on one device appears on the other without a reload', async ({ browser }) => {
  const [laptop, phone] = await twoDevicesOnTodos(browser)
  const text = uniqueTodo('Seen everywhere')

  await laptop.todos.add(text)
  await expect(phone.todos.row(text)).toBeVisible()

  await phone.todos.checkbox(text).click()
  await expect(laptop.todos.checkbox(text)).toBeChecked()

  await laptop.todos.deleteButton(text).click()
  await laptop.todos.notification(`Deleted “${text}”`).getByRole('button', { name: 'Dismiss' }).click()
  await expect(phone.todos.row(text)).toHaveCount(0)

  await laptop.context.close()
  await phone.context.close()
})

test('a write made while the shape server restarts appears once it is back, exactly once', async ({ browser }) => {
  test.setTimeout(60_000)
  // The app whose shape server nothing else uses: the other worker's specs keep theirs running.
  const [laptop, phone] = await twoDevicesOnTodos(browser, E2E_URLS.restartApp)
  const text = uniqueTodo('Written during the restart')

  await stopShapeServer('restart')
  try {
    // Postgres takes the write; only its echo through the sync service has to wait.
    await laptop.todos.newTodoInput.fill(text)
    await laptop.todos.newTodoInput.press('Enter')
    await expect(laptop.todos.row(text)).toBeVisible()
    await expect(laptop.todos.row(text).getByText('Saving…')).toBeVisible()
    await expect(phone.todos.row(text)).toHaveCount(0)
  } finally {
    await startShapeServer('restart')
  }

  await expect(phone.todos.row(text)).toHaveCount(1, { timeout: 20_000 })
  await expect(laptop.todos.row(text)).toHaveCount(1)
  await laptop.todos.expectSaved(text)
  await expect(laptop.todos.notifications).not.toContainText('Could not')
  await expect(laptop.todos.notifications).not.toContainText('not confirmed')

  await laptop.page.reload()
  await expect(laptop.todos.row(text)).toHaveCount(1)
  const stored = (await readShapeRows(laptop.page.request, 'todos')).filter((row) => row.text === text)
  expect(stored).toHaveLength(1)

  // Live updates keep flowing after the restart, in both directions.
  const after = uniqueTodo('Written after the restart')
  await phone.todos.add(after)
  await expect(laptop.todos.row(after)).toHaveCount(1)

  await laptop.context.close()
  await phone.context.close()
})
