/**
 * Every page of the app, scanned WHOLE (shell, navigation and account menu included) by axe-core for
 * WCAG 2.1 A/AA, at desktop width and at 390 px, in local mode and in password mode. The feature
 * specs scan their own content in its interesting states; this spec makes sure no page, and no
 * part of the shared shell around it, is left out.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'
import { signUpThroughForm } from './support/accounts'
import { uniqueRollout } from './support/agent-log-files'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated } from './support/page-helpers'
import { createShareLinkFromSessionPage } from './support/share-page'
import { uploadFromPage } from './support/timeline-page'

// Each test opens many pages, each hydrating and syncing its shapes: minutes on a busy 2-core machine.
test.describe.configure({ timeout: 240_000 })

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const

async function violationsOn(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.html.slice(0, 160)).join(' | ')})`,
  )
}

/** Opens each path at each width, waits for the page's heading, and collects what axe finds. */
async function scanPages(page: Page, base: string, paths: readonly string[]) {
  const found: string[] = []
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height })
    for (const path of paths) {
      await gotoHydrated(page, `${base}${path}`)
      await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible({ timeout: 30_000 })
      for (const violation of await violationsOn(page)) found.push(`${viewport.name} ${path}: ${violation}`)
    }
  }
  return found
}

test('local mode: every page, with a session in the account, has no WCAG 2.1 AA violations', async ({ page }) => {
  await gotoHydrated(page, '/')
  const sessionId = await uploadFromPage(page, uniqueRollout())
  // A share link's visitor page (no shell: the visitor has no account).
  await gotoHydrated(page, `/sessions/${sessionId}`)
  const sharePath = new URL(await createShareLinkFromSessionPage(page)).pathname
  const paths = [
    '/',
    '/todos',
    `/sessions/${sessionId}`,
    `/sessions/${sessionId}/stats`,
    '/search?q=migration',
    '/stats',
    `/coach?sessionId=${sessionId}`,
    '/rules',
    '/settings',
    sharePath,
    `/share/scs_${'A'.repeat(43)}`,
  ]
  expect(await scanPages(page, '', paths)).toEqual([])
})

test('password mode: the sign-in and sign-up pages and a new account’s pages have no WCAG 2.1 AA violations', async ({
  page,
}) => {
  // Signed out first.
  expect(await scanPages(page, E2E_URLS.passwordApp, ['/sign-in', '/sign-up'])).toEqual([])
  await page.setViewportSize({ width: 1280, height: 800 })
  await signUpThroughForm(page)
  // A fresh account: every page in its empty state, with the account menu in the header.
  const paths = ['/', '/todos', '/search', '/stats', '/coach', '/rules', '/settings']
  expect(await scanPages(page, E2E_URLS.passwordApp, paths)).toEqual([])
})
