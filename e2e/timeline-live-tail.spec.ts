/**
 * A session whose log is still being written: the app tails a file in its watched folder
 * (E2E_AGENT_LOG_DIR) and the open timeline grows without a reload. A reader in the middle of the
 * list stays on the row they were reading (oldest first: rows arrive below; newest first: above);
 * a reader at the end follows the new rows; a reader elsewhere is offered "N new events".
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { uniqueRollout } from './support/agent-log-files'
import { E2E_AGENT_LOG_DIR } from './support/e2e-ports'
import { findInExplorer } from './support/explorer-page'
import { gotoHydrated } from './support/page-helpers'
import { eventRows, rowShownInList } from './support/timeline-page'

// Discovery, ingest and the shape stream per append: seconds each on a busy machine.
test.describe.configure({ timeout: 120_000 })

/** A log in the watched folder, written in parts: the first `firstLines`, later the rest. */
function liveLog(firstLines: number) {
  const whole = uniqueRollout()
  const lines = whole.buffer.toString('utf8').split('\n').filter(Boolean)
  const path = join(E2E_AGENT_LOG_DIR, `rollout-live-${whole.id}.jsonl`)
  writeFileSync(path, `${lines.slice(0, firstLines).join('\n')}\n`)
  let written = firstLines
  return {
    id: whole.id,
    /** Appends the next `count` lines (all that are left without a count), as an agent writes them. */
    append(count = lines.length - written) {
      const next = lines.slice(written, written + count)
      written += next.length
      appendFileSync(path, `${next.join('\n')}\n`)
    },
  }
}

async function openDiscoveredTimeline(page: Page, agentSessionId: string, search = '') {
  await gotoHydrated(page, '/')
  // Discovery scans the folder every second; the session appears in the explorer by itself.
  await expect(page.getByTestId('explorer-summary')).toBeVisible({ timeout: 30_000 })
  const row = await findInExplorer(page, agentSessionId)
  await row.getByRole('link', { name: 'Why is CI red on main?', exact: true }).click()
  await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/)
  if (search) await gotoHydrated(page, `${new URL(page.url()).pathname}${search}`)
  await expect(eventRows(page).first()).toBeVisible()
}

const loadedCount = async (page: Page) =>
  Number(/^[\d,]+/.exec((await page.getByTestId('timeline-count').textContent()) ?? '')?.[0].replaceAll(',', ''))

/** The ordinal of the first row wholly inside the list's visible part. */
function firstVisibleOrdinal(page: Page) {
  return page.getByTestId('timeline-scroll').evaluate((list) => {
    const view = list.getBoundingClientRect()
    const visible = [...list.querySelectorAll<HTMLElement>('[data-ordinal]')]
      .map((row) => ({ ordinal: Number(row.dataset.ordinal), top: row.getBoundingClientRect().top }))
      .filter((row) => row.top >= view.top - 1 && row.top < view.bottom)
      .sort((a, b) => a.top - b.top)
    return visible[0]?.ordinal ?? null
  })
}

/** Scrolls the list so that the row `index` places from the top is the first one shown. */
async function scrollToRow(page: Page, index: number) {
  await page.getByTestId('timeline-scroll').evaluate((list, rows) => {
    list.scrollTop = rows * 64
  }, index)
}

test('a reader in the middle of a live session stays on their row while events arrive below', async ({ page }) => {
  const log = liveLog(80)
  await openDiscoveredTimeline(page, log.id)
  const before = await loadedCount(page)
  await scrollToRow(page, 10)
  await expect.poll(() => firstVisibleOrdinal(page)).toBe(10)
  // A mark React does not manage: still there afterwards means the list was never replaced.
  await page.getByTestId('timeline-scroll').evaluate((list) => {
    list.dataset.reader = 'here'
  })

  log.append(60)
  await expect.poll(() => loadedCount(page), { timeout: 30_000 }).toBeGreaterThan(before)
  const afterFirst = await loadedCount(page)
  log.append()
  await expect.poll(() => loadedCount(page), { timeout: 30_000 }).toBeGreaterThan(afterFirst)

  await expect(page.getByTestId('timeline-scroll')).toHaveAttribute('data-reader', 'here')
  expect(await firstVisibleOrdinal(page)).toBe(10)
  // Not at the end, so the list does not follow; it says how many arrived instead.
  const newEvents = page.getByRole('button', { name: /^\d+ new events?$/ })
  await expect(newEvents).toBeVisible()
  expect(await firstVisibleOrdinal(page)).toBe(10)
  await newEvents.click()
  const total = await loadedCount(page)
  await expect.poll(() => rowShownInList(page, total - 1)).toBe(true)
  await expect(newEvents).toHaveCount(0)
})

test('a reader at the end of a live session follows the new events', async ({ page }) => {
  const log = liveLog(80)
  await openDiscoveredTimeline(page, log.id)
  const before = await loadedCount(page)
  await page.getByTestId('timeline-scroll').evaluate((list) => {
    list.scrollTop = list.scrollHeight
  })
  await expect.poll(() => rowShownInList(page, before - 1)).toBe(true)

  log.append()
  await expect.poll(() => loadedCount(page), { timeout: 30_000 }).toBeGreaterThan(before)
  const after = await loadedCount(page)
  await expect.poll(() => rowShownInList(page, after - 1)).toBe(true)
  await expect(page.getByRole('button', { name: /new events?$/ })).toHaveCount(0)
})

test('newest first, a reader in the middle stays on their row while events arrive above', async ({ page }) => {
  const log = liveLog(80)
  await openDiscoveredTimeline(page, log.id, '?order=newest')
  const before = await loadedCount(page)
  await scrollToRow(page, 10)
  const reading = before - 1 - 10
  await expect.poll(() => firstVisibleOrdinal(page)).toBe(reading)

  log.append()
  await expect.poll(() => loadedCount(page), { timeout: 30_000 }).toBeGreaterThan(before)
  expect(await firstVisibleOrdinal(page)).toBe(reading)
  await expect(page.getByRole('button', { name: /^\d+ new events?$/ })).toBeVisible()
  expect(await firstVisibleOrdinal(page)).toBe(reading)
})
