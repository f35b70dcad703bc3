/**
 * The package stands alone: its sources import only Node built-ins, its own declared dependencies
 * and each other (with `.ts` suffixes, its one import style), and the web app in the repository's
 * `src/` never imports the package.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url))
const WEB_APP_DIR = join(PACKAGE_DIR, '..', '..', 'src')
// Import and export statements, side-effect imports and dynamic imports; anchored to statement starts
// so a quoted word after "from" in a comment is not taken for an import.
const IMPORT_SPECIFIER =
  /^\s*(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/gm

const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  name: string
  dependencies: Record<string, string>
}

function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return listSources(path)
    return /\.(ts|tsx|mjs)$/.test(name) ? [path] : []
  })
}

function specifiersIn(source: string): string[] {
  return [...source.matchAll(IMPORT_SPECIFIER)].map((match) => match[1] ?? match[2] ?? match[3])
}

function specifiers(file: string): string[] {
  return specifiersIn(readFileSync(file, 'utf8'))
}

/** Why `specifier` may not be imported by the package's runtime code, or undefined when it may. */
function problemWith(specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined
  if (specifier.startsWith('./')) return specifier.endsWith('.ts') ? undefined : 'needs its .ts suffix'
  if (specifier.startsWith('.')) return 'reaches outside src/'
  const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
  return packageName in manifest.dependencies ? undefined : `is not a dependency in package.json`
}

describe('package boundary', () => {
  it('the rules recognise what they forbid (so a clean result means something)', () => {
    expect(problemWith('../../../src/db/client')).toBe('reaches outside src/')
    expect(problemWith('./server')).toBe('needs its .ts suffix')
    expect(problemWith('drizzle-orm')).toBe('is not a dependency in package.json')
    expect(problemWith('./server.ts')).toBeUndefined()
    expect(problemWith('pg')).toBeUndefined()
    const sample = [
      "import type pg from 'pg'",
      'import {\n  a,\n  b,\n} from "./multi-line.ts"',
      "export { c } from './re-export.ts'",
      "import './side-effect.ts'",
      "const lazy = await import('./lazy.ts')",
      '/** what the shape was built from" (dropped,\n * renamed) */',
    ].join('\n')
    expect(specifiersIn(sample)).toEqual(['pg', './multi-line.ts', './re-export.ts', './side-effect.ts', './lazy.ts'])
  })

  it('runtime sources import only built-ins, declared dependencies and each other', () => {
    const sources = listSources(join(PACKAGE_DIR, 'src'))
    expect(sources.length).toBeGreaterThan(10)
    const problems = sources.flatMap((file) =>
      specifiers(file).flatMap((specifier) => {
        const problem = problemWith(specifier)
        return problem ? [`${relative(PACKAGE_DIR, file)}: ${specifier} ${problem}`] : []
      }),
    )
    expect(problems).toEqual([])
  })

  it('the web app does not import the package', () => {
    const offenders = listSources(WEB_APP_DIR).flatMap((file) =>
      specifiers(file)
        .filter((specifier) => specifier.startsWith(manifest.name) || /(^|\/)packages\//.test(specifier))
        .map((specifier) => `${relative(WEB_APP_DIR, file)} imports ${specifier}`),
    )
    expect(offenders).toEqual([])
  })
})
