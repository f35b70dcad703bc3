/**
 * Which folder a session's repository is: from the session's cwd, the nearest ancestor with `.git`,
 * else the nearest one holding instruction files, else the cwd itself — but only inside the
 * folders RULES_REPO_ROOTS allows (any folder in local mode when it is empty), because an uploaded
 * log names whatever cwd its author wants and the server must not read files outside them.
 */
import { stat } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'

const REPO_MARKERS = ['AGENTS.md', 'CLAUDE.md', 'GEMINI.md', '.ruler', '.cursor/rules', 'docs/agents']

export interface RepoRootPolicy {
  /** Folders a root must be inside; empty means `allowAnywhere` decides. */
  allowedRoots: readonly string[]
  allowAnywhere: boolean
}

export function isAllowedRoot(path: string, policy: RepoRootPolicy) {
  if (policy.allowedRoots.length === 0) return policy.allowAnywhere
  return policy.allowedRoots.some((allowed) => {
    const inside = relative(allowed, path)
    return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside) && !inside.startsWith(sep))
  })
}

async function isDirectory(path: string) {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

async function exists(path: string) {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

function ancestors(start: string) {
  const out: string[] = []
  for (let current = start; ; current = dirname(current)) {
    out.push(current)
    if (dirname(current) === current) return out
  }
}

export type RepoRootResult = { ok: true; root: string } | { ok: false; reason: string }

export async function resolveRepoRoot(
  candidate: string | null | undefined,
  policy: RepoRootPolicy,
): Promise<RepoRootResult> {
  if (!candidate || !isAbsolute(candidate)) {
    return { ok: false, reason: 'The session names no working folder (cwd), so there is no repository to read.' }
  }
  const start = resolve(candidate)
  if (!isAllowedRoot(start, policy)) {
    return {
      ok: false,
      reason: `${start} is outside the folders this server may read rules from (RULES_REPO_ROOTS). Paste or upload the instruction file instead.`,
    }
  }
  if (!(await isDirectory(start))) {
    return {
      ok: false,
      reason: `${start} does not exist on this server. Paste or upload the instruction file instead.`,
    }
  }
  const inside = ancestors(start).filter((path) => isAllowedRoot(path, policy))
  for (const path of inside) if (await exists(resolve(path, '.git'))) return { ok: true, root: path }
  for (const path of inside) {
    for (const marker of REPO_MARKERS) if (await exists(resolve(path, marker))) return { ok: true, root: path }
  }
  return { ok: true, root: start }
}
