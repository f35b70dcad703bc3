/**
 * Postgres is the only store. Files such as the original product's data/*.json may be read only by
 * the one-time legacy import/export, a separate program in cli/legacy/; the web app (src/) keeps no
 * state in files. This scans the web app's sources and, when present, the built server.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SOURCE_DIR = join(ROOT, 'src')
const BUILT_SERVER_DIR = join(ROOT, '.output', 'server')

/**
 * Modules that may write files, with the reason. Writing a file is allowed for things that are not
 * application state (logs, temp files of a tool); add an entry here only with such a reason.
 */
const ALLOWED_FILE_WRITERS: Record<string, string> = {}

const LEGACY_FILE_NAME = /\b(chat-messages|chat-threads|chat-tool-events|session-snapshots|session-uploads)\.json\b/
const DATA_DIR_JSON = /["'`][^"'`\n]*\bdata\/[^"'`\n]*\.json["'`]/
const FILE_WRITE = /\b(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|copyFile|copyFileSync)\s*\(/

function findFileStorage(text: string, { checkWrites }: { checkWrites: boolean }) {
  const problems: string[] = []
  text.split('\n').forEach((line, index) => {
    if (LEGACY_FILE_NAME.test(line)) problems.push(`line ${index + 1}: names a legacy data file: ${line.trim()}`)
    else if (DATA_DIR_JSON.test(line)) problems.push(`line ${index + 1}: a data/*.json path: ${line.trim()}`)
    else if (checkWrites && FILE_WRITE.test(line)) problems.push(`line ${index + 1}: writes a file: ${line.trim()}`)
  })
  return problems
}

function listFiles(dir: string, extensions: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : listFiles(path, extensions)
    return extensions.test(name) ? [path] : []
  })
}

describe('no file storage outside the legacy import', () => {
  it('the scanner recognises file storage (so a clean result means something)', () => {
    expect(findFileStorage("const file = join(DATA_DIR, 'chat-messages.json')", { checkWrites: false })).toHaveLength(1)
    expect(findFileStorage("await readFile('data/todos.json', 'utf8')", { checkWrites: false })).toHaveLength(1)
    expect(findFileStorage('await fs.writeFile(path, JSON.stringify(rows))', { checkWrites: true })).toHaveLength(1)
    expect(findFileStorage('const rows = await db.select().from(chatMessages)', { checkWrites: true })).toEqual([])
  })

  it('no module of the web app reads or writes data files', () => {
    const sources = listFiles(SOURCE_DIR, /\.(ts|tsx|js|mjs)$/).filter((path) => !/\.test\.tsx?$/.test(path))
    expect(sources.length).toBeGreaterThan(0)
    const problems = sources.flatMap((path) => {
      const name = relative(ROOT, path)
      const checkWrites = !(name in ALLOWED_FILE_WRITERS)
      return findFileStorage(readFileSync(path, 'utf8'), { checkWrites }).map((problem) => `${name} ${problem}`)
    })
    expect(
      problems,
      'Keep state in Postgres; only the cutover tool in cli/legacy/ may touch the legacy files.',
    ).toEqual([])
  })

  it.skipIf(!existsSync(BUILT_SERVER_DIR))('the built server does not contain the legacy file access', () => {
    // Bundled dependencies write files for their own reasons, so only data-file names are checked here.
    const problems = listFiles(BUILT_SERVER_DIR, /\.(js|mjs|cjs)$/).flatMap((path) =>
      findFileStorage(readFileSync(path, 'utf8'), { checkWrites: false }).map(
        (problem) => `${relative(ROOT, path)} ${problem.slice(0, 200)}`,
      ),
    )
    expect(problems).toEqual([])
  })
})
