/**
 * `pnpm bench timeline-load`: the session timeline in Chromium against the built app, for sessions
 * of 10k and 100k events: time to the first painted row, time until paging has loaded the whole
 * session (scrolling to the end), the same first paint for a deep link to the middle (`#N`, the
 * range jump), frame times while scrolling, and the page's JS heap. Postgres is a throwaway
 * embedded cluster seeded directly (events shaped like real ones); the app and the shape server run
 * as in `npm start`. Target (issue 11, 2-core machine): first paint < 1.5 s at 100k.
 */
import { randomUUID } from 'node:crypto'
import { chromium, type Page } from '@playwright/test'
import { sql } from 'drizzle-orm'
import { createDatabaseClient } from '~/db/client'
import { buildBenchResult, formatTable, summarize, writeBenchResult } from './bench-results'
import { startBenchStack } from './bench-stack'

const SIZES = [10_000, 100_000]
const TARGET_FIRST_PAINT_MS = 1_500
/** Full paging of a session is given this long before the run reports how far it got. */
const FULL_SYNC_LIMIT_MS = 240_000
const SCROLL_FRAMES = 240

interface SizeMetrics {
  events: number
  firstPaintMs: number
  deepLinkFirstPaintMs: number
  fullSyncMs: number | null
  rowsLoaded: number
  /** Requests for the session's shape (subset snapshots and stream refreshes) while paging. */
  pagingRequests: number
  scrollFrameMs: ReturnType<typeof summarize>
  heapAfterFirstPaintMb: number
  heapAfterFullSyncMb: number
}

/** Seeds one session of `count` events for the account, cycling through realistic event kinds. */
export async function seedSession(databaseUrl: string, accountId: string, count: number) {
  const client = createDatabaseClient(databaseUrl, { max: 1 })
  const sessionId = randomUUID()
  try {
    await client.db.execute(sql`
      insert into sessions (id, account_id, source_key, title, source, origin, status, started_at, last_event_at, event_count)
      values (${sessionId}, ${accountId}, ${`bench:${sessionId}`}, ${`Bench session of ${count} events`}, 'upload', 'codex',
              'complete', now() - interval '1 day', now(), ${count})`)
    await client.db.execute(sql`
      insert into timeline_events
        (session_id, account_id, ordinal, type, role, at, name, command, command_family, path, exit_code, duration_ms, summary, payload)
      select ${sessionId}::uuid, ${accountId}::uuid, n,
             (array['Message', 'Reasoning', 'LocalShellCall', 'FunctionCall', 'FileChange'])[n % 5 + 1],
             case when n % 5 = 0 and n % 10 = 0 then 'user' else 'assistant' end,
             now() - interval '1 day' + n * interval '1 second',
             case n % 5 when 2 then 'exec_command' when 3 then 'read_file' when 4 then 'apply_patch' end,
             case when n % 5 = 2 then 'pnpm test -- src/module-' || (n % 97) || '.test.ts' end,
             case when n % 5 = 2 then 'test' end,
             case when n % 5 = 4 then 'src/module-' || (n % 97) || '.ts' end,
             case when n % 5 = 2 then (n % 7 = 0)::int end,
             case when n % 5 in (2, 3) then 200 + n % 3000 end,
             'Event ' || n || ': ' || repeat('lorem ipsum dolor ', 3 + n % 5),
             jsonb_build_object('line', n + 1, 'content', repeat('payload text ', 20 + n % 30))
      from generate_series(0, ${count - 1}) as n`)
  } finally {
    await client.close()
  }
  return sessionId
}

/** Records, inside the page, when the first event row is added to the DOM. */
const FIRST_ROW_PROBE = `
  window.__firstRowAt = null
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-testid="event-row"]')) {
      window.__firstRowAt = performance.now()
      observer.disconnect()
    }
  }).observe(document, { childList: true, subtree: true })
`

async function firstPaint(page: Page, url: string) {
  // From another document, so a `#N` link is a page load and not a jump within the open page.
  await page.goto('about:blank')
  await page.goto(url)
  await page.waitForFunction(() => (window as unknown as { __firstRowAt: number | null }).__firstRowAt !== null, null, {
    timeout: 60_000,
  })
  return page.evaluate(() => (window as unknown as { __firstRowAt: number }).__firstRowAt)
}

async function heapMb(page: Page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  await cdp.detach()
  return usedSize / 2 ** 20
}

/** Scrolls the list by a screen per frame and returns the frame-to-frame times. */
async function scrollFrameTimes(page: Page) {
  return page.evaluate(async (frames) => {
    const list = document.querySelector<HTMLElement>('[data-testid="timeline-scroll"]')
    if (!list) throw new Error('no timeline list on the page')
    const times: number[] = []
    let last = performance.now()
    for (let frame = 0; frame < frames; frame++) {
      list.scrollTop += list.clientHeight / 2
      await new Promise((resolve) => requestAnimationFrame(resolve))
      const now = performance.now()
      times.push(now - last)
      last = now
    }
    return times
  }, SCROLL_FRAMES)
}

/** Keeps the list at its end until every event is loaded (or the time limit passes). */
async function pageToTheEnd(page: Page, total: number) {
  const started = Date.now()
  let requests = 0
  const countRequest = (request: { url(): string }) => {
    if (request.url().includes('shape=timeline_events')) requests++
  }
  page.on('request', countRequest)
  try {
    return { ...(await pageUntilLoaded(page, total, started)), requests }
  } finally {
    page.off('request', countRequest)
  }
}

async function pageUntilLoaded(page: Page, total: number, started: number) {
  // "10,000 events loaded, more load as you scroll"
  const loaded = async () =>
    Number(/^[\d,]+/.exec((await page.getByTestId('timeline-count').textContent()) ?? '')?.[0].replaceAll(',', '') ?? 0)
  const countText = async () => (await page.getByTestId('timeline-count').textContent()) ?? ''
  while (Date.now() - started < FULL_SYNC_LIMIT_MS) {
    await page.getByTestId('timeline-scroll').evaluate((list) => {
      list.scrollTop = list.scrollHeight
    })
    const text = await countText()
    if (!text.includes('more load')) {
      const rows = await loaded()
      return { ms: rows >= total ? Date.now() - started : null, rows }
    }
    await page.waitForTimeout(50)
  }
  return { ms: null, rows: await loaded() }
}

async function measure(page: Page, appUrl: string, sessionId: string, events: number): Promise<SizeMetrics> {
  const url = `${appUrl}/sessions/${sessionId}`
  // A first visit warms the server's and the browser's caches of the app itself, not of this session's rows.
  await firstPaint(page, `${appUrl}/sessions`).catch(() => undefined)
  const firstPaintMs = await firstPaint(page, url)
  const heapAfterFirstPaintMb = await heapMb(page)
  const deepLinkFirstPaintMs = await firstPaint(page, `${url}#${Math.floor(events / 2)}`)
  await firstPaint(page, url)
  const sync = await pageToTheEnd(page, events)
  const heapAfterFullSyncMb = await heapMb(page)
  await page.getByTestId('timeline-scroll').evaluate((list) => {
    list.scrollTop = 0
  })
  const scrollFrameMs = summarize(await scrollFrameTimes(page))
  return {
    events,
    firstPaintMs,
    deepLinkFirstPaintMs,
    fullSyncMs: sync.ms,
    rowsLoaded: sync.rows,
    pagingRequests: sync.requests,
    scrollFrameMs,
    heapAfterFirstPaintMb,
    heapAfterFullSyncMb,
  }
}

export async function run(): Promise<void> {
  const stack = await startBenchStack()
  const { appUrl, postgres } = stack
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    await context.addInitScript(FIRST_ROW_PROBE)
    const page = await context.newPage()
    // The first page view creates the local owner's account.
    await page.goto(`${appUrl}/sessions`)
    const client = createDatabaseClient(postgres.url, { max: 1 })
    const [owner] = await client.db.execute<{ id: string }>(sql`select id from accounts order by created_at limit 1`)
    await client.close()
    if (!owner) throw new Error('the local owner account was not created')

    const results: SizeMetrics[] = []
    for (const size of SIZES) {
      const sessionId = await seedSession(postgres.url, owner.id, size)
      console.log(`Seeded ${size} events`)
      const metrics = await measure(page, appUrl, sessionId, size)
      console.log(metrics)
      results.push(metrics)
    }
    await context.close()

    const ms = (value: number | null) => (value === null ? 'not reached' : `${Math.round(value)} ms`)
    console.log(
      formatTable(
        [
          'events',
          'first paint',
          '#N deep link',
          'all pages loaded',
          'requests while paging',
          'scroll frame p50 / p99 / max',
          'heap first / all',
        ],
        results.map((result) => [
          result.events.toLocaleString('en-US'),
          ms(result.firstPaintMs),
          ms(result.deepLinkFirstPaintMs),
          `${ms(result.fullSyncMs)} (${result.rowsLoaded.toLocaleString('en-US')} rows)`,
          result.pagingRequests.toLocaleString('en-US'),
          `${result.scrollFrameMs.median.toFixed(1)} / ${result.scrollFrameMs.p99.toFixed(1)} / ${result.scrollFrameMs.max.toFixed(1)} ms`,
          `${result.heapAfterFirstPaintMb.toFixed(0)} / ${result.heapAfterFullSyncMb.toFixed(0)} MB`,
        ]),
      ),
    )
    const largest = results.at(-1)
    if (largest)
      console.log(
        `First paint at ${largest.events.toLocaleString('en-US')} events: ${Math.round(largest.firstPaintMs)} ms (target < ${TARGET_FIRST_PAINT_MS} ms)`,
      )
    const path = writeBenchResult(
      buildBenchResult('timeline-load', { targetFirstPaintMs: TARGET_FIRST_PAINT_MS, sizes: results }),
    )
    console.log(`Wrote ${path}`)
  } finally {
    await browser.close()
    await stack.stop()
  }
}
