import { expect, test } from '@playwright/test'
import { signUpThroughForm, TEST_PASSWORD, uniqueEmail } from './support/accounts'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated, waitForHydration } from './support/page-helpers'

// The AUTH_MODE=password instance, with its own database: every sign-up here is a fresh account.
test.use({ baseURL: E2E_URLS.passwordApp, colorScheme: 'light' })

async function signOutThroughMenu(page: import('@playwright/test').Page, name: string) {
  await page.getByRole('button', { name: `Account: ${name}` }).click()
  await page.getByRole('menuitem', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/sign-in$/)
  await waitForHydration(page)
}

test('signing up lands in the app; signing out returns to the sign-in page and ends the session', async ({ page }) => {
  const { name } = await signUpThroughForm(page, { name: 'Grace Hopper', next: '/todos' })
  await expect(page).toHaveURL(`${E2E_URLS.passwordApp}/todos`)
  await expect(page.getByRole('heading', { level: 1, name: 'Todos' })).toBeVisible()
  // A new account starts empty: nothing of the owner's (or anyone's) data.
  await expect(page.getByRole('heading', { name: 'No todos yet' })).toBeVisible()
  await expect(page.getByRole('button', { name: `Account: ${name}` })).toBeVisible()

  await signOutThroughMenu(page, name)
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  // The revoked session no longer opens pages: back to sign-in, remembering where we were going.
  await page.goto('/todos')
  await expect(page).toHaveURL(/\/sign-in\?next=%2Ftodos$/)
  const shape = await page.request.get('/api/shape?shape=todos&offset=-1')
  expect(shape.status()).toBe(401)
})

test('a signed-up user is not an operator: no System section in settings', async ({ page }) => {
  await signUpThroughForm(page, { name: 'Ida Rhodes' })
  await gotoHydrated(page, '/')
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()
  // A new account has no sessions: the upload is the call to action.
  await expect(page.getByRole('heading', { name: 'No sessions yet' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Choose files' })).toBeVisible()

  await gotoHydrated(page, '/settings')
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expect(page.getByRole('heading', { name: /^System/ })).toHaveCount(0)
  await expect(page.getByTestId('database-name')).toHaveCount(0)
  await expect(page.getByTestId('server-row-count-users')).toHaveCount(0)
})

test('a wrong password is refused with a message; the right one goes where the user was going', async ({ page }) => {
  const { name, email } = await signUpThroughForm(page, { name: 'Katherine Johnson' })
  await signOutThroughMenu(page, name)

  await page.goto('/todos')
  await expect(page).toHaveURL(/\/sign-in\?next=%2Ftodos$/)
  await waitForHydration(page)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('not the password at all')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.')
  await expect(page).toHaveURL(/\/sign-in/)

  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(`${E2E_URLS.passwordApp}/todos`)
  await waitForHydration(page)
  await expect(page.getByRole('button', { name: `Account: ${name}` })).toBeVisible()
})

test('the forms point out missing or invalid fields before sending anything', async ({ page }) => {
  const serverCalls: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/_serverFn/')) serverCalls.push(request.url())
  })
  await gotoHydrated(page, '/sign-up')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByLabel('Name')).toBeFocused()
  await expect(page.getByLabel('Name')).toHaveAccessibleDescription('Enter your name.')
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription('Enter a valid email address.')

  await page.getByLabel('Name').fill('Alan Turing')
  await page.getByLabel('Email').fill('alan@example.test')
  await page.getByLabel('Password').fill('short')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByLabel('Password')).toBeFocused()
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible()
  expect(serverCalls).toEqual([])

  await page.getByRole('link', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/sign-in/)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByLabel('Email')).toBeFocused()
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription('Enter your password.')
  expect(serverCalls).toEqual([])
})

test('after signing in, `next` is followed only within the app', async ({ page }) => {
  const email = uniqueEmail('next')
  const { name } = await signUpThroughForm(page, { name: 'Barbara Liskov', email, next: '//evil.example/phish' })
  await expect(page).toHaveURL(`${E2E_URLS.passwordApp}/`)
  await signOutThroughMenu(page, name)

  await page.goto(`/sign-in?next=${encodeURIComponent('https://evil.example/')}`)
  await waitForHydration(page)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(`${E2E_URLS.passwordApp}/`)
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()

  // Signed in already: the sign-in page sends the user straight on.
  await page.goto('/sign-in?next=%2Fsettings')
  await expect(page).toHaveURL(`${E2E_URLS.passwordApp}/settings`)
})

test('with sign-up closed (the default), /sign-up says so and the server function refuses', async ({ page }) => {
  // Capture a real sign-up call on the open instance, then send the same call to the closed one.
  const captured = page.waitForRequest(
    (request) => request.method() === 'POST' && request.url().includes('/_serverFn/'),
  )
  await signUpThroughForm(page, { name: 'Mary Jackson' })
  const call = await captured

  await page.context().clearCookies()
  await gotoHydrated(page, `${E2E_URLS.closedSignUpApp}/sign-up`)
  await expect(page.getByRole('heading', { level: 1, name: 'Sign-up is closed' })).toBeVisible()
  await expect(page.getByText('pnpm user:create')).toBeVisible()
  await expect(page.getByLabel('Password')).toHaveCount(0)
  await page.getByRole('link', { name: 'Sign in with an existing account' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  await expect(page.getByText('Ask the operator of this server')).toBeVisible()
  await expect(page.getByRole('link', { name: 'Create an account' })).toHaveCount(0)

  const email = uniqueEmail('closed')
  const { host: _openAppHost, cookie: _cookie, ...headers } = await call.allHeaders()
  const replayed = await page.request.post(`${E2E_URLS.closedSignUpApp}${new URL(call.url()).pathname}`, {
    headers: { ...headers, origin: E2E_URLS.closedSignUpApp },
    data: (call.postData() ?? '').replace(/[\w.+-]+@example\.test/, email),
  })
  expect(replayed.status()).toBe(403)
  expect(await replayed.text()).toMatch(/Sign-up is closed/)
  expect(replayed.headers()['set-cookie']).toBeUndefined()
})
