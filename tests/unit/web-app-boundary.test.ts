/**
 * The web app (src/) ships on its own: it may not import the operator tools under cli/, whose
 * dependencies the production image need not carry. The tools may import the web app's modules.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SOURCE_DIR = join(ROOT, 'src')
const CLI_DIR = join(ROOT, 'cli') + sep

const IMPORT_SPECIFIER = /\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g

function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return listSources(path)
    return /\.(ts|tsx|mjs|js)$/.test(name) ? [path] : []
  })
}

/** Specifiers of `file` that point into cli/ (relative, or through the `~/` alias, which is src/). */
function importsIntoCli(file: string, text: string): string[] {
  return [...text.matchAll(IMPORT_SPECIFIER)]
    .map((match) => match[1])
    .filter((specifier) => {
      if (specifier.startsWith('.')) return `${resolve(dirname(file), specifier)}${sep}`.startsWith(CLI_DIR)
      return /^\/?cli\//.test(specifier)
    })
}

describe('the web app does not depend on the operator tools', () => {
  it('the scanner recognises an import from cli/ (so a clean result means something)', () => {
    const file = join(SOURCE_DIR, 'server', 'example.ts')
    expect(importsIntoCli(file, "import { importLegacyData } from '../../cli/legacy/legacy-importer'")).toHaveLength(1)
    expect(importsIntoCli(file, "const tool = await import('../../cli/legacy/import-command')")).toHaveLength(1)
    expect(importsIntoCli(file, "import { db } from '../db/client'")).toEqual([])
  })

  it('no module under src/ imports from cli/', () => {
    const sources = listSources(SOURCE_DIR)
    expect(sources.length).toBeGreaterThan(0)
    const problems = sources.flatMap((file) =>
      importsIntoCli(file, readFileSync(file, 'utf8')).map(
        (specifier) => `${relative(ROOT, file)} imports ${specifier}`,
      ),
    )
    expect(problems).toEqual([])
  })
})
