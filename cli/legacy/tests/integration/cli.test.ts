/** The two commands as operators run them: flags, exit statuses, and what they print. */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  copyOf,
  countRows,
  emptyDir,
  type LegacyTestDatabase,
  openTestDatabase,
  removeTemporaryDirs,
  SAMPLE_LEGACY_DATA,
} from './legacy-test-helpers'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const PACKAGE_SCRIPTS: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts

/**
 * Runs what the root `pnpm <script>` runs (`tsx <file>` or `node <flags> --import tsx <file>`), so a
 * moved entry point or a lost node flag fails here.
 */
function runScript(script: 'import:legacy' | 'export:legacy', args: string[], env: Record<string, string | undefined>) {
  const [runner, ...rest] = PACKAGE_SCRIPTS[script].split(' ')
  const nodeArgs = runner === 'tsx' ? ['--import', 'tsx', ...rest] : rest
  expect(['tsx', 'node']).toContain(runner)
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, ...env }
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key]
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: ROOT,
      env: childEnv,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

afterAll(removeTemporaryDirs)
describe('pnpm import:legacy / export:legacy', () => {
  let db: LegacyTestDatabase
  beforeAll(async () => {
    db = await openTestDatabase()
  })
  afterAll(async () => {
    await db.close()
  })

  it('rejects a bad flag with exit status 2, the reason and the usage', async () => {
    const result = await runScript('import:legacy', ['--data-dir', '.', '--acount', 'x'], {})
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Unknown option '--acount'[\s\S]*Usage: pnpm import:legacy/)
  })

  it('explains that it needs DATABASE_URL, with an example', async () => {
    const result = await runScript('import:legacy', ['--data-dir', copyOf(SAMPLE_LEGACY_DATA)], {})
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/DATABASE_URL is not set[\s\S]*DATABASE_URL=postgres:\/\/.* pnpm import:legacy/)
  })

  it('imports (0), finds nothing to do (0), refuses changed files (3), then exports the files back', async () => {
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    const env = { DATABASE_URL: db.database.url }
    const first = await runScript('import:legacy', ['--data-dir', dataDir], env)
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/Imported into account [0-9a-f-]{36}, in one transaction/)
    expect(first.stdout).toMatch(/chat-messages\.json\s+45\s+43\s+0\s+2\s+2/)
    const backup = /taken before writing: (\S+)/.exec(first.stdout)?.[1]
    expect(backup && existsSync(join(backup, 'chat-messages.json'))).toBe(true)

    const again = await runScript('import:legacy', ['--data-dir', dataDir], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/same files: nothing to do/)

    writeFileSync(join(dataDir, 'chat-tool-events.json'), '[]')
    const changed = await runScript('import:legacy', ['--data-dir', dataDir], env)
    expect(changed.code).toBe(3)
    expect(changed.stdout).toMatch(/chat-tool-events\.json: CHANGED[\s\S]*--force-merge/)

    const outDir = emptyDir()
    const exported = await runScript('export:legacy', ['--out', outDir], env)
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.stdout).toMatch(/chat-messages\.json: 43 records/)
    const refused = await runScript('export:legacy', ['--out', outDir], env)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/already holds .* --overwrite/)
  }, 180_000) // four CLI processes in a row; a loaded CI machine needs more than the default minute

  it('aborts on invalid JSON with exit status 1, naming file and position', async () => {
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    writeFileSync(join(dataDir, 'chat-threads.json'), '[\n  {"id": "thread_1",\n')
    const result = await runScript('import:legacy', ['--data-dir', dataDir, '--dry-run'], {})
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /Import aborted: chat-threads\.json is not valid JSON: .* at line 3, column 1\.[\s\S]*Nothing was written/,
    )
  })

  it('AUTH_MODE=password: refuses to run without --account, or with one naming no account (exit 2)', async () => {
    const dataDir = copyOf(SAMPLE_LEGACY_DATA)
    const env = { DATABASE_URL: db.database.url, AUTH_MODE: 'password' }
    const before = await countRows(db.sql)
    const unnamed = await runScript('import:legacy', ['--data-dir', dataDir], env)
    expect(unnamed.code).toBe(2)
    expect(unnamed.stderr).toMatch(/AUTH_MODE=password: name the account with --account[\s\S]*pnpm user:create/)
    const unknown = await runScript('import:legacy', ['--data-dir', dataDir, '--account', 'Nobody@Example.com'], env)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/No user has the e-mail nobody@example\.com/)
    const exportUnnamed = await runScript('export:legacy', ['--out', emptyDir()], env)
    expect(exportUnnamed.code).toBe(2)
    expect(exportUnnamed.stderr).toMatch(/AUTH_MODE=password: name the account with --account/)
    expect(await countRows(db.sql)).toEqual(before)
  })
})
