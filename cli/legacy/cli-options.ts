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
                          [--skip-invalid] [--force-merge] [--account <uuid>]

  --data-dir DIR     folder holding chat-threads.json, chat-messages.json, chat-tool-events.json (default ./data)
  --dry-run          read, validate and report everything; write nothing (no backup, no rows)
  --backup-dir DIR   where to copy the input files and the affected tables first
                     (default <data-dir>/legacy-backup-<timestamp>)
  --skip-invalid     import the valid records and report the invalid ones instead of aborting
  --force-merge      after an earlier import of different files, merge these into it (upsert by id)
  --account UUID     import into this account instead of the local owner's

Needs DATABASE_URL (except --dry-run, which then plans against an empty database).`

export const EXPORT_USAGE = `Usage: pnpm export:legacy --out DIR [--account <uuid>] [--overwrite]

  --out DIR          folder to write chat-threads.json, chat-messages.json, chat-tool-events.json into
  --account UUID     export this account instead of the local owner's
  --overwrite        replace those files if they already exist in DIR

Needs DATABASE_URL.`

const directory = (flag: string) =>
  z
    .string({ message: `${flag} needs a folder path` })
    .trim()
    .min(1, `${flag} needs a folder path`)
const accountId = z.uuid({ message: '--account must be an account id (a UUID)' }).optional()

export const importOptionsSchema = z.object({
  dataDir: directory('--data-dir').default('./data'),
  dryRun: z.boolean().default(false),
  backupDir: directory('--backup-dir').optional(),
  skipInvalid: z.boolean().default(false),
  forceMerge: z.boolean().default(false),
  accountId,
})
export type ImportOptions = z.infer<typeof importOptionsSchema>

export const exportOptionsSchema = z.object({
  outDir: z.string({ message: '--out DIR is required' }).trim().min(1, '--out DIR is required'),
  accountId,
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
      accountId: values.account,
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
    { outDir: values.out, accountId: values.account, overwrite: values.overwrite },
    EXPORT_USAGE,
  )
}
