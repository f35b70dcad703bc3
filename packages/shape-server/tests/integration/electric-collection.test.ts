import {
  and,
  BTreeIndex,
  createCollection,
  createLiveQueryCollection,
  eq,
  gt,
  ilike,
  inArray,
  lower,
  or,
} from '@tanstack/db'
import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byKey, eventually, type ShapeServerFixture, startFixture } from './support.ts'

type Task = { id: number; title: string; priority: number; done: boolean }

let fixture: ShapeServerFixture
const statements: string[] = []

beforeAll(async () => {
  fixture = await startFixture({ onStatement: (sql) => statements.push(sql) })
  await fixture.sql.unsafe(`
    CREATE TABLE tasks (id int PRIMARY KEY, title text NOT NULL, priority int NOT NULL, done boolean NOT NULL DEFAULT false);
    INSERT INTO tasks SELECT n, 'Task ' || n, n * 7 % 40, n % 4 = 0 FROM generate_series(1, 40) AS n;
    CREATE TABLE elsewhere (id int PRIMARY KEY);
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

/** The app's write pattern: one transaction, txid read inside it. */
async function writeWithTxid(write: (sql: postgres.TransactionSql) => Promise<unknown>): Promise<number> {
  return fixture.sql.begin(async (sql) => {
    await write(sql)
    const [{ txid }] = await sql<{ txid: string }[]>`SELECT pg_current_xact_id()::xid::text AS txid`
    return Number.parseInt(txid, 10)
  })
}

function taskCollection(
  id: string,
  options: { syncMode?: 'eager' | 'on-demand'; subsetMethod?: 'GET' | 'POST'; liveSse?: boolean } = {},
) {
  return createCollection(
    electricCollectionOptions<Task>({
      id,
      syncMode: options.syncMode,
      shapeOptions: {
        url: fixture.shapeUrl,
        params: { table: 'tasks' },
        subsetMethod: options.subsetMethod,
        liveSse: options.liveSse,
      },
      getKey: (task) => task.id,
      onInsert: async ({ transaction }) => {
        const task = transaction.mutations[0].modified
        const txid = await writeWithTxid(
          (sql) =>
            sql`INSERT INTO tasks (id, title, priority, done) VALUES (${task.id}, ${task.title}, ${task.priority}, ${task.done})`,
        )
        return { txid }
      },
      onUpdate: async ({ transaction }) => {
        const { original, changes } = transaction.mutations[0]
        const txid = await writeWithTxid(
          (sql) =>
            sql`UPDATE tasks SET ${sql(changes as Record<string, unknown>, ...Object.keys(changes))} WHERE id = ${original.id}`,
        )
        return { txid }
      },
      onDelete: async ({ transaction }) => {
        const txid = await writeWithTxid(
          (sql) => sql`DELETE FROM tasks WHERE id = ${transaction.mutations[0].original.id}`,
        )
        return { txid }
      },
    }),
  )
}

/** Polls a client-side condition (derived live queries update asynchronously). */
/** Drops TanStack DB's virtual `$…` properties. */
function plain({ id, title, priority, done }: Task): Task {
  return { id, title, priority, done }
}

async function selectTasks(where = 'true', tail = 'ORDER BY id'): Promise<Task[]> {
  return fixture.sql.unsafe<Task[]>(`SELECT id, title, priority, done FROM tasks WHERE ${where} ${tail}`)
}

describe('@tanstack/electric-db-collection against the embedded server', () => {
  it('live over server-sent events: mutations are confirmed through awaitTxId on the event stream', async () => {
    const tasks = taskCollection('tasks-sse', { liveSse: true })
    try {
      await tasks.preload()
      const insert = tasks.insert({ id: 2000, title: 'Over SSE', priority: 1, done: false })
      await insert.isPersisted.promise
      const update = tasks.update(2000, (draft) => {
        draft.title = 'Updated over SSE'
      })
      await update.isPersisted.promise
      expect(plain(tasks.get(2000) as Task)).toEqual({ id: 2000, title: 'Updated over SSE', priority: 1, done: false })
      const txid = await writeWithTxid((sql) => sql`DELETE FROM tasks WHERE id = 2000`)
      await tasks.utils.awaitTxId(txid, 10_000)
      expect(tasks.has(2000)).toBe(false)
      expect(byKey(tasks.toArray, (task) => task.id).map(plain)).toEqual(await selectTasks())
    } finally {
      await tasks.cleanup()
    }
  })

  it('eager mode: syncs everything and persists mutations through awaitTxId', async () => {
    const tasks = taskCollection('tasks-eager')
    try {
      await tasks.preload()
      expect(byKey(tasks.toArray, (task) => task.id).map(plain)).toEqual(await selectTasks())

      const insert = tasks.insert({ id: 1000, title: 'Written through the handler', priority: 99, done: false })
      await insert.isPersisted.promise
      expect(plain(tasks.get(1000) as Task)).toEqual({
        id: 1000,
        title: 'Written through the handler',
        priority: 99,
        done: false,
      })

      const update = tasks.update(1000, (draft) => {
        draft.done = true
        draft.title = 'Updated'
      })
      await update.isPersisted.promise
      expect(await selectTasks('id = 1000')).toEqual([{ id: 1000, title: 'Updated', priority: 99, done: true }])
      expect(plain(tasks.get(1000) as Task)).toEqual({ id: 1000, title: 'Updated', priority: 99, done: true })

      const remove = tasks.delete(1000)
      await remove.isPersisted.promise
      expect(tasks.has(1000)).toBe(false)

      // A write made elsewhere: awaitTxId resolves once the server delivers that transaction.
      const txid = await writeWithTxid((sql) => sql`UPDATE tasks SET title = 'Outside write' WHERE id = 1`)
      await tasks.utils.awaitTxId(txid, 10_000)
      expect(tasks.get(1)?.title).toBe('Outside write')

      // And it does not resolve for a transaction that never reaches this shape.
      const unrelated = await writeWithTxid((sql) => sql`INSERT INTO elsewhere VALUES (1)`)
      await expect(tasks.utils.awaitTxId(unrelated, 800)).rejects.toThrow()
    } finally {
      await tasks.cleanup()
    }
  })

  for (const subsetMethod of ['GET', 'POST'] as const) {
    it(`on-demand mode (${subsetMethod} subsets): loads exactly the queried rows and follows changes`, async () => {
      statements.length = 0
      const newId = subsetMethod === 'GET' ? 2000 : 3000
      const tasks = taskCollection(`tasks-on-demand-${subsetMethod}`, { syncMode: 'on-demand', subsetMethod })
      // Without an index TanStack DB loads everything for ORDER BY … LIMIT instead of a subset.
      tasks.createIndex((task) => task.priority, { indexType: BTreeIndex })
      const top = createLiveQueryCollection((q) =>
        q
          .from({ task: tasks })
          .where(({ task }) => and(gt(task.priority, 10), eq(task.done, false)))
          .orderBy(({ task }) => task.priority, 'desc')
          .orderBy(({ task }) => task.id, 'asc')
          .limit(5),
      )
      const picked = createLiveQueryCollection((q) =>
        q
          .from({ task: tasks })
          .where(({ task }) => or(inArray(task.id, [2, 3, 5, 7]), ilike(lower(task.title), 'task 3_'))),
      )
      try {
        await top.preload()
        await picked.preload()
        expect(top.toArray.map(plain)).toEqual(
          await selectTasks('priority > 10 AND NOT done', 'ORDER BY priority DESC, id ASC LIMIT 5'),
        )
        expect(byKey(picked.toArray, (task) => task.id).map(plain)).toEqual(
          await selectTasks("id IN (2, 3, 5, 7) OR lower(title) ILIKE 'task 3_'"),
        )
        // The rows came from subset snapshots carrying the query's where, order and limit…
        const subsetQueries = statements.filter(
          (sql) => sql.includes('FROM "public"."tasks" WHERE') && sql.includes('ORDER BY'),
        )
        expect(subsetQueries.some((sql) => /"priority" > \$\d/.test(sql) && /LIMIT \d+/.test(sql))).toBe(true)
        // …and only what the queries asked for was loaded.
        const [{ count }] = await fixture.sql<{ count: string }[]>`SELECT count(*)::text AS count FROM tasks`
        expect(tasks.size).toBeLessThan(Number(count))

        const insert = tasks.insert({ id: newId, title: 'Top priority', priority: 500, done: false })
        await insert.isPersisted.promise
        await eventually(() => top.toArray[0]?.id === newId, 'the inserted row at the top')
        expect(plain(top.toArray[0])).toEqual({ id: newId, title: 'Top priority', priority: 500, done: false })

        const txid = await writeWithTxid((sql) => sql`UPDATE tasks SET priority = 600 WHERE id = ${newId}`)
        await tasks.utils.awaitTxId(txid, 10_000)
        // The synced row is current as soon as awaitTxId resolves; derived queries follow a tick later.
        expect(tasks.get(newId)?.priority).toBe(600)
        await eventually(() => top.toArray[0]?.priority === 600, 'the live query to show the update')

        const remove = tasks.delete(newId)
        await remove.isPersisted.promise
        const expected = JSON.stringify(
          await selectTasks('priority > 10 AND NOT done', 'ORDER BY priority DESC, id ASC LIMIT 5'),
        )
        await eventually(() => JSON.stringify(top.toArray.map(plain)) === expected, 'the top five after the delete')
      } finally {
        await top.cleanup()
        await picked.cleanup()
        await tasks.cleanup()
      }
    })
  }
})
