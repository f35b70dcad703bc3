import { expect, type Page } from '@playwright/test'
import { gotoHydrated } from './page-helpers'

/**
 * Uploads a log the way the upload client does (a same-origin POST of the raw file from the
 * page) and answers the new session's id; for specs about the timeline rather than the upload UI.
 */
export async function uploadFromPage(page: Page, file: { name: string; buffer: Buffer }) {
  if (!page.url().startsWith('http')) await gotoHydrated(page, '/sessions')
  const result = await page.evaluate(
    async ({ name, text }) => {
      const response = await fetch(`/api/uploads?filename=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: text,
      })
      return { status: response.status, body: (await response.json()) as { sessionId?: string; message?: string } }
    },
    { name: file.name, text: file.buffer.toString('utf8') },
  )
  expect(result.status, result.body.message).toBe(201)
  return result.body.sessionId as string
}

export const eventRows = (page: Page) => page.getByTestId('event-row')

/** Opens a timeline URL and waits until its first rows are on screen. */
export async function openTimeline(page: Page, path: string) {
  await gotoHydrated(page, path)
  await expect(eventRows(page).first()).toBeVisible()
}

/** Whether the row is wholly inside the scrolled list's visible part (the page itself may cut the list). */
export function rowShownInList(page: Page, ordinal: number) {
  return page.getByTestId('timeline-scroll').evaluate((list, wanted) => {
    const row = list.querySelector(`[data-ordinal="${wanted}"]`)
    if (!row) return false
    const box = row.getBoundingClientRect()
    const view = list.getBoundingClientRect()
    return box.top >= view.top - 1 && box.bottom <= view.bottom + 1
  }, ordinal)
}
