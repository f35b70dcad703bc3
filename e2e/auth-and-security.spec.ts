import { type APIRequestContext, expect, request as playwrightRequest, test } from '@playwright/test'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated } from './support/page-helpers'
import { syncedTodoTexts } from './support/shape-reader'
import { todoPage, uniqueTodo } from './support/todo-page'

const TODOS_SHAPE = '/api/shape?shape=todos&offset=-1'

/** A request context with no cookie jar of its own: every cookie a test sends is explicit. */
async function bareClient(baseURL: string = E2E_URLS.app) {
  return playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } })
}

/** What a browser gets on its first page load in local mode: a fresh session for the local owner. */
async function sessionCookieFrom(client: APIRequestContext) {
  const response = await client.get('/', { headers: { accept: 'text/html', 'sec-fetch-dest': 'document' } })
  const setCookie = response.headers()['set-cookie'] ?? ''
  const token = /sc_session=([^;]+)/.exec(setCookie)?.[1]
  expect(token, 'a page load in local mode issues a session cookie').toBeTruthy()
  return `sc_session=${token}`
}

test('shape requests without a session, or with a forged one, are refused with 401', async () => {
  const client = await bareClient()
  const anonymous = await client.get(TODOS_SHAPE)
  expect(anonymous.status()).toBe(401)
  expect(anonymous.headers()['cache-control']).toBe('no-store')
  expect((await anonymous.json()).message).toMatch(/not signed in/)

  const forgedToken = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
  for (const cookie of [`sc_session=${forgedToken}`, 'sc_session=not-a-token', 'sc_session=']) {
    const forged = await client.get(TODOS_SHAPE, { headers: { cookie } })
    expect(forged.status(), cookie).toBe(401)
  }
  await client.dispose()
})

test('state-changing requests from another site are refused with 403, before any work is done', async ({ page }) => {
  const client = await bareClient()
  const cookie = await sessionCookieFrom(client)

  const crossSiteHeaders: Record<string, string>[] = [
    { origin: 'http://evil.example' },
    { 'sec-fetch-site': 'cross-site' },
  ]
  for (const headers of crossSiteHeaders) {
    const shape = await client.post(TODOS_SHAPE, {
      headers: { cookie, 'content-type': 'application/json', ...headers },
      data: {},
    })
    expect(shape.status(), JSON.stringify(headers)).toBe(403)
  }

  // Replay a real server-function call (captured from the page) as if another site had sent it.
  const todos = todoPage(page)
  await gotoHydrated(page, '/todos')
  const pageCookie = (await page.context().cookies()).find((candidate) => candidate.name === 'sc_session')
  const captured = page.waitForRequest(
    (request) => request.method() === 'POST' && request.url().includes('/_serverFn/'),
  )
  const original = uniqueTodo('Captured call')
  await todos.add(original)
  const call = await captured
  const replayedBody = (call.postData() ?? '').replaceAll(original, 'Forged by another site')
  const forgedCall = await client.post(call.url(), {
    headers: {
      ...(await call.allHeaders()),
      cookie: `sc_session=${pageCookie?.value}`,
      origin: 'http://evil.example',
      'sec-fetch-site': 'cross-site',
    },
    data: replayedBody,
  })
  expect(forgedCall.status()).toBe(403)
  await todos.expectSaved(original)
  expect(await syncedTodoTexts(page.request)).not.toContain('Forged by another site')
  await client.dispose()
})

test('a session cookie issued by one app instance is accepted by the other', async ({ page }) => {
  const first = await bareClient(E2E_URLS.app)
  const second = await bareClient(E2E_URLS.secondApp)
  const cookie = await sessionCookieFrom(first)

  const shapeFromSecond = await second.get(TODOS_SHAPE, { headers: { cookie } })
  expect(shapeFromSecond.status()).toBe(200)
  // A page load on the other instance keeps the session instead of issuing a new one.
  const pageFromSecond = await second.get('/todos', { headers: { cookie, 'sec-fetch-dest': 'document' } })
  expect(pageFromSecond.status()).toBe(200)
  expect(pageFromSecond.headers()['set-cookie']).toBeUndefined()

  // And a todo written through one instance is read through the other with that same cookie.
  const text = uniqueTodo('Written on instance one')
  await page.context().addCookies([{ name: 'sc_session', value: cookie.split('=')[1], url: E2E_URLS.app }])
  await gotoHydrated(page, '/todos')
  await todoPage(page).add(text)
  await todoPage(page).expectSaved(text)
  expect(await syncedTodoTexts(second, { headers: { cookie } })).toContain(text)

  await first.dispose()
  await second.dispose()
})

test('in local mode, /sign-in explains that no sign-in is needed', async ({ page }) => {
  await gotoHydrated(page, '/sign-in')
  await expect(page.getByRole('heading', { level: 1, name: 'No sign-in needed' })).toBeVisible()
  await expect(page.getByText('This server runs in local mode.')).toBeVisible()
  await page.getByRole('link', { name: 'Open Session Coach' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Account: Local owner' })).toBeVisible()
})

test('in local mode, "Sign out" revokes the session and the reload starts a fresh one', async ({ page }) => {
  await gotoHydrated(page, '/todos')
  const sessionCookie = async () =>
    (await page.context().cookies()).find((cookie) => cookie.name === 'sc_session')?.value
  const before = await sessionCookie()

  await page.getByRole('button', { name: 'Account: Local owner' }).click()
  await page.getByRole('menuitem', { name: 'Sign out' }).click()
  await expect.poll(sessionCookie).not.toBe(before)
  await expect(page.getByRole('button', { name: 'Account: Local owner' })).toBeVisible()

  const client = await bareClient()
  const withOldCookie = await client.get(TODOS_SHAPE, { headers: { cookie: `sc_session=${before}` } })
  expect(withOldCookie.status()).toBe(401)
  await client.dispose()
})
