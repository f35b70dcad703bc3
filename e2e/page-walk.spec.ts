/**
 * One walk over every page of the app, with a real session in the account, at desktop width and at
 * 390 px. Each page is opened once per width and checked for everything a page owes at that width:
 *
 * - it reaches its content (not a skeleton) and nothing is wider than the screen;
 * - axe-core finds no WCAG 2.1 A/AA violation on the WHOLE page (shell, navigation and account
 *   menu included; the feature specs scan their own content in its interesting states);
 * - a screenshot in light and one in dark land in test-results/screenshots for people to look at.
 *
 * The layout does not depend on the theme, so width and axe are checked in light; the dark
 * screenshot is taken on the same page after switching the system theme (the app follows it live),
 * not on a second visit. Password mode's signed-out pages and a new account's empty pages are
 * scanned by the second test.
 */
import { expect, type Page, test } from '@playwright/test'
import { signUpDirectly } from './support/accounts'
import { uniqueRollout } from './support/agent-log-files'
import { axeBuilder } from './support/axe'
import { E2E_URLS } from './support/e2e-ports'
import { gotoHydrated } from './support/page-helpers'
import { createShareLinkFromSessionPage } from './support/share-page'
import { expectNoHorizontalScroll, screenshotInBothThemes, switchSystemTheme } from './support/themes'
import { uploadFromPage } from './support/timeline-page'

// Fourteen pages per width, each hydrating, syncing its shapes and scanned: about a minute alone, but
// over five on a 2-core machine loaded twenty times over (seen while others ran their suites). The
// walks share nothing (each uploads its own session), so both workers can take one.
test.describe.configure({ mode: 'parallel', timeout: 600_000 })
test.use({ colorScheme: 'light' })

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const

/** A page, what shows that it has its content, and whether this walk scans it with axe. */
interface PageVisit {
  name: string
  path: (ids: { sessionId: string; sharePath: string }) => string
  loaded: (page: Page) => ReturnType<Page['getByRole']>
  /** Scanned elsewhere (sign-in: the password-mode test) or a state of a scanned page (an open event). */
  axe: boolean
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).first()

const PAGES: PageVisit[] = [
  { name: 'explorer', path: () => '/', loaded: (page) => page.getByTestId('explorer-session').first(), axe: true },
  {
    name: 'timeline',
    path: ({ sessionId }) => `/sessions/${sessionId}`,
    loaded: (page) => page.getByTestId('event-row').first(),
    axe: true,
  },
  {
    name: 'timeline-event',
    path: ({ sessionId }) => `/sessions/${sessionId}#12`,
    loaded: (page) => page.getByTestId('event-detail').first(),
    axe: false,
  },
  { name: 'session-stats', path: ({ sessionId }) => `/sessions/${sessionId}/stats`, loaded: heading, axe: true },
  {
    name: 'search',
    path: () => '/search?q=paginate',
    loaded: (page) => page.getByTestId('search-result').first(),
    axe: true,
  },
  { name: 'stats', path: () => '/stats', loaded: heading, axe: true },
  { name: 'rules', path: () => '/rules', loaded: heading, axe: true },
  { name: 'coach', path: ({ sessionId }) => `/coach?sessionId=${sessionId}`, loaded: heading, axe: true },
  { name: 'todos', path: () => '/todos', loaded: heading, axe: true },
  { name: 'settings', path: () => '/settings', loaded: heading, axe: true },
  { name: 'not-found', path: () => '/no-such-page', loaded: heading, axe: false },
  // A share link's visitor page (no shell: the visitor has no account), and an unknown link.
  {
    name: 'share-visitor',
    path: ({ sharePath }) => sharePath,
    loaded: (page) => page.getByTestId('event-row').first(),
    axe: true,
  },
  { name: 'share-unknown', path: () => `/share/scs_${'A'.repeat(43)}`, loaded: heading, axe: true },
  { name: 'sign-in', path: () => `${E2E_URLS.passwordApp}/sign-in`, loaded: heading, axe: false },
]

async function violationsOn(page: Page) {
  const results = await axeBuilder(page).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.html.slice(0, 160)).join(' | ')})`,
  )
}

for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
  test.describe(viewportName, () => {
    test.use({ viewport })

    test('every page reaches its content, fits the width, has no WCAG 2.1 AA violations; light and dark', async ({
      page,
    }) => {
      const sessionId = await uploadFromPage(page, uniqueRollout())
      await gotoHydrated(page, `/sessions/${sessionId}`)
      const sharePath = new URL(await createShareLinkFromSessionPage(page)).pathname

      const violations: string[] = []
      for (const visit of PAGES) {
        const path = visit.path({ sessionId, sharePath })
        await gotoHydrated(page, path)
        await expect(visit.loaded(page)).toBeVisible({ timeout: 30_000 })
        await switchSystemTheme(page, 'light')
        await expectNoHorizontalScroll(page, path)
        if (visit.axe) for (const violation of await violationsOn(page)) violations.push(`${path}: ${violation}`)
        await screenshotInBothThemes(
          page,
          (theme) => `test-results/screenshots/${viewportName}-${theme}-${visit.name}.png`,
        )
      }
      expect(violations).toEqual([])
    })
  })
}

test('password mode: the sign-in and sign-up pages and a new account’s pages have no WCAG 2.1 AA violations', async ({
  page,
}) => {
  const scan = async (paths: readonly string[]) => {
    const found: string[] = []
    for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport)
      for (const path of paths) {
        await gotoHydrated(page, `${E2E_URLS.passwordApp}${path}`)
        await expect(heading(page)).toBeVisible({ timeout: 30_000 })
        for (const violation of await violationsOn(page)) found.push(`${viewportName} ${path}: ${violation}`)
      }
    }
    return found
  }
  // Signed out first.
  expect(await scan(['/sign-in', '/sign-up'])).toEqual([])
  await page.setViewportSize(VIEWPORTS.desktop)
  await signUpDirectly(page.context())
  // A fresh account: every page in its empty state, with the account menu in the header.
  expect(await scan(['/', '/todos', '/search', '/stats', '/coach', '/rules', '/settings'])).toEqual([])
})
