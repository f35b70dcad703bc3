import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/** WCAG 2.1 A/AA violations inside `include` (by default the page's own content, `main`), one line each. */
export async function axeViolations(page: Page, include = 'main') {
  const results = await new AxeBuilder({ page })
    .include(include)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  return results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.html.slice(0, 160)).join(' | ')})`,
  )
}

/** The page's own content (`main`) has no WCAG 2.1 A/AA violations; the shared shell has its own specs. */
export async function expectNoAxeViolations(page: Page, include = 'main') {
  expect(await axeViolations(page, include)).toEqual([])
}
