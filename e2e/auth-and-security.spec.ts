import { request as httpRequest } from 'node:http'
import { type APIRequestContext, expect, type Page, request as playwrightRequest, test } from '@playwright/test'
import { E2E_HOST, E2E_PORTS, E2E_URLS } from './support/e2e-ports'
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

/** A real `createTodo` call made by the page, to be replayed with other headers. */
async function captureCreateTodoCall(page: Page) {
  const todos = todoPage(page)
  await gotoHydrated(page, '/todos')
  const pageCookie = (await page.context().cookies()).find((candidate) => candidate.name === 'sc_session')
  const captured = page.waitForRequest(
    (request) => request.method() === 'POST' && request.url().includes('/_serverFn/'),
  )
  const original = uniqueTodo('Captured call')
  await todos.add(original)
  const call = await captured
  await todos.expectSaved(original)
  return {
    url: call.url(),
    headers: await call.allHeaders(),
    cookie: `sc_session=${pageCookie?.value}`,
    /** The same call creating a todo with `text` under a fresh id. */
    bodyFor: (text: string) =>
      (call.postData() ?? '')
        .replaceAll(original, text)
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/, crypto.randomUUID()),
  }
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
  const call = await captureCreateTodoCall(page)
  const forgedCall = await client.post(call.url, {
    headers: { ...call.headers, cookie: call.cookie, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    data: call.bodyFor('Forged by another site'),
  })
  expect(forgedCall.status()).toBe(403)
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
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()
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

test('DNS rebinding: a host name the app is not served as gets 421 before any session work', async ({ page }) => {
  const client = await bareClient()
  const rebound = { host: `rebind.evil.example:${E2E_PORTS.app}` }
  const navigation = await client.get('/', {
    headers: { ...rebound, accept: 'text/html', 'sec-fetch-dest': 'document' },
  })
  expect(navigation.status()).toBe(421)
  expect(navigation.headers()['set-cookie'], 'no session is issued to a foreign host').toBeUndefined()

  // Even with a cookie the rebinding page somehow holds, neither reads nor writes get through.
  const cookie = await sessionCookieFrom(client)
  expect((await client.get(TODOS_SHAPE, { headers: { ...rebound, cookie } })).status()).toBe(421)
  const call = await captureCreateTodoCall(page)
  const text = uniqueTodo('Written via DNS rebinding')
  const write = await client.post(call.url, {
    headers: {
      ...call.headers,
      ...rebound,
      cookie: call.cookie,
      origin: `http://${rebound.host}`,
      'sec-fetch-site': 'same-origin',
    },
    data: call.bodyFor(text),
  })
  expect(write.status()).toBe(421)

  // The names the app is served as still work; /api/health answers any host (status only).
  expect((await client.get(TODOS_SHAPE, { headers: { host: `localhost:${E2E_PORTS.app}`, cookie } })).status()).toBe(
    200,
  )
  const health = await client.get('/api/health', { headers: rebound })
  expect(health.status()).toBe(200)
  expect(await syncedTodoTexts(page.request)).not.toContain(text)
  await client.dispose()
})

test('the expected origin comes from configuration, never from X-Forwarded-Host', async ({ page }) => {
  const client = await bareClient()
  const call = await captureCreateTodoCall(page)
  const text = uniqueTodo('Forwarded host forgery')
  const forged = await client.post(call.url, {
    headers: {
      ...call.headers,
      cookie: call.cookie,
      origin: 'http://evil.example',
      'x-forwarded-host': 'evil.example',
      'sec-fetch-site': 'same-origin',
    },
    data: call.bodyFor(text),
  })
  expect(forged.status()).toBe(403)
  expect(await syncedTodoTexts(page.request)).not.toContain(text)
  await client.dispose()
})

/**
 * Sends only the headers and the first 64 KiB of a body that claims `declaredBytes`, then waits
 * for the answer: a server that read (or buffered) the body before judging it would never answer.
 */
function postDeclaringBody(path: string, declaredBytes: number, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(
      {
        host: E2E_HOST,
        port: E2E_PORTS.app,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-length': String(declaredBytes), ...headers },
      },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk) => {
          body += chunk
        })
        response.on('end', () => {
          request.destroy()
          resolve({ status: response.statusCode ?? 0, body })
        })
      },
    )
    request.on('error', reject)
    request.write(Buffer.alloc(64 * 1024, 0x20))
  })
}

test('oversized bodies get 413 before they are read, on server functions and /api/shape alike', async ({ page }) => {
  const call = await captureCreateTodoCall(page)
  const serverFnPath = new URL(call.url).pathname
  // 200 MB, unauthenticated, to a server function: refused from the headers alone.
  const serverFn = await postDeclaringBody(serverFnPath, 200 * 1024 * 1024, { 'x-tsr-serverfn': 'true' })
  expect(serverFn.status).toBe(413)
  expect(JSON.parse(serverFn.body).message).toMatch(/larger than this endpoint accepts \(1 MiB\)/)
  const shape = await postDeclaringBody(TODOS_SHAPE, 100 * 1024 * 1024, { cookie: call.cookie })
  expect(shape.status).toBe(413)
  const page404 = await postDeclaringBody('/todos', 50 * 1024 * 1024)
  expect(page404.status).toBe(413)

  // A body of unknown length is refused too; the server is still answering afterwards.
  const client = await bareClient()
  const chunked = await new Promise<number>((resolve, reject) => {
    const request = httpRequest(
      {
        host: E2E_HOST,
        port: E2E_PORTS.app,
        method: 'POST',
        path: serverFnPath,
        headers: { 'transfer-encoding': 'chunked' },
      },
      (response) => {
        response.resume()
        request.destroy()
        resolve(response.statusCode ?? 0)
      },
    )
    request.on('error', reject)
    request.write('{')
  })
  expect(chunked).toBe(411)
  expect((await client.get('/api/health')).status()).toBe(200)
  await client.dispose()
})

test('pages carry security headers and work under their Content-Security-Policy', async ({ page }) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  const response = await gotoHydrated(page, '/todos')
  const headers = response?.headers() ?? {}
  expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
  expect(headers['content-security-policy']).toMatch(/object-src 'none'/)
  expect(headers['x-frame-options']).toBe('DENY')
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('same-origin')
  expect(headers['cache-control']).toBe('no-store')

  // The page works under the policy: a write goes out and comes back through the shape stream.
  const text = uniqueTodo('Under CSP')
  await todoPage(page).add(text)
  await todoPage(page).expectSaved(text)
  await gotoHydrated(page, '/')
  await gotoHydrated(page, '/settings')
  expect(problems).toEqual([])
})

test('inline scripts run only with the response nonce, which changes with every page', async ({ page }) => {
  const nonceOf = (policy: string | undefined) =>
    /script-src 'self' 'nonce-([A-Za-z0-9+/=]{22,})'/.exec(policy ?? '')?.[1]
  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text())
  })
  const first = await gotoHydrated(page, '/settings')
  const policy = first?.headers()['content-security-policy']
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/)
  const nonce = nonceOf(policy)
  expect(nonce, 'the built server sends a script nonce').toBeTruthy()

  // Every inline script of the document carries it (the router's hydration data, the theme boot).
  const html = await first?.text()
  const inlineScripts = [...(html ?? '').matchAll(/<script(?![^>]*\ssrc=)([^>]*)>/g)].map((match) => match[1])
  expect(inlineScripts.length).toBeGreaterThan(0)
  for (const attributes of inlineScripts) expect(attributes).toContain(`nonce="${nonce}"`)

  const second = await gotoHydrated(page, '/settings')
  expect(nonceOf(second?.headers()['content-security-policy'])).not.toBe(nonce)
  expect(violations, 'the app itself runs no script the policy refuses').toEqual([])

  // An injected inline script without the nonce is refused by the browser.
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script')
    script.textContent = 'window.__injected = true'
    document.body.append(script)
    await new Promise((resolve) => setTimeout(resolve, 50))
    return (window as unknown as { __injected?: boolean }).__injected === true
  })
  expect(ran).toBe(false)
  await expect.poll(() => violations.length).toBeGreaterThan(0)
})

test('/api/shape answers other methods with 405, not the HTML shell', async () => {
  const client = await bareClient()
  const cookie = await sessionCookieFrom(client)
  for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    const response = await client.fetch(TODOS_SHAPE, { method, headers: { cookie } })
    expect(response.status(), method).toBe(405)
    expect(response.headers()['content-type'], method).toMatch(/json/)
  }
  const shape = await client.get(TODOS_SHAPE, { headers: { cookie } })
  expect(Object.keys(shape.headers()).filter((name) => name.startsWith('access-control-'))).toEqual([])
  expect(shape.headers()['cache-control']).not.toMatch(/s-maxage/)
  await client.dispose()
})

test('the system overview server function needs a session and shows nothing without one', async ({ page }) => {
  await gotoHydrated(page, '/todos')
  // The settings loader's System call is the GET server function whose answer has `checkedAt`.
  const overviewCall = page.waitForResponse(
    async (response) =>
      response.request().method() === 'GET' &&
      response.url().includes('/_serverFn/') &&
      (await response.text()).includes('checkedAt'),
  )
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
  const call = (await overviewCall).request()
  await expect(page.getByTestId('row-count-todos')).toBeVisible()

  const client = await bareClient()
  const anonymous = await client.get(call.url(), { headers: { 'x-tsr-serverfn': 'true' } })
  const body = await anonymous.text()
  expect(body).toMatch(/not signed in/)
  expect(body).not.toMatch(/serverVersion|walLevel|databaseName|"rows"/)
  await client.dispose()
})
