/**
 * A short repository name for grouping sessions: `owner/repo` from a git remote URL (https, ssh
 * or scp-like), else the basename of the working directory.
 */
export function repoNameFromRemote(remoteUrl: string | null | undefined): string | null {
  if (!remoteUrl) return null
  const trimmed = remoteUrl
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
  const scpLike = /^[\w.-]+@[\w.-]+:(?!\/\/)(.+)$/.exec(trimmed)
  let path = scpLike ? scpLike[1] : trimmed
  if (!scpLike) {
    try {
      path = new URL(trimmed).pathname
    } catch {
      // Not a URL: treat the whole string as a path.
    }
  }
  const segments = path.split('/').filter((segment) => segment.length > 0)
  if (segments.length === 0) return null
  return segments.slice(-2).join('/')
}

export function repoNameFromCwd(cwd: string | null | undefined): string | null {
  if (!cwd) return null
  const segments = cwd.split(/[\\/]+/).filter((segment) => segment.length > 0)
  return segments.at(-1) ?? null
}
