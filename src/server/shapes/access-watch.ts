/**
 * Live shape requests are held open by the sync service for up to its long-poll timeout (20 s by
 * default). When the access that let one in ends — a share link revoked or expired, a membership
 * changed — waiting for that timeout is too slow, so held requests are registered here under a key
 * and a short periodic check asks Postgres which keys ended: their requests are cut at once.
 *
 * The check reads Postgres, not this process' memory, so a revocation made through another app
 * instance on the same database cuts this instance's viewers too. It runs only while something is
 * held, and costs one indexed query per interval for all held keys together.
 */
import { createLogger, describeError } from '~/server/log'

const log = createLogger('access-watch')

export interface Hold {
  /** Aborted (with the reason as `signal.reason`) when the key's access ended. */
  readonly signal: AbortSignal
  release(): void
}

export interface AccessWatchOptions {
  intervalMs: number
  /** Of the keys, those whose access ended, each with a reason the visitor is told. */
  findEnded(keys: readonly string[]): Promise<Map<string, string>>
}

export class AccessWatch {
  private readonly holds = new Map<string, Set<AbortController>>()
  private timer: ReturnType<typeof setInterval> | undefined
  private checking = false

  constructor(private readonly options: AccessWatchOptions) {}

  hold(key: string): Hold {
    const controller = new AbortController()
    let set = this.holds.get(key)
    if (!set) {
      set = new Set()
      this.holds.set(key, set)
    }
    set.add(controller)
    this.start()
    return {
      signal: controller.signal,
      release: () => {
        const current = this.holds.get(key)
        current?.delete(controller)
        if (current?.size === 0) this.holds.delete(key)
        if (this.holds.size === 0) this.stop()
      },
    }
  }

  /** Ends every request held under the key now (the instance that made the change knows at once). */
  cut(key: string, reason: string) {
    for (const controller of this.holds.get(key) ?? []) controller.abort(reason)
    this.holds.delete(key)
    if (this.holds.size === 0) this.stop()
  }

  get heldCount() {
    let count = 0
    for (const set of this.holds.values()) count += set.size
    return count
  }

  /** One round of the periodic check (also called by tests). */
  async check() {
    if (this.checking || this.holds.size === 0) return
    this.checking = true
    try {
      const ended = await this.options.findEnded([...this.holds.keys()])
      for (const [key, reason] of ended) this.cut(key, reason)
    } catch (error) {
      // Held requests still end at the long-poll timeout, and every new request re-checks access.
      log.warn(`could not check held requests: ${describeError(error)}`)
    } finally {
      this.checking = false
    }
  }

  private start() {
    if (this.timer) return
    this.timer = setInterval(() => void this.check(), this.options.intervalMs)
    this.timer.unref?.()
  }

  private stop() {
    if (!this.timer) return
    clearInterval(this.timer)
    this.timer = undefined
  }
}
