import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createHeapTrimmer } from '../../heap-trimmer'

const MB = 1024 * 1024
const exposedGc = globalThis.gc

afterEach(() => {
  globalThis.gc = exposedGc
})

describe('createHeapTrimmer', () => {
  it('runs a full collection every 24 MB of input when Node exposes gc', () => {
    let collections = 0
    globalThis.gc = (() => {
      collections++
    }) as typeof globalThis.gc
    const trim = createHeapTrimmer()
    for (const bytesRead of [10 * MB, 23 * MB, 24 * MB, 30 * MB, 47 * MB, 48 * MB, 100 * MB]) trim(bytesRead)
    expect(collections).toBe(3)
  })

  it('does nothing when gc is not exposed', () => {
    globalThis.gc = undefined
    expect(() => createHeapTrimmer()(100 * MB)).not.toThrow()
  })

  it('is enabled for `pnpm import:legacy`, which starts node with --expose-gc', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'))
    expect(scripts['import:legacy']).toMatch(/^node --expose-gc --import tsx /)
  })
})
