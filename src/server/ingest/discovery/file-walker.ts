/**
 * Finds candidate log files under the discovery folders. Symbolic links are not followed (no
 * cycles, nothing outside the folders); unreadable folders are skipped, not fatal.
 */
import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** Extensions agents write their logs with. */
const LOG_EXTENSIONS = ['.jsonl', '.ndjson', '.json']
/** Folders deeper than this are not searched (agents nest a few levels at most). */
const MAX_DEPTH = 12
/**
 * Never agent logs. (Claude Code 2.1's `<session>/subagents/agent-<id>.jsonl` files are read: the
 * parser keys each by the parent's session id and the agent id, so each is a session of its own.)
 */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git'])

export interface FoundFile {
  path: string
  size: number
  mtimeMs: number
  /** `dev:ino`: a new value at the same path means the file was replaced. */
  identity: string
}

export async function statLogFile(path: string): Promise<FoundFile | undefined> {
  const info = await stat(path, { bigint: true }).catch(() => undefined)
  if (!info?.isFile()) return undefined
  return {
    path,
    size: Number(info.size),
    mtimeMs: Math.floor(Number(info.mtimeMs)),
    identity: `${info.dev}:${info.ino}`,
  }
}

export async function findLogFiles(roots: readonly string[]): Promise<Map<string, FoundFile>> {
  const found = new Map<string, FoundFile>()
  const visit = async (dir: string, depth: number) => {
    let entries: Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIPPED_FOLDERS.has(entry.name)) await visit(path, depth + 1)
      } else if (entry.isFile() && LOG_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
        const file = await statLogFile(path)
        if (file) found.set(path, file)
      }
    }
  }
  for (const root of roots) await visit(root, 0)
  return found
}
