/**
 * Writes a JSON array exactly as `JSON.stringify(array, null, 2)` would (the original product's
 * format, no trailing newline) one element at a time, so exports and backups of any size stream
 * to disk. The file appears under its final name only once complete.
 */

import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'

export class JsonArrayFileWriter {
  private readonly stream: WriteStream
  private readonly temporaryPath: string
  private count = 0

  constructor(private readonly path: string) {
    this.temporaryPath = `${path}.partial-${process.pid}`
    this.stream = createWriteStream(this.temporaryPath, { flags: 'wx' })
  }

  get written() {
    return this.count
  }

  async append(value: unknown) {
    // Strings escape their newlines, so every newline belongs to the layout and can be indented.
    const element = `  ${JSON.stringify(value, null, 2).replaceAll('\n', '\n  ')}`
    await this.write(this.count === 0 ? `[\n${element}` : `,\n${element}`)
    this.count++
  }

  async finish() {
    await this.write(this.count === 0 ? '[]' : '\n]')
    this.stream.end()
    await once(this.stream, 'finish')
    await rename(this.temporaryPath, this.path)
  }

  async abandon() {
    // The file is opened asynchronously: wait until the stream has closed (and so has created the
    // file, if it was still opening) before removing it, or the open can recreate it afterwards.
    if (!this.stream.closed) {
      const closed = once(this.stream, 'close')
      this.stream.destroy()
      await closed
    }
    await rm(this.temporaryPath, { force: true })
  }

  private async write(text: string) {
    if (!this.stream.write(text)) await once(this.stream, 'drain')
  }
}
