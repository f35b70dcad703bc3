/**
 * The module rules of docs/architecture.md, checked on the source tree: the domain is pure, the
 * shape catalog is browser-safe, and SQL is written only by repositories (and the db layer).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SRC = join(ROOT, 'src')

const IMPORT = /\bimport\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g

interface ImportOf {
  specifier: string
  typeOnly: boolean
  /** Absolute path for relative and `~/` imports; undefined for packages. */
  target?: string
}

function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return listSources(path)
    return /\.(ts|tsx)$/.test(name) ? [path] : []
  })
}

function importsOf(file: string, text: string): ImportOf[] {
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = match[2]
    const target = specifier.startsWith('.')
      ? resolve(dirname(file), specifier)
      : specifier.startsWith('~/')
        ? join(SRC, specifier.slice(2))
        : undefined
    return { specifier, typeOnly: Boolean(match[1]), target }
  })
}

const isTestOnly = (file: string) => /\.test(-d)?\.tsx?$/.test(file) || /test-helpers\.ts$/.test(file)
const inside = (path: string | undefined, folder: string) =>
  path !== undefined && `${path}${sep}`.startsWith(join(SRC, folder) + sep)

function violations(files: string[], rule: (file: string, imported: ImportOf, text: string) => boolean) {
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8')
    return importsOf(file, text)
      .filter((imported) => rule(file, imported, text))
      .map((imported) => `${relative(ROOT, file)} imports ${imported.specifier}`)
  })
}

const sources = listSources(SRC).filter((file) => !isTestOnly(file))

describe('module rules', () => {
  it('the scanner sees imports, their kind and where they point (so a clean result means something)', () => {
    const file = join(SRC, 'domain', 'example.ts')
    const found = importsOf(
      file,
      "import type { Todo } from '../db/schema'\nimport { z } from 'zod'\nimport { x } from '~/server/log'",
    )
    expect(found).toEqual([
      { specifier: '../db/schema', typeOnly: true, target: join(SRC, 'db', 'schema') },
      { specifier: 'zod', typeOnly: false, target: undefined },
      { specifier: '~/server/log', typeOnly: false, target: join(SRC, 'server', 'log') },
    ])
  })

  it('src/domain/ is pure: no database, server, UI or I/O imports', () => {
    const domain = sources.filter((file) => inside(file, 'domain'))
    expect(domain.length).toBeGreaterThan(0)
    const forbiddenFolders = ['db', 'server', 'collections', 'features', 'routes', 'components', 'lib', 'sync']
    const forbiddenPackages = /^(react|react-dom|drizzle-orm|postgres|pg|@tanstack\/|node:|@config$)/
    expect(
      violations(domain, (_file, imported) =>
        imported.target
          ? forbiddenFolders.some((folder) => inside(imported.target, folder))
          : forbiddenPackages.test(imported.specifier),
      ),
    ).toEqual([])
  })

  it('src/sync/ is browser-safe: the database layer only as types', () => {
    const sync = sources.filter((file) => inside(file, 'sync'))
    expect(sync.length).toBeGreaterThan(0)
    expect(
      violations(
        sync,
        (_file, imported) =>
          !imported.typeOnly &&
          (inside(imported.target, 'db') ||
            inside(imported.target, 'server') ||
            /^(drizzle-orm|postgres)/.test(imported.specifier)),
      ),
    ).toEqual([])
  })

  it('SQL is written only in repositories and the db layer', () => {
    const writesSql = (_file: string, imported: ImportOf, text: string) =>
      (imported.specifier === 'postgres' && !imported.typeOnly) ||
      (imported.specifier === 'drizzle-orm' && /import\s*\{[^}]*\bsql\b[^}]*\}\s*from\s*'drizzle-orm'/.test(text))
    const outside = sources.filter((file) => !inside(file, join('server', 'repositories')) && !inside(file, 'db'))
    expect(violations(outside, writesSql)).toEqual([])
  })

  it('one import style: ./ within a folder, ~/ across folders, @config for app.config.ts (never ../)', () => {
    const all = listSources(SRC).filter((file) => !file.endsWith('routeTree.gen.ts'))
    expect(violations(all, (_file, imported) => imported.specifier.startsWith('../'))).toEqual([])
  })
})
