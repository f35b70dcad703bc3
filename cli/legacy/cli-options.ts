/**
 * Command-line flags of `pnpm import:legacy` and `pnpm export:legacy`, checked with zod. A bad flag
 * is a `UsageError` (exit status 2) whose message says what was wrong and how to call the command.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { z } from 'zod'

export class UsageError extends Error {
  constructor(message: string, usage: string) {
    super(`${message}\n\n${usage}`)
    this.name = 'UsageError'
  }
}

export const IMPORT_USAGE = `Usage: pnpm import:legacy [--data-dir ./data] [--dry-run] [--backup-dir DIR]
                          [--skip-invalid] [--force-merge] [--account <e-mail or account id>]

  --data-dir DIR     folder holding chat-threads.json, chat-messages.json, chat-tool-events.json (default ./data)
  --dry-run          read, validate and report everything; write nothing (no backup, no rows)
  --backup-dir DIR   where to copy the input files and the affected tables first
                     (default <data-dir>/legacy-backup-<timestamp>)
  --skip-invalid     import the valid records and report the invalid ones instead of aborting
  --force-merge      after an earlier import of different files, merge these into it (upsert by id)
  --account WHO      import into this existing account: the e-mail of one of its users, or its id;
                     required with AUTH_MODE=password (default: the local owner's account)

Needs DATABASE_URL (except --dry-run, which then plans against an empty database).`

export const EXPORT_USAGE = `Usage: pnpm export:legacy --out DIR [--account <e-mail or account id>] [--overwrite]

  --out DIR          folder to write chat-threads.json, chat-messages.json, chat-tool-events.json into
  --account WHO      export this account (a user's e-mail or the account id); required with
                     AUTH_MODE=password (default: the local owner's account)
  --overwrite        replace those files if they already exist in DIR

Needs DATABASE_URL.`

const directory = (flag: string) =>
  z
    .string({ message: `${flag} needs a folder path` })
    .trim()
    .min(1, `${flag} needs a folder path`)
/** Which account `--account` names: by the e-mail of one of its users, or by its id. */
export type AccountRef = { email: string } | { id: string }

const ACCOUNT_HINT = "--account takes the e-mail of one of the account's users or the account id (a UUID)"
const account = z
  .string()
  .trim()
  .transform((value, ctx): AccountRef => {
    if (value.includes('@')) {
      // Stored lower-cased by sign-up and user:create, so matched lower-cased.
      const email = z.email().safeParse(value.toLowerCase())
      if (email.success) return { email: email.data }
      ctx.addIssue({ code: 'custom', message: `--account ${value} is not a valid e-mail address` })
      return z.NEVER
    }
    const id = z.uuid().safeParse(value)
    if (id.success) return { id: id.data }
    ctx.addIssue({ code: 'custom', message: `${ACCOUNT_HINT}; got "${value}"` })
    return z.NEVER
  })
  .optional()

export const describeAccountRef = (ref: AccountRef) =>
  'email' in ref ? `the account of ${ref.email}` : `account ${ref.id}`

export const importOptionsSchema = z.object({
  dataDir: directory('--data-dir').default('./data'),
  dryRun: z.boolean().default(false),
  backupDir: directory('--backup-dir').optional(),
  skipInvalid: z.boolean().default(false),
  forceMerge: z.boolean().default(false),
  account,
})
export type ImportOptions = z.infer<typeof importOptionsSchema>

export const exportOptionsSchema = z.object({
  outDir: z.string({ message: '--out DIR is required' }).trim().min(1, '--out DIR is required'),
  account,
  overwrite: z.boolean().default(false),
})
export type ExportOptions = z.infer<typeof exportOptionsSchema>

function tokenize(argv: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new UsageError((error as Error).message, usage)
  }
}

function validate<T extends z.ZodType>(schema: T, input: unknown, usage: string): z.infer<T> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('\n'), usage)
  return parsed.data
}

export function parseImportArgs(argv: string[]): ImportOptions {
  const values = tokenize(
    argv,
    {
      'data-dir': { type: 'string' },
      'dry-run': { type: 'boolean' },
      'backup-dir': { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      'force-merge': { type: 'boolean' },
      account: { type: 'string' },
    },
    IMPORT_USAGE,
  )
  return validate(
    importOptionsSchema,
    {
      dataDir: values['data-dir'],
      dryRun: values['dry-run'],
      backupDir: values['backup-dir'],
      skipInvalid: values['skip-invalid'],
      forceMerge: values['force-merge'],
      account: values.account,
    },
    IMPORT_USAGE,
  )
}

export function parseExportArgs(argv: string[]): ExportOptions {
  const values = tokenize(
    argv,
    { out: { type: 'string' }, account: { type: 'string' }, overwrite: { type: 'boolean' } },
    EXPORT_USAGE,
  )
  return validate(
    exportOptionsSchema,
    { outDir: values.out, account: values.account, overwrite: values.overwrite },
    EXPORT_USAGE,
  )
}
