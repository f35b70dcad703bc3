import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/**
 * An axe-core scan of the page, set up to cost less without checking less:
 *
 * - `resultTypes: ['violations']`: axe still runs every rule on every node, but keeps only one
 *   example node for passes, incomplete and inapplicable (which no spec reads), so long pages (a
 *   timeline, the explorer) are not summarised node by node;
 * - legacy mode runs `axe.run` in the page itself, instead of `runPartial` there plus `finishRun` in
 *   a new blank page of the context (a page, and a second injection of axe, per scan). The app has
 *   no cross-origin frames, the one thing legacy mode cannot scan.
 *
 * Callers choose what to include and which rules (tags) as before.
 */
export function axeBuilder(page: Page) {
  return new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).setLegacyMode(true)
}

/** WCAG 2.1 A/AA violations inside `include` (by default the page's own content, `main`), one line each. */
export async function axeViolations(page: Page, include = 'main') {
  const results = await axeBuilder(page)
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
