/**
 * `pnpm export:legacy`: writes the account's threads, messages and tool events back into the
 * original product's three files (arrays sorted by id, 2-space JSON, optional fields omitted), so
 * a rollback can restore the old product with everything recorded since the cutover.
 */
import { access, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Executor } from '~/db/client'
import type { AccountRef, ExportOptions } from './cli-options'
import { JsonArrayFileWriter } from './json-array-writer'
import { LEGACY_FILE_NAMES, LEGACY_KINDS, type LegacyKind } from './legacy-files'
import {
  type ExportedMessageRow,
  type ExportedThreadRow,
  type ExportedToolEventRow,
  legacyRepository,
} from './legacy-repository'
import { type Progress, silentProgress } from './progress'
import { findNamedAccount } from './target-account'

export class ExportSetupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ExportSetupError'
  }
}

export interface LegacyExportResult {
  accountId: string
  outDir: string
  records: Record<LegacyKind, number>
  notes: string[]
}

const PAGE_SIZE = 2000

/** `[value]` from the repository means "stored"; the box keeps a stored JSON null apart from absent. */
const unbox = (boxed: [unknown] | null) => (boxed === null ? undefined : boxed[0])
const orUndefined = <T>(value: T | null) => (value === null ? undefined : value)

// Key order follows the original writer's (see the fixtures), so unchanged records read the same.
export function toLegacyThread(row: ExportedThreadRow) {
  return {
    id: row.id,
    sessionId: row.session_key,
    mode: row.mode,
    title: row.title,
    status: row.status,
    messageCount: row.message_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastMessagePreview: orUndefined(row.last_message_preview),
    lastMessageAt: orUndefined(row.last_message_at),
  }
}

export function toLegacyMessage(row: ExportedMessageRow) {
  return {
    id: row.id,
    sessionId: row.session_key,
    mode: row.mode,
    threadId: row.thread_id,
    role: row.role,
    content: row.content,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    clientMessageId: orUndefined(row.client_message_id),
    misalignmentId: orUndefined(row.misalignment_id),
    evidence: unbox(row.evidence),
    contextEvents: unbox(row.context_events),
  }
}

export function toLegacyToolEvent(row: ExportedToolEventRow) {
  return {
    id: row.id,
    sessionId: row.session_key,
    threadId: row.thread_id,
    toolCallId: row.tool_call_id,
    toolName: row.tool_name,
    arguments: unbox(row.arguments) ?? null,
    status: row.status,
    startedAt: row.started_at,
    completedAt: orUndefined(row.completed_at),
    latencyMs: orUndefined(row.latency_ms),
    result: unbox(row.result),
    error: orUndefined(row.error),
    contextEvents: unbox(row.context_events),
  }
}

type Page = (db: Executor, accountId: string, afterId: string | null, limit: number) => Promise<{ id: string }[]>

const SOURCES: Record<LegacyKind, { page: Page; toRecord: (row: never) => unknown }> = {
  threads: { page: legacyRepository.pageThreadsForExport, toRecord: toLegacyThread },
  messages: { page: legacyRepository.pageMessagesForExport, toRecord: toLegacyMessage },
  toolEvents: { page: legacyRepository.pageToolEventsForExport, toRecord: toLegacyToolEvent },
}

async function exists(path: string) {
  return access(path).then(
    () => true,
    () => false,
  )
}

async function resolveAccount(db: Executor, ref: AccountRef | undefined) {
  if (ref) {
    const lookup = await findNamedAccount(db, ref)
    if (!lookup.found) throw new ExportSetupError(lookup.problem)
    return lookup.accountId
  }
  const owner = await legacyRepository.findLocalOwnerAccountId(db)
  if (!owner) throw new ExportSetupError('The database has no account yet, so there is nothing to export.')
  return owner
}

export async function exportLegacyData(
  db: Executor,
  options: ExportOptions,
  progress: Progress = silentProgress,
): Promise<LegacyExportResult> {
  const accountId = await resolveAccount(db, options.account)
  const outDir = resolve(options.outDir)
  await mkdir(outDir, { recursive: true })
  if (!options.overwrite) {
    const present = []
    for (const kind of LEGACY_KINDS)
      if (await exists(join(outDir, LEGACY_FILE_NAMES[kind]))) present.push(LEGACY_FILE_NAMES[kind])
    if (present.length > 0) {
      throw new ExportSetupError(
        `${outDir} already holds ${present.join(', ')}. Choose an empty folder or add --overwrite.`,
      )
    }
  }

  const records = {} as Record<LegacyKind, number>
  for (const kind of LEGACY_KINDS) {
    const { page, toRecord } = SOURCES[kind]
    const writer = new JsonArrayFileWriter(join(outDir, LEGACY_FILE_NAMES[kind]))
    try {
      let afterId: string | null = null
      for (;;) {
        const rows = await page(db, accountId, afterId, PAGE_SIZE)
        for (const row of rows) await writer.append(toRecord(row as never))
        if (rows.length < PAGE_SIZE) break
        afterId = rows[rows.length - 1].id
        progress.update(() => `Writing ${LEGACY_FILE_NAMES[kind]}: ${writer.written.toLocaleString('en-US')} records`)
      }
      await writer.finish()
    } catch (error) {
      await writer.abandon()
      throw error
    }
    records[kind] = writer.written
  }

  const notes: string[] = []
  const unkeyed = await legacyRepository.countNonLegacySessionsWithChats(db, accountId)
  if (unkeyed > 0) {
    notes.push(
      `${unkeyed} session(s) created after the cutover have coach chats but no legacy session id; their records use ` +
        'sessionId "session-<session uuid>", which the original product cannot derive from a file path.',
    )
  }
  return { accountId, outDir, records, notes }
}
