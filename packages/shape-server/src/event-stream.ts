import type { ServerResponse } from 'node:http'
import type { LogOffset } from './offsets.ts'
import type { ActiveShape } from './shape.ts'

export interface EventStreamOptions {
  /** The stream is closed after this long, so caches can collapse the requests of many clients. */
  timeoutMs: number
  /** A comment line goes out after this long without an event, so proxies keep the connection. */
  keepAliveMs: number
  /** `global_last_seen_lsn` for the `up-to-date` that ends every batch. */
  lastSeenLsn(): bigint
  isClosing(): boolean
}

const MUST_REFETCH_EVENT = `data: ${JSON.stringify({ headers: { control: 'must-refetch' } })}\n\n`
const KEEP_ALIVE = ': keep-alive\n\n'

/** The highest of some LSNs (bigints, which `Math.max` does not take). */
function latest(...lsns: bigint[]): bigint {
  let highest = 0n
  for (const lsn of lsns) if (lsn > highest) highest = lsn
  return highest
}

function dataEvent(json: string): string {
  return `data: ${json}\n\n`
}

/**
 * Streams a shape's log from `from` as server-sent events (one message per `data:` event, each
 * batch ending with `up-to-date`) until the timeout passes, the shape is rotated (a `must-refetch`
 * event, then the end), the server closes or the client goes away. The response head has been
 * written by the caller.
 *
 * The client resumes from `<global_last_seen_lsn>_0` of the last `up-to-date` it saw, so that
 * value is never below the commit LSN of a transaction already sent (see `ShapeEndpoint`, which
 * accepts such offsets).
 */
export async function streamShapeEvents(
  shape: ActiveShape,
  response: ServerResponse,
  from: LogOffset,
  options: EventStreamOptions,
): Promise<void> {
  const { log } = shape
  const deadline = Date.now() + options.timeoutMs
  let lastWriteAt = Date.now()
  let position = from
  let gone = response.destroyed
  let interruptWait = () => {}
  const onClose = () => {
    gone = true
    interruptWait()
  }
  response.on('close', onClose)

  const write = (text: string) =>
    new Promise<void>((resolve) => {
      if (gone) return resolve()
      lastWriteAt = Date.now()
      if (response.write(text)) return resolve()
      // A slow reader: wait until its buffer drains instead of queueing the whole log in memory.
      const done = () => {
        response.off('drain', done)
        response.off('close', done)
        resolve()
      }
      response.on('drain', done)
      response.on('close', done)
    })

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer)
        unregister()
        interruptWait = () => {}
        resolve()
      }
      const timer = setTimeout(finish, ms)
      const unregister = log.onChange(finish)
      interruptWait = finish
    })

  try {
    while (!gone && !options.isClosing()) {
      if (shape.state === 'rotated') {
        await write(MUST_REFETCH_EVENT)
        break
      }
      if (log.hasEntriesAfter(position)) {
        const read = log.readMessages(position)
        position = read.end
        let events = read.messages.map(dataEvent).join('')
        if (read.reachedEnd) {
          // The registry counts a transaction as seen only once every shape has it; this shape's
          // log may already be further.
          const lsn = latest(options.lastSeenLsn(), log.throughLsn, position.tx)
          events += dataEvent(
            JSON.stringify({ headers: { control: 'up-to-date', global_last_seen_lsn: lsn.toString() } }),
          )
        }
        await write(events)
        continue
      }
      const now = Date.now()
      if (now >= deadline) break
      const untilKeepAlive = lastWriteAt + options.keepAliveMs - now
      if (untilKeepAlive <= 0) {
        await write(KEEP_ALIVE)
        continue
      }
      await wait(Math.min(deadline - now, untilKeepAlive))
    }
  } finally {
    response.off('close', onClose)
    if (!response.destroyed) response.end()
  }
}
