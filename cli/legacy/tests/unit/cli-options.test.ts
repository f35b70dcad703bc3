import { describe, expect, it } from 'vitest'
import { parseExportArgs, parseImportArgs, UsageError } from '../../cli-options'

describe('parseImportArgs', () => {
  it('defaults to ./data and nothing optional', () => {
    expect(parseImportArgs([])).toEqual({ dataDir: './data', dryRun: false, skipInvalid: false, forceMerge: false })
  })

  it('reads every flag', () => {
    const account = '3a71a5f5-5e5e-4289-a41a-8926efe0a0e9'
    expect(
      parseImportArgs([
        '--data-dir',
        '/srv/old/data',
        '--dry-run',
        '--backup-dir',
        '/backups/x',
        '--skip-invalid',
        '--force-merge',
        '--account',
        account,
      ]),
    ).toEqual({
      dataDir: '/srv/old/data',
      dryRun: true,
      backupDir: '/backups/x',
      skipInvalid: true,
      forceMerge: true,
      account: { id: account },
    })
  })

  it.each([
    [['--datadir', 'x'], /Unknown option '--datadir'/],
    [['--data-dir'], /argument missing/],
    [
      ['--account', 'me'],
      /--account takes the e-mail of one of the account's users or the account id \(a UUID\); got "me"/,
    ],
    [['--account', 'me@'], /--account me@ is not a valid e-mail address/],
    [['--data-dir', '  '], /--data-dir needs a folder path/],
    [['extra'], /positional argument/],
  ])('rejects %j with a message and the usage', (argv, message) => {
    const error = (() => {
      try {
        parseImportArgs(argv)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).toMatch(/Usage: pnpm import:legacy/)
  })
})

describe('parseExportArgs', () => {
  it('requires --out', () => {
    expect(() => parseExportArgs([])).toThrow(/--out DIR is required[\s\S]*Usage: pnpm export:legacy/)
    expect(parseExportArgs(['--out', 'restore', '--overwrite'])).toEqual({ outDir: 'restore', overwrite: true })
  })
})

describe('--account', () => {
  it('names an account by the e-mail of one of its users (matched lower-cased) or by its id', () => {
    expect(parseImportArgs(['--account', ' Alice@Example.COM ']).account).toEqual({ email: 'alice@example.com' })
    expect(parseExportArgs(['--out', 'x', '--account', 'bob@example.com']).account).toEqual({
      email: 'bob@example.com',
    })
    const id = '3a71a5f5-5e5e-4289-a41a-8926efe0a0e9'
    expect(parseExportArgs(['--out', 'x', '--account', id]).account).toEqual({ id })
  })
})
