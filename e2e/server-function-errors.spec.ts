/**
 * Server-function failures over the real wire (POST /_serverFn/<id>, the request the UI's client
 * sends): each carries its HTTP status, malformed bodies are 400, a retried create is idempotent,
 * and concurrent sign-ups with one e-mail give one account and 409s.
 */
import { type APIRequestContext, expect, type Page, request as playwrightRequest, test } from '@playwright/test'
import { TEST_PASSWORD, uniqueEmail } from './support/accounts'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated, waitForHydration } from './support/page-helpers'
import { todoPage, uniqueTodo } from './support/todo-page'

/** `{ data: { …strings } }` in the client's wire format (seroval's JSON). */
function serovalData(fields: Record<string, string>) {
  const keys = Object.keys(fields)
  const values = keys.map((key) => ({ t: 1, s: fields[key] }))
  return JSON.stringify({
    t: { t: 10, i: 0, p: { k: ['data'], v: [{ t: 10, i: 1, p: { k: keys, v: values }, o: 0 }] }, o: 0 },
    f: 127,
    m: [],
  })
}

async function bareClient(baseURL: string) {
  return playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } })
}

async function sessionCookie(page: Page) {
  const cookie = (await page.context().cookies()).find((candidate) => candidate.name === 'sc_session')
  expect(cookie, 'the page has a session cookie').toBeTruthy()
  return `sc_session=${cookie?.value}`
}

/** Calls a server function the way the browser's client does. */
function callWith(client: APIRequestContext, origin: string, cookie?: string) {
  return (url: string, body: string | Buffer) =>
    client.post(url, {
      headers: {
        'x-tsr-serverFn': 'true',
        'content-type': 'application/json',
        origin,
        ...(cookie ? { cookie } : {}),
      },
      data: body,
    })
}

async function capturedCall(page: Page, action: () => Promise<void>) {
  const [request] = await Promise.all([
    page.waitForRequest((candidate) => candidate.method() === 'POST' && candidate.url().includes('/_serverFn/')),
    action(),
  ])
  const response = await request.response()
  // A call that navigates (sign-up) has no body left to read; only the todo calls need it.
  const responseText = await response?.text().catch(() => '')
  return { url: request.url(), body: request.postData() ?? '', responseText: responseText ?? '' }
}

test('todo server functions answer with the status of their failure', async ({ page }) => {
  const todos = todoPage(page)
  await gotoHydrated(page, '/todos')
  const text = uniqueTodo('Status check')
  const create = await capturedCall(page, () => todos.add(text))
  await todos.expectSaved(text)

  const client = await bareClient(E2E_URLS.app)
  const call = callWith(client, E2E_URLS.app, await sessionCookie(page))
  const idOf = /"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/.exec(create.body)?.[1] ?? ''
  expect(idOf).not.toBe('')

  // A retry of the committed create (its answer lost, say) is the same todo, with the same txid.
  const retry = await call(create.url, create.body)
  expect(retry.status()).toBe(200)
  expect(await retry.text()).toBe(create.responseText)

  const update = await capturedCall(page, () => todos.checkbox(text).click())
  await todos.expectSaved(text)

  const changed = await call(create.url, create.body.replace(text, `${text} (changed)`))
  expect(changed.status()).toBe(409)
  expect(await changed.text()).toContain('A different todo with this id already exists')

  const invalid = await call(create.url, serovalData({ id: 'x', text: 'valid text' }))
  expect(invalid.status()).toBe(400)
  expect(await invalid.text()).toContain('id: ')

  const foreignSession = await call(
    create.url,
    serovalData({ id: crypto.randomUUID(), text: 'linked', sessionId: crypto.randomUUID() }),
  )
  expect(foreignSession.status()).toBe(403)
  expect(await foreignSession.text()).toContain('You cannot link a todo to a session')

  const missing = await call(update.url, update.body.replace(idOf, crypto.randomUUID()))
  expect(missing.status()).toBe(404)
  expect(await missing.text()).toContain('does not exist or is not yours')

  const anonymous = await callWith(client, E2E_URLS.app)(
    create.url,
    serovalData({ id: crypto.randomUUID(), text: 'x' }),
  )
  expect(anonymous.status()).toBe(401)

  const deep = 20_000
  const malformed: [string, string | Buffer][] = [
    ['truncated JSON', '{"t":'],
    ['empty body', ''],
    ['plain JSON', JSON.stringify({ data: { id: crypto.randomUUID(), text: 'plain' } })],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from('{"t":{"t":1,"s":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}}')]),
    ],
    ['deep nesting', `{"t":{"t":9,"a":${'['.repeat(deep)}${']'.repeat(deep)}},"f":127,"m":[]}`],
  ]
  for (const [label, body] of malformed) {
    const response = await call(create.url, body)
    expect(response.status(), label).toBe(400)
    expect(await response.text(), label).toContain('The request could not be read')
  }
  await client.dispose()
})

test('concurrent sign-ups with one e-mail: one account, the rest 409; a NUL in the name is stored', async ({
  page,
}) => {
  await page.goto(`${E2E_URLS.passwordApp}/sign-up`)
  await waitForHydration(page)
  await page.getByLabel('Name').fill('Ada Lovelace')
  await page.getByLabel('Email').fill(uniqueEmail('capture'))
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  const signUp = await capturedCall(page, () => page.getByRole('button', { name: 'Create account' }).click())

  const client = await bareClient(E2E_URLS.passwordApp)
  const call = callWith(client, E2E_URLS.passwordApp)
  const email = uniqueEmail('race')
  const body = serovalData({ email, password: TEST_PASSWORD, displayName: 'Racer' })
  const responses = await Promise.all(Array.from({ length: 5 }, () => call(signUp.url, body)))
  const statuses = responses.map((response) => response.status()).sort()
  expect(statuses).toEqual([200, 409, 409, 409, 409])
  for (const response of responses.filter((candidate) => candidate.status() === 409)) {
    expect(await response.text()).toContain('An account with this email already exists')
  }

  const withNul = await call(
    signUp.url,
    serovalData({ email: uniqueEmail('nul'), password: TEST_PASSWORD, displayName: 'Ada\u0000Lovelace' }),
  )
  expect(withNul.status()).toBe(200)
  await client.dispose()
})
