import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { JsonArrayFileWriter } from '../../json-array-writer'

const dir = mkdtempSync(join(tmpdir(), 'legacy-writer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function write(name: string, values: unknown[]) {
  const writer = new JsonArrayFileWriter(join(dir, name))
  for (const value of values) await writer.append(value)
  await writer.finish()
  return readFileSync(join(dir, name), 'utf8')
}

describe('JsonArrayFileWriter', () => {
  it('writes byte for byte what JSON.stringify(array, null, 2) writes, without a trailing newline', async () => {
    const values = [
      { id: 'chat_1', content: 'line one\nline "two"\t🤔', nested: { list: [1, { deep: null }], empty: {}, none: [] } },
      'text',
      42,
      [],
      { optional: undefined, kept: false },
    ]
    expect(await write('values.json', values)).toBe(JSON.stringify(values, null, 2))
  })

  it('writes an empty array as []', async () => {
    expect(await write('empty.json', [])).toBe('[]')
  })

  it('shows the file under its final name only when complete', async () => {
    const writer = new JsonArrayFileWriter(join(dir, 'partial.json'))
    await writer.append({ id: 1 })
    expect(readdirSync(dir)).not.toContain('partial.json')
    await writer.abandon()
    expect(readdirSync(dir).filter((name) => name.startsWith('partial'))).toEqual([])
  })
})
