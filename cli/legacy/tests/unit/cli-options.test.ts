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
      accountId: account,
    })
  })

  it.each([
    [['--datadir', 'x'], /Unknown option '--datadir'/],
    [['--data-dir'], /argument missing/],
    [['--account', 'me'], /--account must be an account id \(a UUID\)/],
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
