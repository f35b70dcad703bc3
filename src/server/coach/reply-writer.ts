/**
 * Writes a growing reply to its row: the first text at once, then at most once per interval (not
 * per token), so every device
 * watching the thread through its shape sees it grow while the database sees a handful of
 * updates. Writes never overlap; the final write waits for the one in flight and always lands.
 */
import type { Executor } from '~/db/client'
import { createLogger, describeError } from '~/server/log'
import { chatMessagesRepository } from '~/server/repositories/chat-messages-repository'

export const REPLY_WRITE_INTERVAL_MS = 250

const log = createLogger('coach')

export class ReplyWriter {
  private text = ''
  private written = ''
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> = Promise.resolve()
  private finished = false
  private scheduledOnce = false
  /** Updates written while streaming (the final one not counted). */
  updates = 0

  constructor(
    private readonly db: Executor,
    private readonly accountId: string,
    private readonly messageId: string,
    private readonly intervalMs = REPLY_WRITE_INTERVAL_MS,
  ) {}

  get content() {
    return this.text
  }

  append(delta: string) {
    if (this.finished || delta.length === 0) return
    this.text += delta
    // The first text goes out at once (the reader waits for it most); later ones at most every interval.
    const wait = this.updates === 0 && this.written === '' && !this.scheduledOnce ? 0 : this.intervalMs
    this.scheduledOnce = true
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.inFlight = this.inFlight.then(() => this.flush())
    }, wait)
  }

  private async flush() {
    if (this.finished || this.text === this.written) return
    const content = this.text
    try {
      await chatMessagesRepository.updateMessage(this.db, this.accountId, this.messageId, { content })
      this.written = content
      this.updates++
    } catch (error) {
      // The final write carries the whole text anyway; a lost intermediate update only delays it.
      log.warn(`could not save the growing reply ${this.messageId}: ${describeError(error)}`)
    }
  }

  /** The last write: whole text and final status. False when something else ended the row first (a stop). */
  async finish(outcome: { status: 'complete' | 'failed'; error?: string }) {
    clearTimeout(this.timer)
    this.timer = undefined
    this.finished = true
    await this.inFlight
    const { message } = await chatMessagesRepository.finishReply(this.db, this.accountId, this.messageId, {
      content: this.text,
      ...outcome,
    })
    return message !== undefined
  }
}
