import { isChangeMessage } from '@electric-sql/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byKey, type ShapeServerFixture, StreamRecorder, startFixture } from './support.ts'

let fixture: ShapeServerFixture

beforeAll(async () => {
  fixture = await startFixture()
  await fixture.sql.unsafe(`
    CREATE TABLE todos (id int PRIMARY KEY, title text NOT NULL, done boolean NOT NULL DEFAULT false, note text);
    INSERT INTO todos (id, title) VALUES (1, 'one'), (2, 'two'), (3, 'three');
    CREATE TABLE typed (
      id bigint PRIMARY KEY,
      nothing text,
      doc jsonb,
      tags text[],
      matrix int[][],
      at timestamptz,
      amount numeric(12, 4),
      big bigint,
      words text,
      flag boolean,
      duration interval,
      raw bytea
    );
    CREATE TABLE "Mixed Case" ("Id" text PRIMARY KEY, "Value" int, "quote""d" text);
    INSERT INTO "Mixed Case" VALUES ('A', 1, 'q');
    CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance int NOT NULL);
    INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', 20);
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

async function txid(run: (sql: typeof fixture.sql) => Promise<unknown>): Promise<number> {
  return fixture.sql.begin(async (sql) => {
    await run(sql as unknown as typeof fixture.sql)
    const [{ txid }] = await sql<{ txid: string }[]>`SELECT pg_current_xact_id()::xid::text AS txid`
    return Number(txid)
  })
}

describe('ShapeStream against the embedded server', () => {
  it('syncs the initial rows and then live inserts, updates and deletes', async () => {
    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'todos' } })
    try {
      await recorder.upToDate()
      expect(byKey(recorder.rows, (row) => Number(row.id))).toEqual([
        { id: 1, title: 'one', done: false, note: null },
        { id: 2, title: 'two', done: false, note: null },
        { id: 3, title: 'three', done: false, note: null },
      ])

      const insertTxid = await txid((sql) => sql`INSERT INTO todos (id, title) VALUES (4, 'four')`)
      const updateTxid = await txid((sql) => sql`UPDATE todos SET done = true WHERE id = 1`)
      const deleteTxid = await txid((sql) => sql`DELETE FROM todos WHERE id = 2`)
      await recorder.waitFor(
        () => recorder.rows.length === 3 && recorder.rows.some((row) => row.id === 4),
        'insert and delete',
      )

      expect(byKey(recorder.rows, (row) => Number(row.id))).toEqual([
        { id: 1, title: 'one', done: true, note: null },
        { id: 3, title: 'three', done: false, note: null },
        { id: 4, title: 'four', done: false, note: null },
      ])
      const live = recorder.changeMessages().filter((message) => message.headers.txids)
      expect(live.map((message) => [message.headers.operation, message.key, message.headers.txids])).toEqual([
        ['insert', '"public"."todos"/"4"', [insertTxid]],
        ['update', '"public"."todos"/"1"', [updateTxid]],
        ['delete', '"public"."todos"/"2"', [deleteTxid]],
      ])
      // Default replica mode: updates carry the key and the changed columns, deletes the key.
      expect(live[1].value).toEqual({ id: 1, done: true })
      expect(live[2].value).toEqual({ id: 2 })
      for (const message of live) {
        expect(message.headers.last).toBe(true)
        expect(typeof message.headers.lsn).toBe('string')
      }
    } finally {
      recorder.close()
    }
  })

  it('turns rows moving into the where clause into inserts and rows moving out into deletes', async () => {
    await fixture.sql`INSERT INTO accounts VALUES (3, 'ann', 30)`
    const recorder = new StreamRecorder({
      url: fixture.shapeUrl,
      params: { table: 'accounts', where: 'owner = $1', params: { '1': 'ann' } },
    })
    try {
      await recorder.upToDate()
      expect(byKey(recorder.rows, (row) => Number(row.id)).map((row) => row.id)).toEqual([1, 3])

      await fixture.sql`UPDATE accounts SET owner = 'ann', balance = 21 WHERE id = 2`
      await fixture.sql`UPDATE accounts SET owner = 'bob' WHERE id = 1`
      await recorder.waitFor(
        () => recorder.rows.some((row) => row.id === 2) && !recorder.rows.some((row) => row.id === 1),
        'moves',
      )

      const live = recorder.changeMessages().filter((message) => message.headers.txids)
      expect(live.map((message) => [message.headers.operation, message.key])).toEqual([
        ['insert', '"public"."accounts"/"2"'],
        ['delete', '"public"."accounts"/"1"'],
      ])
      // A move in sends the whole row, not only the changed columns.
      expect(live[0].value).toEqual({ id: 2, owner: 'ann', balance: 21 })
      expect(byKey(recorder.rows, (row) => Number(row.id))).toEqual([
        { id: 2, owner: 'ann', balance: 21 },
        { id: 3, owner: 'ann', balance: 30 },
      ])
    } finally {
      recorder.close()
    }
  })

  it('evaluates where clauses outside the in-process subset (ranges, functions) with Postgres', async () => {
    await fixture.sql`INSERT INTO accounts VALUES (5, 'Carol', 50), (6, 'dave', 60)`
    const recorder = new StreamRecorder({
      url: fixture.shapeUrl,
      params: {
        table: 'accounts',
        where: 'balance BETWEEN $1 AND 55 AND lower(owner) LIKE $2',
        params: { '1': '40', '2': 'c%' },
      },
    })
    try {
      await recorder.upToDate()
      expect(recorder.rows).toEqual([{ id: 5, owner: 'Carol', balance: 50 }])
      await fixture.sql`UPDATE accounts SET balance = 45, owner = 'Cara' WHERE id = 6`
      await fixture.sql`UPDATE accounts SET balance = 56 WHERE id = 5`
      await fixture.sql`UPDATE accounts SET balance = 44 WHERE id = 6`
      await recorder.waitFor(
        () => recorder.rows.length === 1 && recorder.rows[0].id === 6 && recorder.rows[0].balance === 44,
        'moves',
      )
      const live = recorder.changeMessages().filter((message) => message.headers.txids)
      expect(live.map((message) => [message.headers.operation, message.key])).toEqual([
        ['insert', '"public"."accounts"/"6"'],
        ['delete', '"public"."accounts"/"5"'],
        ['update', '"public"."accounts"/"6"'],
      ])
    } finally {
      recorder.close()
    }
  })

  it('sends nothing for an update that changes no selected column', async () => {
    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'todos', columns: ['id', 'title'] } })
    try {
      await recorder.upToDate()
      const silentTxid = await txid((sql) => sql`UPDATE todos SET note = 'not selected', done = NOT done WHERE id = 3`)
      const sameValueTxid = await txid((sql) => sql`UPDATE todos SET title = title WHERE id = 3`)
      const markerTxid = await txid((sql) => sql`UPDATE todos SET title = 'three!' WHERE id = 3`)
      await recorder.waitFor(() => recorder.rows.some((row) => row.title === 'three!'), 'the marker update')

      const txids = recorder.changeMessages().flatMap((message) => message.headers.txids ?? [])
      expect(txids).toEqual([markerTxid])
      expect(txids).not.toContain(silentTxid)
      expect(txids).not.toContain(sameValueTxid)
      expect(recorder.rows.find((row) => row.id === 3)).toEqual({ id: 3, title: 'three!' })
    } finally {
      recorder.close()
    }
  })

  it('splits a primary key change into a delete and an insert', async () => {
    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'todos' } })
    try {
      await recorder.upToDate()
      const keyChangeTxid = await txid((sql) => sql`UPDATE todos SET id = 40 WHERE id = 4`)
      await recorder.waitFor(() => recorder.rows.some((row) => row.id === 40), 'the moved key')
      const live = recorder.changeMessages().filter((message) => message.headers.txids?.includes(keyChangeTxid))
      expect(live.map((message) => [message.headers.operation, message.key, message.headers.op_position])).toEqual([
        ['delete', '"public"."todos"/"4"', 0],
        ['insert', '"public"."todos"/"40"', 1],
      ])
      expect(live[0].headers.key_change_to).toBe('"public"."todos"/"40"')
      expect(live[1].headers.key_change_from).toBe('"public"."todos"/"4"')
      expect(recorder.rows.some((row) => row.id === 4)).toBe(false)
    } finally {
      recorder.close()
    }
  })

  it('sends full rows and old values with replica=full', async () => {
    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'accounts', replica: 'full' } })
    try {
      await recorder.upToDate()
      const updateTxid = await txid((sql) => sql`UPDATE accounts SET balance = balance + 1 WHERE id = 3`)
      const deleteTxid = await txid((sql) => sql`DELETE FROM accounts WHERE id = 3`)
      await recorder.waitFor(() => !recorder.rows.some((row) => row.id === 3), 'the delete')
      const live = recorder
        .changeMessages()
        .filter((message) => message.headers.txids?.some((id) => id === updateTxid || id === deleteTxid))
      expect(live[0].headers.operation).toBe('update')
      expect(live[0].value).toEqual({ id: 3, owner: 'ann', balance: 31 })
      expect((live[0] as unknown as { old_value: unknown }).old_value).toEqual({ balance: 30 })
      expect(live[1].headers.operation).toBe('delete')
      expect(live[1].value).toEqual({ id: 3, owner: 'ann', balance: 31 })
    } finally {
      recorder.close()
    }
  })

  it('keeps NULL, jsonb, arrays, timestamptz, bigint, numeric, unicode and bytea identical in snapshot and log', async () => {
    const values = `NULL, '{"a": [1, "x"], "ü": null}', ARRAY['a b', 'c,"d"', NULL], '{{1,2},{3,4}}',
      '2024-02-29 23:59:58.123456+02', 12345678.1200, 9007199254740993, 'naïve ☕ 𝄞 "quotes" \\ / slash',
      true, '1 day 02:03:04.5', '\\x00ff'`
    await fixture.sql.unsafe(`INSERT INTO typed VALUES (1, ${values})`)
    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'typed' } })
    try {
      await recorder.upToDate()
      await fixture.sql.unsafe(`INSERT INTO typed VALUES (2, ${values})`)
      await recorder.waitFor(() => recorder.rows.length === 2, 'the replicated row')
      const [fromSnapshot, fromLog] = byKey(recorder.rows, (row) => String(row.id))
      expect(fromSnapshot).toEqual({
        id: 1n,
        nothing: null,
        doc: { a: [1, 'x'], ü: null },
        tags: ['a b', 'c,"d"', null],
        matrix: [
          [1, 2],
          [3, 4],
        ],
        at: '2024-02-29 21:59:58.123456+00',
        amount: '12345678.1200',
        big: 9007199254740993n,
        words: 'naïve ☕ 𝄞 "quotes" \\ / slash',
        flag: true,
        duration: 'P1DT2H3M4.5S',
        raw: '\\x00ff',
      })
      expect({ ...fromLog, id: 1n }).toEqual(fromSnapshot)
    } finally {
      recorder.close()
    }
  })

  it('fills unchanged TOASTed values from the old row', async () => {
    await fixture.sql.unsafe(`
      CREATE TABLE documents (id int PRIMARY KEY, status text NOT NULL, body text NOT NULL);
      ALTER TABLE documents ALTER COLUMN body SET STORAGE EXTERNAL;
    `)
    // Stored out of line (no compression), so an update that does not touch it sends no value.
    const body = Array.from({ length: 3000 }, (_, index) => `line ${index}`).join('\n')
    await fixture.sql`INSERT INTO documents VALUES (1, 'draft', ${body})`
    const full = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'documents', replica: 'full' } })
    const published = new StreamRecorder({
      url: fixture.shapeUrl,
      params: { table: 'documents', where: "status = 'published'" },
    })
    try {
      await Promise.all([full.upToDate(), published.upToDate()])
      expect(published.rows).toEqual([])
      await fixture.sql`UPDATE documents SET status = 'published' WHERE id = 1`
      await full.waitFor(() => full.rows[0]?.status === 'published', 'the status update')
      await published.waitFor(() => published.rows.length === 1, 'the document moving in')
      expect(full.changeMessages().at(-1)?.value).toEqual({ id: 1, status: 'published', body })
      expect(published.rows).toEqual([{ id: 1, status: 'published', body }])
    } finally {
      full.close()
      published.close()
    }
  })

  it('makes clients refetch after a schema change and serves the new columns', async () => {
    await fixture.sql.unsafe(
      "CREATE TABLE evolving (id int PRIMARY KEY, name text); INSERT INTO evolving VALUES (1, 'one')",
    )
    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'evolving' } })
    try {
      await recorder.upToDate()
      const handle = recorder.stream.shapeHandle
      await fixture.sql.unsafe('ALTER TABLE evolving ADD COLUMN rank int NOT NULL DEFAULT 7, DROP COLUMN name')
      await fixture.sql`INSERT INTO evolving VALUES (2, 8)`
      await recorder.waitFor(
        () => recorder.rows.length === 2 && recorder.rows.every((row) => 'rank' in row),
        'the new columns',
      )
      expect(recorder.stream.shapeHandle).not.toBe(handle)
      expect(byKey(recorder.rows, (row) => Number(row.id))).toEqual([
        { id: 1, rank: 7 },
        { id: 2, rank: 8 },
      ])
    } finally {
      recorder.close()
    }
  })

  it('handles quoted, mixed-case table and column names', async () => {
    const recorder = new StreamRecorder({
      url: fixture.shapeUrl,
      params: { table: '"Mixed Case"', where: '"Value" >= 1', columns: ['Id', 'Value', 'quote"d'] },
    })
    try {
      await recorder.upToDate()
      expect(recorder.rows).toEqual([{ Id: 'A', Value: 1, 'quote"d': 'q' }])
      await fixture.sql`INSERT INTO "Mixed Case" VALUES ('b/c', 2, 'x')`
      await fixture.sql`UPDATE "Mixed Case" SET "Value" = 0 WHERE "Id" = 'A'`
      await recorder.waitFor(() => recorder.rows.length === 1 && recorder.rows[0].Id === 'b/c', 'mixed-case changes')
      const keys = recorder.changeMessages().map((message) => message.key)
      expect(keys).toContain('"public"."Mixed Case"/"b//c"')
      expect(recorder.changeMessages().at(-1)?.headers.operation).toBe('delete')
      expect(recorder.messages.filter(isChangeMessage).length).toBeGreaterThan(0)
    } finally {
      recorder.close()
    }
  })
})
