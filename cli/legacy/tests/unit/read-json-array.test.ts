import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hashFile, LegacyFileError, readJsonArrayFile } from '../../read-json-array'

const dir = mkdtempSync(join(tmpdir(), 'legacy-read-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string) {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

async function readAll(path: string) {
  const records: [number, unknown][] = []
  const summary = await readJsonArrayFile(path, (value, index) => {
    records.push([index, value])
  })
  return { records, summary }
}

describe('readJsonArrayFile', () => {
  it('streams the elements with their index and hashes the exact bytes', async () => {
    const text = '\uFEFF[\n  {"id": "a", "n": 1},\n  "two",\n  [3]\n]'
    const { records, summary } = await readAll(file('ok.json', text))
    expect(records).toEqual([
      [0, { id: 'a', n: 1 }],
      [1, 'two'],
      [2, [3]],
    ])
    expect(summary).toEqual({
      missing: false,
      read: 3,
      sizeBytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    })
    expect((await hashFile(join(dir, 'ok.json'))).sha256).toBe(summary.sha256)
  })

  it('reads a missing file as empty and says it is missing', async () => {
    expect(await readAll(join(dir, 'absent.json'))).toEqual({
      records: [],
      summary: { missing: true, read: 0, sizeBytes: 0, sha256: createHash('sha256').digest('hex') },
    })
  })

  it('names the file, line and column of truncated JSON', async () => {
    const path = file('chat-messages.json', '[\n  {"id": "a"},\n  {"id": "b"')
    const error = await readAll(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LegacyFileError)
    expect((error as LegacyFileError).file).toBe('chat-messages.json')
    expect((error as Error).message).toMatch(/^chat-messages\.json is not valid JSON: .* at line 3, column 13\.$/)
  })

  it('names the position of a syntax error in the middle of the file', async () => {
    const error = await readAll(file('bad.json', '[\n  {"id": "a",, "x": 1}\n]')).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/bad\.json is not valid JSON: .* at line 2, column 14\./)
  })

  it('refuses a top level that is not an array, saying what it is', async () => {
    await expect(readAll(file('object.json', '{"threads": []}'))).rejects.toThrow(
      /object\.json must contain a JSON array .* its top level is an object/,
    )
    await expect(readAll(file('null.json', 'null'))).rejects.toThrow(/top level is null/)
  })

  it('refuses an empty file with a way out', async () => {
    await expect(readAll(file('empty.json', ''))).rejects.toThrow(
      /empty\.json is empty \(0 bytes\).*write \[\] into it/,
    )
  })

  it('splits elements that span read chunks and contain brackets, commas and escapes inside strings', async () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({
      id: `chat_${i}`,
      content: `x${'],{"\\'.repeat(i % 7)}\\"${'é🤔'.repeat(i % 300)}`,
      nested: [{ a: [i, null, true] }, 'tail'],
    }))
    const text = JSON.stringify(records, null, 2)
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * (1 << 20))
    const { records: read } = await readAll(file('big.json', text))
    expect(read.map(([, value]) => value)).toEqual(records)
  })

  it('passes errors of the consumer through unchanged, database errors included', async () => {
    const failure = Object.assign(new Error('duplicate key value'), { code: '23505' })
    await expect(
      readJsonArrayFile(file('two.json', '[1, 2]'), () => {
        throw failure
      }),
    ).rejects.toBe(failure)
  })
})

describe('readJsonArrayFile: element facts and non-regular files', () => {
  it('tells the consumer each element’s depth and where bytes that are not UTF-8 were replaced', async () => {
    const before = Buffer.from('[{"id": "a"},\n {"id": "b", "content": "x')
    const path = join(dir, 'bad-utf8.json')
    writeFileSync(path, Buffer.concat([before, Buffer.from([0xff, 0xfe]), Buffer.from('y", "n": [[1]]}]')]))
    const facts: unknown[] = []
    await readJsonArrayFile(path, (_value, _index, fact) => {
      facts.push(fact)
    })
    expect(facts).toEqual([{ depth: 1 }, { depth: 3, invalidUtf8: { sequences: 2, firstOffset: before.length } }])
  })

  it('refuses a symbolic link to /dev/zero at once, naming it', async () => {
    const path = join(dir, 'endless.json')
    symlinkSync('/dev/zero', path)
    const message = /endless\.json is not a regular file \(it is a symbolic link to a character device\)/
    await expect(hashFile(path)).rejects.toThrow(message)
    await expect(readAll(path)).rejects.toThrow(message)
    await expect(hashFile(path)).rejects.toBeInstanceOf(LegacyFileError)
  })

  it('refuses a folder in place of a file', async () => {
    const path = join(dir, 'folder.json')
    mkdirSync(path)
    await expect(hashFile(path)).rejects.toThrow(/folder\.json is not a regular file \(it is a folder\)/)
  })
})
