import { expect, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated } from './support/page-helpers'
import { expectNoHorizontalScroll, screenshotInBothThemes } from './support/themes'
import { todoPage } from './support/todo-page'

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const

const SAMPLE_TODOS = [
  'Rotate the ELECTRIC_SECRET on the staging box',
  'Review the misalignment from yesterday’s refactor session: the agent edited generated files under drizzle/meta although AGENTS.md says never to touch them',
  'Re-run the Codex import after the parser fix',
  'Add a hook that blocks force-pushes to main',
]

// Fresh password-mode accounts make the empty state reproducible whatever other specs stored.
test.use({ baseURL: E2E_URLS.passwordApp })

for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
  test.describe(viewportName, () => {
    test.use({ viewport, colorScheme: 'light' })

    test('sign-in, and the todo list empty, filled and failed, fit the screen; light and dark', async ({
      page,
      context,
    }) => {
      // Width is checked once (the theme does not change the layout); each state is photographed in both themes.
      const shot = async (name: string) => {
        await expectNoHorizontalScroll(page, name)
        await screenshotInBothThemes(page, (theme) => `test-results/screenshots/${viewportName}-${theme}-${name}.png`)
      }

      await gotoHydrated(page, '/sign-in')
      await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
      await shot('sign-in')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await expect(page.getByText('Enter a valid email address.')).toBeVisible()
      await shot('sign-in-invalid')

      await signUpDirectly(context, { name: 'Margaret Hamilton' })
      await gotoHydrated(page, '/todos')
      const todos = todoPage(page)
      await expect(page.getByRole('heading', { name: 'No todos yet' })).toBeVisible()
      await shot('todos-empty')

      for (const text of SAMPLE_TODOS) await todos.add(text)
      await todos.checkbox(SAMPLE_TODOS[0]).click()
      for (const text of SAMPLE_TODOS) await todos.expectSaved(text)
      await todos.newTodoInput.blur()
      await shot('todos-items')

      // The session ends behind the page's back; the next sync request is refused with 401.
      await gotoHydrated(page, '/')
      await context.clearCookies()
      if (viewportName === 'mobile') await page.getByRole('button', { name: 'Open navigation' }).click()
      await page.getByRole('link', { name: 'Todos' }).click()
      await expect(page.getByRole('heading', { name: 'Your session expired' })).toBeVisible()
      await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible()
      await shot('todos-error')
    })
  })
}
