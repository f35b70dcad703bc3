/**
 * Fails when src/db/schema.ts and the committed migrations disagree: `drizzle-kit generate` into a
 * scratch copy of drizzle/ must produce nothing new, and `drizzle-kit check` must pass.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

// drizzle-kit prefixes `./` to --out, so the scratch copy must live below the project.
mkdirSync('node_modules/.cache', { recursive: true })
const scratch = relative(process.cwd(), mkdtempSync('node_modules/.cache/drizzle-check-'))
const out = join(scratch, 'drizzle')
cpSync('drizzle', out, { recursive: true })
const before = readdirSync(out).sort()
function drizzleKit(args: string[]) {
  const output = execFileSync('pnpm', ['exec', 'drizzle-kit', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // drizzle-kit sometimes reports failures on stdout and still exits 0.
  if (/\bError\b/.test(output)) throw Object.assign(new Error('drizzle-kit reported an error'), { stdout: output })
  return output
}
try {
  drizzleKit(['generate', '--dialect=postgresql', '--schema=src/db/schema.ts', `--out=${out}`, '--name=pending'])
  const added = readdirSync(out).filter((f) => !before.includes(f))
  if (added.length > 0) {
    console.error(
      `src/db/schema.ts has changes without a migration (drizzle-kit would generate ${added.join(', ')}).\n` +
        'Run `pnpm db:generate --name <what-changed>` and commit the new file under drizzle/.',
    )
    process.exitCode = 1
  } else {
    drizzleKit(['check', '--dialect=postgresql', '--out=drizzle'])
    console.log('Migrations match the schema.')
  }
} catch (error) {
  const e = error as { stdout?: string; stderr?: string; message: string }
  console.error(`drizzle-kit failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`)
  process.exitCode = 1
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
