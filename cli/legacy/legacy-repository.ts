/**
 * SQL of `pnpm import:legacy` and `pnpm export:legacy`. Bulk writes send one batch of rows as a
 * single json parameter expanded with `json_to_recordset`, which avoids per-column parameters
 * (and their 65k limit) and keeps JSON values exactly as given. Upserts only ever touch rows of
 * the importing account; a row of another account with the same id stops the import.
 */
import { asc, eq, type SQL, sql } from 'drizzle-orm'
import { ADVISORY_LOCK_KEYS } from '~/db/advisory-locks'
import type { Executor } from '~/db/client'
import { accounts, legacyImports, users } from '~/db/schema'

/**
 * The original product's id whose data the session `s` holds: a legacy row's own key, or the
 * `legacy_key` of an ingested log (set when the log took the legacy row over, or when its name is
 * what that id stands for; see docs/ingest.md, "Legacy sessions").
 */
const heldLegacyKey = sql`coalesce(s.legacy_key, case when s.source = 'legacy' then s.source_key end)`

/** Temporary seq values while a merge renumbers messages (see renumberMessagesAndRecountThreads). */
export const SEQ_MERGE_OFFSET = 1_000_000_000_000

/** A jsonb value kept apart from SQL NULL: `{v: null}` stores JSON null, a missing box stores NULL. */
export type JsonBox = { v: unknown } | null

export interface LegacyThreadRow {
  id: string
  session_id: string
  mode: string
  title: string
  status: string
  message_count: number
  last_message_preview: string | null
  last_message_at: string | null
  created_at: string
  updated_at: string
}

export interface LegacyMessageRow {
  id: string
  thread_id: string
  session_id: string
  mode: string
  role: string
  content: string
  seq: number
  client_message_id: string | null
  misalignment_id: string | null
  evidence: JsonBox
  context_events: JsonBox
  created_at: string
  updated_at: string
}

export interface LegacyToolEventRow {
  id: string
  session_id: string
  thread_id: string | null
  tool_call_id: string | null
  tool_name: string
  status: string
  arguments: JsonBox
  result: JsonBox
  error: string | null
  started_at: string
  completed_at: string | null
  latency_ms: number | null
  context_events: JsonBox
}

export interface ImportRunFile {
  runId: string
  fileName: string
  sha256: string
  sizeBytes: number
  counts: unknown
  mode: 'import' | 'force-merge'
  backupPath: string | null
  startedAt: Date
  finishedAt: Date | null
}

export type ExistingThreadRow = {
  id: string
  source_key: string
  mode: 'session' | 'general'
  status: 'active' | 'archived'
  created_at: string
  updated_at: string
}

export type ExportedThreadRow = {
  id: string
  session_key: string
  mode: string
  title: string
  status: string
  message_count: number
  last_message_preview: string | null
  last_message_at: string | null
  created_at: string
  updated_at: string
}

export type ExportedMessageRow = {
  id: string
  session_key: string
  mode: string
  thread_id: string
  role: string
  content: string
  client_message_id: string | null
  misalignment_id: string | null
  evidence: [unknown] | null
  context_events: [unknown] | null
  created_at: string
  updated_at: string
}

export type ExportedToolEventRow = {
  id: string
  session_key: string
  thread_id: string | null
  tool_call_id: string | null
  tool_name: string
  status: string
  arguments: [unknown] | null
  result: [unknown] | null
  error: string | null
  started_at: string
  completed_at: string | null
  latency_ms: number | null
  context_events: [unknown] | null
}

export class ForeignRowError extends Error {
  constructor(
    readonly table: string,
    readonly ids: string[],
    /** Known to belong to another account, or only known to exist (a failed insert cannot look). */
    readonly owner: 'another account' | 'unknown',
  ) {
    const where =
      owner === 'another account'
        ? 'in another account'
        : '(imported before: into another account, or into this one without a record in legacy_imports)'
    super(
      `${table} already holds ${ids.length > 1 ? 'ids' : 'id'} ${ids.join(', ')} ${where}. ` +
        'Import into the account that holds them with --account <uuid>, or use a separate database.',
    )
    this.name = 'ForeignRowError'
  }
}

const jsonParam = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`
/** Rows as one `json` text parameter: parsing `json` is cheaper than `jsonb` for rows read only once. */
const jsonRows = (rows: unknown[]) => sql`json_to_recordset(${JSON.stringify(rows)}::json)`
/** A text list as one parameter; drizzle would otherwise expand an array into one parameter per item. */
const textList = (values: readonly string[]) => sql`(select jsonb_array_elements_text(${jsonParam(values)}))`
/** ISO 8601 with milliseconds in UTC, the format of the legacy files. */
const isoInstant = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

async function rejectForeignRows(tx: Executor, table: string, accountId: string, ids: string[]) {
  const foreign = await tx.execute<{ id: string }>(
    sql`select id from ${sql.identifier(table)} where id in ${textList(ids)} and account_id <> ${accountId} order by id limit 5`,
  )
  throw new ForeignRowError(
    table,
    foreign.map((row) => row.id),
    'another account',
  )
}

/** The id named by a primary-key violation, when that is what the error is. */
function duplicatedId(error: unknown, table: string): string | undefined {
  const cause = ((error as { cause?: unknown }).cause ?? error) as {
    code?: string
    constraint_name?: string
    detail?: string
  }
  if (cause.code !== '23505' || cause.constraint_name !== `${table}_pkey`) return undefined
  return /\(id\)=\((.*)\) already exists/.exec(cause.detail ?? '')?.[1] ?? '(unknown)'
}

/**
 * A first import inserts (cheaper than an upsert); a merge updates the account's existing rows
 * and stops at rows of another account.
 */
async function writeRows(
  tx: Executor,
  write: { table: string; accountId: string; ids: string[]; insert: SQL; update: SQL; merge: boolean },
) {
  if (!write.merge) {
    try {
      await tx.execute(write.insert)
    } catch (error) {
      const id = duplicatedId(error, write.table)
      if (id !== undefined) throw new ForeignRowError(write.table, [id], 'unknown')
      throw error
    }
    return
  }
  const result = await tx.execute(sql`${write.insert}
    on conflict (id) do update set ${write.update}
    where ${sql.identifier(write.table)}.account_id = excluded.account_id`)
  if (result.count !== write.ids.length) await rejectForeignRows(tx, write.table, write.accountId, write.ids)
}

/** The tables written while row-by-row foreign-key triggers are off (`legacy_imports` is written after). */
const BULK_LOADED_TABLES = ['sessions', 'chat_threads', 'chat_messages', 'chat_tool_events'] as const

/** One foreign key as Postgres has it, columns in constraint order (composite keys included). */
export interface ForeignKey {
  name: string
  table: string
  columns: string[]
  target: string
  targetColumns: string[]
  /** `f` for MATCH FULL, `s` for MATCH SIMPLE (a row with a null in any key column is not checked). */
  matchType: string
}

const tableList = sql.join(
  BULK_LOADED_TABLES.map((table) => sql`${table}::regclass`),
  sql`, `,
)

export const legacyRepository = {
  /**
   * Every foreign key of the bulk-loaded tables, read from the catalog at run time: the set-wise
   * check must cover exactly what the skipped triggers would have checked, including keys added
   * after this tool was written.
   */
  async foreignKeysOfBulkLoadedTables(tx: Executor): Promise<ForeignKey[]> {
    return tx.execute<ForeignKey & Record<string, unknown>>(sql`
      select c.conname::text as name, (select relname::text from pg_class where oid = c.conrelid) as "table",
             (select relname::text from pg_class where oid = c.confrelid) as target,
             c.confmatchtype as "matchType",
             array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, n)
                   join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n) as columns,
             array(select a.attname::text from unnest(c.confkey) with ordinality k(attnum, n)
                   join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.n) as "targetColumns"
      from pg_constraint c
      where c.contype = 'f' and c.conrelid in (${tableList})
      order by 2, 1`)
  },

  /**
   * Row-by-row foreign-key triggers are about a quarter of a large import's time. When the role
   * may (superuser: the embedded Postgres, most self-hosted set-ups), they are switched off for
   * this transaction only and `verifyReferencesAfterBulkLoad` checks every foreign key set-wise
   * before commit instead. `session_replication_role = replica` switches off every other trigger
   * too, so a table with a trigger of its own that the import's writes would fire keeps the
   * ordinary path: any INSERT trigger, and UPDATE triggers of the tables it upserts (sessions are
   * only inserted; their DELETE/UPDATE/TRUNCATE triggers, which keep timeline_events in step, have
   * nothing to do here). Returns whether the fast path is on.
   */
  async beginBulkLoad(tx: Executor): Promise<boolean> {
    // pg_trigger.tgtype bits: 4 = INSERT, 16 = UPDATE.
    const [{ superuser, userTriggers }] = await tx.execute<{ superuser: boolean; userTriggers: number }>(sql`
      select (select rolsuper from pg_roles where rolname = current_user) as superuser,
             (select count(*)::int from pg_trigger where tgrelid in (${tableList}) and not tgisinternal
                and (tgtype & 4 <> 0 or (tgtype & 16 <> 0 and tgrelid <> 'sessions'::regclass))) as "userTriggers"`)
    const fastPath = superuser && userTriggers === 0
    if (fastPath) await tx.execute(sql`set local session_replication_role = replica`)
    return fastPath
  },

  /**
   * Rows of this account that break a foreign key (named with its columns and constraint); the
   * import aborts when any exist. Mirrors Postgres' own rule: under MATCH SIMPLE a row with a
   * null in any key column is not checked, under MATCH FULL only an all-null key is exempt.
   */
  async verifyReferencesAfterBulkLoad(tx: Executor, accountId: string) {
    await tx.execute(sql`set local session_replication_role = origin`)
    const broken: string[] = []
    for (const key of await legacyRepository.foreignKeysOfBulkLoadedTables(tx)) {
      const column = (name: string) => sql`t.${sql.identifier(name)}`
      const checked =
        key.matchType === 'f'
          ? sql.join(
              key.columns.map((name) => sql`${column(name)} is not null`),
              sql` or `,
            )
          : sql.join(
              key.columns.map((name) => sql`${column(name)} is not null`),
              sql` and `,
            )
      const matches = sql.join(
        key.columns.map((name, i) => sql`r.${sql.identifier(key.targetColumns[i])} = ${column(name)}`),
        sql` and `,
      )
      const [{ n }] = await tx.execute<{ n: number }>(sql`
        select count(*)::int as n from ${sql.identifier(key.table)} t
        where t.account_id = ${accountId} and (${checked})
          and not exists (select 1 from ${sql.identifier(key.target)} r where ${matches})`)
      if (n > 0) {
        broken.push(
          `${n} ${key.table} (${key.columns.join(', ')}) → ${key.target} (${key.targetColumns.join(', ')}) [${key.name}]`,
        )
      }
    }
    return broken
  },

  /** Serialises imports; held until the transaction ends. */
  async lockImports(tx: Executor) {
    await tx.execute(sql`select pg_advisory_xact_lock(${ADVISORY_LOCK_KEYS.legacyImport})`)
  },

  /**
   * The account `ensureLocalOwner` would return, without creating it: a dry run must not write.
   * Same ordering as ensureLocalOwner (oldest user).
   */
  async findLocalOwnerAccountId(db: Executor): Promise<string | undefined> {
    const [owner] = await db
      .select({ accountId: users.accountId })
      .from(users)
      .innerJoin(accounts, eq(users.accountId, accounts.id))
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(1)
    return owner?.accountId
  },

  /** The account of the user with this e-mail (stored lower-cased), if there is one. */
  async findAccountIdByUserEmail(db: Executor, email: string): Promise<string | undefined> {
    const [user] = await db
      .select({ accountId: users.accountId })
      .from(users)
      .where(eq(users.email, email.toLowerCase()))
      .limit(1)
    return user?.accountId
  },

  /** The files of the account's most recent finished import, empty when it never imported. */
  async findLatestImportRun(db: Executor, accountId: string): Promise<ImportRunFile[]> {
    const rows = await db.execute<{ run_id: string }>(sql`
      select run_id from ${legacyImports}
      where account_id = ${accountId} and finished_at is not null
      order by finished_at desc, started_at desc limit 1`)
    if (rows.length === 0) return []
    return db
      .select({
        runId: legacyImports.runId,
        fileName: legacyImports.fileName,
        sha256: legacyImports.sha256,
        sizeBytes: legacyImports.sizeBytes,
        counts: legacyImports.counts,
        mode: legacyImports.mode,
        backupPath: legacyImports.backupPath,
        startedAt: legacyImports.startedAt,
        finishedAt: legacyImports.finishedAt,
      })
      .from(legacyImports)
      .where(eq(legacyImports.runId, rows[0].run_id))
  },

  async recordImportRun(
    tx: Executor,
    files: {
      runId: string
      accountId: string
      fileName: string
      sha256: string
      sizeBytes: number
      counts: unknown
      mode: 'import' | 'force-merge'
      backupPath: string | null
      startedAt: Date
    }[],
  ) {
    if (files.length === 0) return
    await tx.insert(legacyImports).values(files.map((file) => ({ ...file, finishedAt: sql`clock_timestamp()` })))
  },

  async findExistingThreads(db: Executor, accountId: string, sessionKeys: string[]): Promise<ExistingThreadRow[]> {
    if (sessionKeys.length === 0) return []
    return db.execute<ExistingThreadRow>(sql`
      select t.id, ${heldLegacyKey} as source_key, t.mode, t.status,
             ${isoInstant(sql`t.created_at`)} as created_at, ${isoInstant(sql`t.updated_at`)} as updated_at
      from chat_threads t join sessions s on s.id = t.session_id
      where s.account_id = ${accountId} and ${heldLegacyKey} in ${textList(sessionKeys)}`)
  },

  /** Thread of each given message that is already stored (messages without threadId placed earlier). */
  async findMessageThreads(db: Executor, accountId: string, messageIds: string[]): Promise<Map<string, string>> {
    const placed = new Map<string, string>()
    if (messageIds.length === 0) return placed
    const rows = await db.execute<{ id: string; thread_id: string }>(
      sql`select id, thread_id from chat_messages where account_id = ${accountId} and id in ${textList(messageIds)}`,
    )
    for (const row of rows) placed.set(row.id, row.thread_id)
    return placed
  },

  /** Stored messages of the sessions: `threadId \0 clientMessageId` → id, and whether there are any. */
  async findExistingMessages(db: Executor, accountId: string, sessionKeys: string[]) {
    const clientMessageIds = new Map<string, string>()
    if (sessionKeys.length === 0) return { clientMessageIds, hasMessages: false }
    const sessionIds = sql`(select s.id from sessions s where s.account_id = ${accountId} and ${heldLegacyKey} in ${textList(sessionKeys)})`
    const [{ any }] = await db.execute<{ any: boolean }>(
      sql`select exists (select 1 from chat_messages where session_id in ${sessionIds}) as any`,
    )
    if (!any) return { clientMessageIds, hasMessages: false }
    const rows = await db.execute<{ id: string; thread_id: string; client_message_id: string }>(sql`
      select id, thread_id, client_message_id from chat_messages
      where session_id in ${sessionIds} and client_message_id is not null`)
    for (const row of rows) clientMessageIds.set(`${row.thread_id}\u0000${row.client_message_id}`, row.id)
    return { clientMessageIds, hasMessages: true }
  },

  /**
   * `sessions.id` for each legacy key: the session holding that key's data (its legacy row, or the
   * ingested log that took it over or is named by it; see `heldLegacyKey`), creating
   * `source='legacy'` rows for keys nobody holds yet.
   */
  async ensureLegacySessions(
    tx: Executor,
    accountId: string,
    sessions: { sourceKey: string; title: string; origin: string }[],
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>()
    const findHolders = async (keys: string[]) => {
      // Several ingested logs may carry one key (the same name uploaded with different content):
      // the legacy row wins, then the oldest.
      const rows = await tx.execute<{ id: string; source_key: string }>(sql`
        select distinct on (held.key) held.key as source_key, held.id from (
          select ${heldLegacyKey} as key, s.id, s.source, s.created_at from sessions s where s.account_id = ${accountId}
        ) held
        where held.key in ${textList(keys)}
        order by held.key, (held.source = 'legacy') desc, held.created_at, held.id`)
      for (const row of rows) ids.set(row.source_key, row.id)
    }
    for (let start = 0; start < sessions.length; start += 1000) {
      const batch = sessions.slice(start, start + 1000)
      await findHolders(batch.map((s) => s.sourceKey))
      const missing = batch.filter((s) => !ids.has(s.sourceKey))
      if (missing.length === 0) continue
      await tx.execute(sql`
        insert into sessions (account_id, source_key, title, origin, source)
        select ${accountId}, r.source_key, r.title, r.origin, 'legacy'
        from jsonb_to_recordset(${jsonParam(missing.map((s) => ({ source_key: s.sourceKey, title: s.title, origin: s.origin })))})
          as r(source_key text, title text, origin text)
        on conflict (account_id, source_key) do nothing`)
      await findHolders(missing.map((s) => s.sourceKey))
    }
    return ids
  },

  async archiveThreads(tx: Executor, accountId: string, threadIds: string[]) {
    if (threadIds.length === 0) return
    await tx.execute(sql`
      update chat_threads set status = 'archived', updated_at = now()
      where account_id = ${accountId} and id in ${textList(threadIds)}`)
  },

  /** `merge`: update rows that already exist (by id); otherwise every row must be new. */
  async writeThreads(tx: Executor, accountId: string, rows: LegacyThreadRow[], merge: boolean) {
    if (rows.length === 0) return
    const insert = sql`
      insert into chat_threads (id, session_id, account_id, mode, title, status, message_count,
                                last_message_preview, last_message_at, created_at, updated_at)
      select r.id, r.session_id, ${accountId}, r.mode, r.title, r.status, r.message_count,
             r.last_message_preview, r.last_message_at, r.created_at, r.updated_at
      from ${jsonRows(rows)} as r(
        id text, session_id uuid, mode text, title text, status text, message_count integer,
        last_message_preview text, last_message_at timestamptz, created_at timestamptz, updated_at timestamptz)`
    const update = sql`
      session_id = excluded.session_id, mode = excluded.mode, title = excluded.title, status = excluded.status,
      message_count = excluded.message_count, last_message_preview = excluded.last_message_preview,
      last_message_at = excluded.last_message_at, created_at = excluded.created_at, updated_at = excluded.updated_at`
    await writeRows(tx, { table: 'chat_threads', accountId, ids: rows.map((r) => r.id), insert, update, merge })
  },

  async writeMessages(tx: Executor, accountId: string, rows: LegacyMessageRow[], merge: boolean) {
    if (rows.length === 0) return
    const insert = sql`
      insert into chat_messages (id, thread_id, session_id, account_id, mode, role, content, status, seq,
                                 client_message_id, misalignment_id, evidence, context_events, created_at, updated_at)
      select r.id, r.thread_id, r.session_id, ${accountId}, r.mode, r.role, r.content, 'complete', r.seq,
             r.client_message_id, r.misalignment_id, (r.evidence -> 'v')::jsonb, (r.context_events -> 'v')::jsonb,
             r.created_at, r.updated_at
      from ${jsonRows(rows)} as r(
        id text, thread_id text, session_id uuid, mode text, role text, content text, seq bigint,
        client_message_id text, misalignment_id text, evidence json, context_events json,
        created_at timestamptz, updated_at timestamptz)`
    const update = sql`
      thread_id = excluded.thread_id, session_id = excluded.session_id, mode = excluded.mode, role = excluded.role,
      content = excluded.content, status = excluded.status, seq = excluded.seq,
      client_message_id = excluded.client_message_id, misalignment_id = excluded.misalignment_id,
      evidence = excluded.evidence, context_events = excluded.context_events,
      created_at = excluded.created_at, updated_at = excluded.updated_at`
    await writeRows(tx, { table: 'chat_messages', accountId, ids: rows.map((r) => r.id), insert, update, merge })
  },

  async writeToolEvents(tx: Executor, accountId: string, rows: LegacyToolEventRow[], merge: boolean) {
    if (rows.length === 0) return
    const insert = sql`
      insert into chat_tool_events (id, session_id, thread_id, account_id, tool_call_id, tool_name, status,
                                    arguments, result, error, started_at, completed_at, latency_ms, context_events)
      select r.id, r.session_id, r.thread_id, ${accountId}, r.tool_call_id, r.tool_name, r.status,
             (r.arguments -> 'v')::jsonb, (r.result -> 'v')::jsonb, r.error, r.started_at, r.completed_at,
             r.latency_ms, (r.context_events -> 'v')::jsonb
      from ${jsonRows(rows)} as r(
        id text, session_id uuid, thread_id text, tool_call_id text, tool_name text, status text,
        arguments json, result json, error text, started_at timestamptz, completed_at timestamptz,
        latency_ms integer, context_events json)`
    const update = sql`
      session_id = excluded.session_id, thread_id = excluded.thread_id, tool_call_id = excluded.tool_call_id,
      tool_name = excluded.tool_name, status = excluded.status, arguments = excluded.arguments,
      result = excluded.result, error = excluded.error, started_at = excluded.started_at,
      completed_at = excluded.completed_at, latency_ms = excluded.latency_ms, context_events = excluded.context_events`
    await writeRows(tx, { table: 'chat_tool_events', accountId, ids: rows.map((r) => r.id), insert, update, merge })
  },

  /**
   * After merging into sessions that already held messages: `seq` follows (created_at, id) again
   * and the thread counters match the stored messages. Merged rows were written at
   * 2 × SEQ_MERGE_OFFSET + seq and older ones are lifted by SEQ_MERGE_OFFSET first, so no two rows
   * of a thread ever share a seq in between (the unique index is checked row by row).
   */
  async renumberMessagesAndRecountThreads(tx: Executor, sessionIds: string[]) {
    if (sessionIds.length === 0) return
    const sessions = sql`(select jsonb_array_elements_text(${jsonParam(sessionIds)})::uuid)`
    await tx.execute(sql`
      update chat_messages set seq = seq + ${SEQ_MERGE_OFFSET}
      where session_id in ${sessions} and seq < ${SEQ_MERGE_OFFSET}`)
    await tx.execute(sql`
      update chat_messages m set seq = ordered.position
      from (select id, row_number() over (partition by thread_id order by created_at, id collate "C") as position
            from chat_messages where session_id in ${sessions}) ordered
      where m.id = ordered.id`)
    await tx.execute(sql`
      update chat_threads t set
        message_count = (select count(*) from chat_messages m where m.thread_id = t.id),
        last_message_preview = (select left(m.content, 280) from chat_messages m where m.thread_id = t.id order by m.seq desc limit 1),
        last_message_at = (select m.created_at from chat_messages m where m.thread_id = t.id order by m.seq desc limit 1)
      where t.session_id in ${sessions}`)
  },

  /** One page of an account's rows of a table, by primary key, for the pre-import backup. */
  async pageAccountRows(
    db: Executor,
    table: BackedUpTable,
    accountId: string,
    afterId: string | null,
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    const idType = sql.raw(BACKED_UP_TABLES[table])
    const after = afterId === null ? sql`true` : sql`id > ${afterId}::${idType}`
    return db.execute<Record<string, unknown>>(sql`
      select * from ${sql.identifier(table)} where account_id = ${accountId} and ${after} order by id limit ${limit}`)
  },

  /** Threads with their legacy session key, ordered by id in byte order (the original key order). */
  async pageThreadsForExport(db: Executor, accountId: string, afterId: string | null, limit: number) {
    return db.execute<ExportedThreadRow>(sql`
      select t.id, ${exportedSessionKey} as session_key, t.mode, t.title, t.status, t.message_count,
             t.last_message_preview, ${isoInstant(sql`t.last_message_at`)} as last_message_at,
             ${isoInstant(sql`t.created_at`)} as created_at, ${isoInstant(sql`t.updated_at`)} as updated_at
      from chat_threads t join sessions s on s.id = t.session_id
      where t.account_id = ${accountId} and ${afterCondition(sql`t.id`, afterId)}
      order by t.id collate "C" limit ${limit}`)
  },

  async pageMessagesForExport(db: Executor, accountId: string, afterId: string | null, limit: number) {
    return db.execute<ExportedMessageRow>(sql`
      select m.id, ${exportedSessionKey} as session_key, m.mode, m.thread_id, m.role, m.content,
             m.client_message_id, m.misalignment_id,
             ${boxed(sql`m.evidence`)} as evidence, ${boxed(sql`m.context_events`)} as context_events,
             ${isoInstant(sql`m.created_at`)} as created_at, ${isoInstant(sql`m.updated_at`)} as updated_at
      from chat_messages m join sessions s on s.id = m.session_id
      where m.account_id = ${accountId} and ${afterCondition(sql`m.id`, afterId)}
      order by m.id collate "C" limit ${limit}`)
  },

  async pageToolEventsForExport(db: Executor, accountId: string, afterId: string | null, limit: number) {
    return db.execute<ExportedToolEventRow>(sql`
      select e.id, ${exportedSessionKey} as session_key, e.thread_id, e.tool_call_id, e.tool_name, e.status,
             ${boxed(sql`e.arguments`)} as arguments, ${boxed(sql`e.result`)} as result, e.error,
             ${isoInstant(sql`e.started_at`)} as started_at, ${isoInstant(sql`e.completed_at`)} as completed_at,
             e.latency_ms, ${boxed(sql`e.context_events`)} as context_events
      from chat_tool_events e join sessions s on s.id = e.session_id
      where e.account_id = ${accountId} and ${afterCondition(sql`e.id`, afterId)}
      order by e.id collate "C" limit ${limit}`)
  },

  /** Sessions of the account that are not legacy keys but have coach data, for the export's notes. */
  async countNonLegacySessionsWithChats(db: Executor, accountId: string) {
    const [{ n }] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from sessions s
      where s.account_id = ${accountId} and s.source <> 'legacy'
        and (exists (select 1 from chat_threads t where t.session_id = s.id)
             or exists (select 1 from chat_tool_events e where e.session_id = s.id))`)
    return n
  },
}

/** Tables the import writes, with their primary key type, saved to the backup before writing. */
export const BACKED_UP_TABLES = {
  sessions: 'uuid',
  chat_threads: 'text',
  chat_messages: 'text',
  chat_tool_events: 'text',
  legacy_imports: 'uuid',
} as const
export type BackedUpTable = keyof typeof BACKED_UP_TABLES

/**
 * Legacy sessions (also once an ingested log took one over) get their original key back, and so
 * do logs whose name the original key stands for alone; other sessions created after the cutover
 * have none.
 */
const exportedSessionKey = sql`coalesce(${heldLegacyKey}, 'session-' || s.id)`
/** `[value]` for a stored JSON value (JSON null included), SQL NULL when nothing is stored. */
const boxed = (column: SQL) => sql`case when ${column} is null then null else jsonb_build_array(${column}) end`
const afterCondition = (column: SQL, afterId: string | null) =>
  afterId === null ? sql`true` : sql`${column} collate "C" > ${afterId}`
