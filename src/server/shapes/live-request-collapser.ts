/**
 * Request collapsing for held live requests, as a CDN in front of Electric does it: identical
 * upstream live requests (same URL built by the proxy, i.e. the same server-defined shape, handle,
 * offset and cursor) that are waiting at the same time share ONE upstream request, and its answer
 * is buffered once and handed to every waiter. One commit then ends one upstream long-poll per
 * distinct shape instead of one per open browser collection.
 *
 * The key is the whole upstream URL, scope values included, so only callers the proxy already
 * authorized for exactly that shape can share an answer; authorization happens per request before
 * a caller joins.
 */

/** An upstream answer, read whole; each waiter builds its own Response (and headers) from it. */
export interface CollapsedAnswer {
  status: number
  statusText: string
  headers: Headers
  body: Uint8Array<ArrayBuffer>
}

export type CollapseOutcome =
  | { kind: 'answer'; answer: CollapsedAnswer }
  /** The upstream request failed (unreachable, reset mid-body): every waiter hears the same. */
  | { kind: 'failed'; error: unknown }
  /** This caller's own signal ended its wait; the others (if any) still wait. */
  | { kind: 'left' }

interface Waiter {
  settle(outcome: CollapseOutcome): void
}

interface InFlight {
  /** In the order they joined: the first to ask is the first answered. */
  waiters: Set<Waiter>
  controller: AbortController
}

export class LiveRequestCollapser {
  readonly #inFlight = new Map<string, InFlight>()
  /** Upstream requests started (each shared by one or more callers). */
  upstreamRequests = 0

  /** Distinct upstream requests waiting right now. */
  get inFlight() {
    return this.#inFlight.size
  }

  /** Callers waiting right now, over all upstream requests. */
  get waiting() {
    let total = 0
    for (const entry of this.#inFlight.values()) total += entry.waiters.size
    return total
  }

  /**
   * Waits for the answer to `key`, starting the upstream request with `start` (which reads the
   * answer whole) unless one is already waiting. A caller whose `signal` aborts leaves alone; the
   * upstream request is aborted only when its last waiter left.
   */
  join(
    key: string,
    start: (signal: AbortSignal) => Promise<CollapsedAnswer>,
    signal: AbortSignal,
  ): Promise<CollapseOutcome> {
    if (signal.aborted) return Promise.resolve({ kind: 'left' })
    const entry = this.#inFlight.get(key) ?? this.#begin(key, start)
    return new Promise<CollapseOutcome>((resolve) => {
      const waiter: Waiter = {
        settle: (outcome) => {
          signal.removeEventListener('abort', leave)
          resolve(outcome)
        },
      }
      const leave = () => {
        entry.waiters.delete(waiter)
        if (entry.waiters.size === 0) {
          // Nobody reads the answer any more; a later identical request starts afresh.
          if (this.#inFlight.get(key) === entry) this.#inFlight.delete(key)
          entry.controller.abort()
        }
        resolve({ kind: 'left' })
      }
      entry.waiters.add(waiter)
      signal.addEventListener('abort', leave, { once: true })
    })
  }

  #begin(key: string, start: (signal: AbortSignal) => Promise<CollapsedAnswer>): InFlight {
    const entry: InFlight = { waiters: new Set(), controller: new AbortController() }
    this.#inFlight.set(key, entry)
    this.upstreamRequests++
    void this.#answer(start, entry.controller.signal).then((outcome) => {
      // Requests arriving from now on ask upstream again (their answer may differ).
      if (this.#inFlight.get(key) === entry) this.#inFlight.delete(key)
      handOut(outcome, [...entry.waiters])
    })
    return entry
  }

  async #answer(
    start: (signal: AbortSignal) => Promise<CollapsedAnswer>,
    signal: AbortSignal,
  ): Promise<CollapseOutcome> {
    try {
      return { kind: 'answer', answer: await start(signal) }
    } catch (error) {
      return { kind: 'failed', error }
    }
  }
}

/**
 * Settles each waiter in its own turn (one `setImmediate` each, all queued now): the promise chain
 * of a waiter's response, down to the socket write, then runs to its end before the next waiter's
 * starts. Settled all at once, the chains would advance in lockstep and even the first caller's
 * answer would leave only after every waiter's response had been built.
 */
function handOut(outcome: CollapseOutcome, waiters: Waiter[]) {
  for (const waiter of waiters) setImmediate(() => waiter.settle(outcome))
}

/**
 * Reads an upstream answer whole. Live answers are small (the changes since one offset); reading
 * them once lets every waiter get the same bytes without teeing a stream per waiter.
 */
export async function readWholeAnswer(response: Response): Promise<CollapsedAnswer> {
  const body = new Uint8Array(await response.arrayBuffer())
  return { status: response.status, statusText: response.statusText, headers: response.headers, body }
}
