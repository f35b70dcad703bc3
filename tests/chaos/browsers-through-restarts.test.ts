/**
 * Faults seen from two open browsers on the Todos page: the shape server restarts and crashes
 * (SIGKILL), then Postgres restarts and crashes (SIGKILL to every Postgres process). Both pages recover on their own (no reload: a marker set on `window` survives), show
 * the todos written before, during and after each fault exactly once, and the time from the fault
 * to both pages showing a fresh todo is reported. The shape server stores its shapes (as `npm
 * start` runs it), so its restarts and crashes cost the pages no 409 / full resync. Also: the app
 * works with localStorage disabled or full.
 */
import { randomUUID } from 'node:crypto'
import { type Browser, expect, type Page } from '@playwright/test'
import postgres from 'postgres'
import { afterAll, beforeAll, it } from 'vitest'
import { CREATE_TODO, callServerFunction, createTodoBody, localOwnerCookie } from '../../dev/app-client'
import { launchChromium } from './support/browsers'
import { CHAOS_SCALE, report } from './support/chaos-scale'
import { type ChaosStack, startChaosStack } from './support/chaos-stack'

const RECOVERY_TIMEOUT_MS = 90_000

let stack: ChaosStack
let browsers: Browser[] = []
/** `409` must-refetch answers the open pages got from `/api/shape` (each one is a full resync). */
let refetches = 0

beforeAll(async () => {
  stack = await startChaosStack({ restartablePostgres: true })
  browsers = [await launchChromium(), await launchChromium()]
})

afterAll(async () => {
  for (const browser of browsers) await browser.close().catch(() => {})
  await stack?.stop()
})

async function openTodos(browser: Browser, init?: () => void) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  if (init) await context.addInitScript(init)
  const page = await context.newPage()
  // Uncaught exceptions; failed requests during a fault are expected and only logged.
  const errors: string[] = []
  const consoleErrors: string[] = []
  page.on('pageerror', (error) => errors.push(`${error.message}\n${error.stack ?? ''}`))
  page.on('response', (response) => {
    if (response.status() === 409 && new URL(response.url()).pathname === '/api/shape') refetches++
  })
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  await page.goto(`${stack.apps[0].url}/todos`)
  // A page that never hydrates says why: its errors are the failure message.
  await expect(page.locator('html'), [...errors, ...consoleErrors].join('\n')).toHaveAttribute(
    'data-hydrated',
    'true',
    { timeout: 30_000 },
  )
  return { page, errors }
}

const todoItems = (page: Page) => page.getByRole('list', { name: 'Todos' }).getByRole('listitem')

/** The chaos todos a page shows, in its order (each row's text, as the list renders it). */
async function shownTexts(page: Page) {
  const texts = await todoItems(page).allInnerTexts()
  return texts.map((text) => /chaos-[0-9a-f]{8}/.exec(text)?.[0]).filter((text): text is string => Boolean(text))
}

async function createTodo(cookie: string) {
  const text = `chaos-${randomUUID().slice(0, 8)}`
  const result = await callServerFunction(stack.apps[0].url, cookie, CREATE_TODO, createTodoBody(randomUUID(), text))
  if (result.status !== 200) throw new Error(`create answered ${result.status}: ${result.body.slice(0, 200)}`)
  return text
}

/** Creates a todo (retrying while the database is still coming back) and waits until every page shows it. */
async function timeUntilShown(pages: Page[], cookie: string) {
  const started = performance.now()
  let text: string | undefined
  while (!text) {
    try {
      text = await createTodo(cookie)
    } catch (error) {
      if (performance.now() - started > RECOVERY_TIMEOUT_MS) throw error
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  await Promise.all(
    pages.map((page) =>
      expect(todoItems(page).filter({ hasText: text })).toHaveCount(1, { timeout: RECOVERY_TIMEOUT_MS }),
    ),
  )
  return { text, ms: performance.now() - started }
}

async function expectPagesMatchDatabase(pages: Page[]) {
  const sql = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const rows = await sql<{ text: string }[]>`select text from todos where text like 'chaos-%' order by text`
    const stored = rows.map((row) => row.text)
    for (const page of pages) {
      await expect.poll(async () => (await shownTexts(page)).sort(), { timeout: RECOVERY_TIMEOUT_MS }).toEqual(stored)
    }
    return stored.length
  } finally {
    await sql.end()
  }
}

it('recovers both open browsers from shape server and Postgres restarts and crashes, without a reload', async () => {
  const cookie = await localOwnerCookie(stack.apps[0].url)
  const opened = await Promise.all(browsers.map((browser) => openTodos(browser)))
  const pages = opened.map(({ page }) => page)
  for (const page of pages) await page.evaluate(() => Object.assign(window, { chaosMarker: 'not reloaded' }))
  await timeUntilShown(pages, cookie)

  const figures: Record<string, number | string> = {}
  /** One fault while both pages are open; a todo written right after it must reach both. */
  async function survive(label: string, fault: () => Promise<void>) {
    const refetchesBefore = refetches
    const faultAt = performance.now()
    await fault()
    const backAt = performance.now()
    const after = await timeUntilShown(pages, cookie)
    figures[`${label}.refetches`] = refetches - refetchesBefore
    figures[`${label}.downMs`] = Math.round(backAt - faultAt)
    figures[`${label}.recoveredAfterBackMs`] = Math.round(after.ms)
    figures[`${label}.recoveredFromFaultMs`] = Math.round(performance.now() - faultAt)
  }
  for (let round = 1; round <= CHAOS_SCALE.restartRounds; round++) {
    // The shape server goes away; writes go on meanwhile (they only need Postgres).
    await survive(`shapeServerRestart${round}`, async () => {
      await stack.shapeServer.stop()
      await createTodo(cookie)
      await stack.shapeServer.start()
    })
    // The same, as a crash: no graceful stop, its replication slot is left as it was.
    await survive(`shapeServerCrash${round}`, async () => {
      await stack.shapeServer.kill()
      await createTodo(cookie)
      await stack.shapeServer.start()
    })
    // It stores its shapes (as `npm start` runs it): the pages carry on from their offsets.
    expect(figures[`shapeServerRestart${round}.refetches`]).toBe(0)
    expect(figures[`shapeServerCrash${round}.refetches`]).toBe(0)
    // Postgres goes away under the app and the shape server, and comes back on the same port:
    // first a fast shutdown, then a crash (SIGKILL to every Postgres process, crash recovery).
    await survive(`postgresRestart${round}`, () => stack.postgres.restart())
    await survive(`postgresCrash${round}`, () => stack.postgres.crashAndRestart())
  }

  figures.todos = await expectPagesMatchDatabase(pages)
  for (const page of pages) {
    expect(await page.evaluate(() => (window as unknown as { chaosMarker?: string }).chaosMarker)).toBe('not reloaded')
  }
  expect(opened.flatMap(({ errors }) => errors)).toEqual([])
  report('browsers-through-restarts', figures)
})

const WITHOUT_STORAGE = () => {
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() {
      throw new DOMException('The user denied access to storage.', 'SecurityError')
    },
  })
}

const FULL_STORAGE = () => {
  Storage.prototype.setItem = function setItem() {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  }
}

for (const [label, init] of [
  ['disabled', WITHOUT_STORAGE],
  ['full', FULL_STORAGE],
] as const) {
  it(`works with localStorage ${label}: todos are added and the filter still switches`, async () => {
    const { page, errors } = await openTodos(browsers[0], init)
    const text = `chaos-${randomUUID().slice(0, 8)}`
    await page.getByLabel('New todo').fill(text)
    await page.getByLabel('New todo').press('Enter')
    const row = todoItems(page).filter({ hasText: text })
    await expect(row).toHaveCount(1)
    await expect(row.getByText('Saving…')).toHaveCount(0, { timeout: 30_000 })
    await page.getByRole('radio', { name: /^Done/ }).click()
    await expect(row).toHaveCount(0)
    await page.getByRole('radio', { name: /^All/ }).click()
    await expect(row).toHaveCount(1)
    // A reload (the preference could not be kept) still shows the saved todo.
    await page.reload()
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true', { timeout: 30_000 })
    await expect(todoItems(page).filter({ hasText: text })).toHaveCount(1)
    expect(errors).toEqual([])
    await page.context().close()
  })
}
