/**
 * Finds a repository's instruction files (§5.2 of the original: AGENTS.md, CLAUDE.md and GEMINI.md
 * anywhere, `.ruler/*.md`, `.cursor/rules/*.md(c)`, `docs/agents/**.md`) without a glob library:
 * a bounded walk that skips dependency, build and VCS folders and test fixtures. Byte-identical
 * files (the same AGENTS.md copied into sub-packages) are read once.
 */
import { createHash } from 'node:crypto'
import type { Dirent } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, posix, relative, sep } from 'node:path'
import { MAX_INSTRUCTION_FILE_BYTES } from '~/domain/rules/limits'

export interface InstructionFile {
  /** Relative to the repository root, with `/` separators. */
  path: string
  content: string
  sha256: string
}

const ROOT_FILE_NAMES = new Set(['AGENTS.md', 'CLAUDE.md', 'GEMINI.md'])
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', '.git', '.next', '.output', 'target', 'vendor', '.venv'])
const MAX_DEPTH = 8
const MAX_DIRECTORIES = 5_000
const MAX_FILES = 100

export function isInstructionFile(relativePath: string) {
  const parts = relativePath.split('/')
  const name = parts[parts.length - 1]
  if (ROOT_FILE_NAMES.has(name)) return true
  const parent = parts.slice(0, -1).join('/')
  if ((parent === '.ruler' || parent.endsWith('/.ruler')) && name.endsWith('.md')) return true
  if ((parent === '.cursor/rules' || parent.endsWith('/.cursor/rules')) && /\.mdc?$/.test(name)) return true
  return relativePath.startsWith('docs/agents/') && name.endsWith('.md')
}

function skipped(relativeDir: string, name: string) {
  if (SKIPPED_DIRS.has(name)) return true
  return posix.join(relativeDir, name) === 'tests/fixtures' || (relativeDir.endsWith('/tests') && name === 'fixtures')
}

export async function findInstructionFiles(root: string): Promise<InstructionFile[]> {
  const found: string[] = []
  const queue: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }]
  let visited = 0
  while (queue.length > 0 && visited < MAX_DIRECTORIES && found.length < MAX_FILES) {
    const { dir, depth } = queue.shift() as { dir: string; depth: number }
    visited++
    let entries: Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      continue // unreadable folder: its rules are simply not there
    }
    const relativeDir = relative(root, dir).split(sep).join('/')
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const relativePath = relativeDir ? `${relativeDir}/${entry.name}` : entry.name
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && !skipped(relativeDir, entry.name))
          queue.push({ dir: join(dir, entry.name), depth: depth + 1 })
      } else if (entry.isFile() && isInstructionFile(relativePath)) {
        found.push(relativePath)
      }
    }
  }
  const files: InstructionFile[] = []
  const seen = new Set<string>()
  for (const path of found.slice(0, MAX_FILES)) {
    const absolute = join(root, ...path.split('/'))
    try {
      if ((await stat(absolute)).size > MAX_INSTRUCTION_FILE_BYTES) continue
      const bytes = await readFile(absolute)
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      if (seen.has(sha256)) continue
      seen.add(sha256)
      files.push({ path, content: bytes.toString('utf8'), sha256 })
    } catch {
      // vanished or unreadable between the walk and the read
    }
  }
  return files
}
