/**
 * `pnpm user:create --email you@example.com --name "Your Name" [--operator]`: creates a password
 * account. The password is read from standard input (typed without echo on a terminal, or piped:
 * `printf '%s\n' "$PASSWORD" | pnpm user:create …`), never from the command line, where other
 * users of the machine could see it.
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import { getConfigOrExit } from '../app.config'
import { createDatabaseClient } from '../src/db/client'
import { createUserAsOperator } from '../src/server/auth/create-user'
import { ConflictError } from '../src/server/repositories/errors'

const USAGE = 'Usage: pnpm user:create --email <address> --name <display name> [--operator]'

function exit(message: string, code: number): never {
  console.error(message)
  process.exit(code)
}

async function readPassword(): Promise<string> {
  const terminal = process.stdin.isTTY === true
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal })
  if (terminal) {
    process.stdout.write('Password (at least 10 characters, not shown): ')
    // Swallow the echo of what is typed.
    ;(rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {}
  }
  const line = await new Promise<string>((resolve) => {
    rl.once('line', resolve)
    rl.once('close', () => resolve(''))
  })
  rl.close()
  if (terminal) process.stdout.write('\n')
  return line
}

let values: { email?: string; name?: string; operator?: boolean }
try {
  ;({ values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, operator: { type: 'boolean' } },
  }))
} catch (error) {
  exit(`${(error as Error).message}\n${USAGE}`, 2)
}
if (!values.email || !values.name) exit(USAGE, 2)

const config = getConfigOrExit()
if (!config.DATABASE_URL) {
  exit(
    'DATABASE_URL is not set. Name the app database, e.g.\n' +
      '  DATABASE_URL=postgres://user:pass@host:5432/session_coach pnpm user:create --email you@example.com --name You\n' +
      'For the embedded database of `npm start` (while it runs) that is\n' +
      '  DATABASE_URL=postgres://postgres:postgres@127.0.0.1:54329/session_coach (the port is EMBEDDED_PG_PORT).',
    2,
  )
}
if (config.AUTH_MODE !== 'password') {
  console.warn('Note: AUTH_MODE is not "password"; the account works once the app runs with AUTH_MODE=password.')
}

const client = createDatabaseClient(config.DATABASE_URL, { max: 1 })
try {
  const principal = await createUserAsOperator(client.db, {
    email: values.email,
    displayName: values.name,
    password: await readPassword(),
    operator: values.operator === true,
  })
  console.log(
    `Created ${principal.user.email}${principal.user.isOperator ? ' (operator)' : ''} in account "${principal.account.name}". ` +
      'They can sign in at /sign-in now.',
  )
} catch (error) {
  if (error instanceof ZodError) exit(`Not created: ${error.issues.map((issue) => issue.message).join('; ')}.`, 2)
  if (error instanceof ConflictError) exit(`Not created: ${values.email} already has an account.`, 1)
  throw error
} finally {
  await client.close()
}
