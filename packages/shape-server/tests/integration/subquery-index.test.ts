import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ShapeServerFixture, StreamRecorder, startFixture } from './support.ts'
import { ids, materialise } from './tagged-rows.ts'

/**
 * Subquery shapes in the equality index: with many `project_id IN (SELECT id FROM projects WHERE
 * owner = $1)` shapes, a change of an issue is applied only to the shapes whose set holds its old
 * or new project (plus those the index cannot key), and each shape's set follows the projects as
 * they move between owners. Every client (the official `@electric-sql/client`) must end with
 * exactly the rows its clause selects. The server counts what it applies to subquery shapes
 * (`diagnostics().subqueryApplications`, one per shape and transaction).
 */

const OWNERS = 60
const CONDITIONED = 10

let fixture: ShapeServerFixture
let marks: StreamRecorder
let markCount = 0

beforeAll(async () => {
  fixture = await startFixture()
  await fixture.sql.unsafe(`
    CREATE TABLE projects (id int PRIMARY KEY, owner text NOT NULL);
    CREATE TABLE issues (id int PRIMARY KEY, project_id int, title text NOT NULL);
    CREATE TABLE marks (id int PRIMARY KEY);
    INSERT INTO projects SELECT p, 'owner-' || ((p - 1) % ${OWNERS}) FROM generate_series(1, ${2 * OWNERS}) AS p;
    INSERT INTO issues SELECT n, 1 + (n - 1) % ${2 * OWNERS}, 'Issue ' || n FROM generate_series(1, ${4 * OWNERS}) AS n;
  `)
  marks = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'marks' } })
  await marks.upToDate()
})

afterAll(async () => {
  marks?.close()
  await fixture?.teardown()
})

/**
 * Waits until every transaction committed so far has been applied to every shape: transactions
 * are applied in commit order, so once a later one reached the `marks` shape the earlier ones are
 * done. Returns the subquery applications counted by then.
 */
async function settle(): Promise<number> {
  const id = ++markCount
  await fixture.sql`INSERT INTO marks VALUES (${id})`
  await marks.waitFor(() => marks.rows.length === id, `mark ${id}`)
  return fixture.server.diagnostics().subqueryApplications
}

interface Follower {
  name: string
  where: string
  params: Record<string, string>
  recorder: StreamRecorder
}

function follow(name: string, where: string, params: Record<string, string> = {}): Follower {
  const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'issues', where, params } })
  return { name, where, params, recorder }
}

/** The issue ids the follower's clause selects now, by Postgres. */
async function expectedIds(follower: Follower): Promise<number[]> {
  const values = Object.keys(follower.params)
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => follower.params[key])
  const rows = await fixture.sql.unsafe<{ id: number }[]>(
    `SELECT id FROM issues WHERE ${follower.where} ORDER BY id`,
    values,
  )
  return rows.map((row) => row.id)
}

describe('subquery shapes in the equality index', () => {
  it('offers each change only to the shapes whose sets can match it, before and after the sets move', async () => {
    const owned = 'project_id IN (SELECT id FROM projects WHERE owner = $1)'
    const keyed = Array.from({ length: OWNERS }, (_, index) => follow(`owner-${index}`, owned, { 1: `owner-${index}` }))
    // A row condition next to the subquery: Postgres evaluates it, a statement per shape applied.
    const conditioned = Array.from({ length: CONDITIONED }, (_, index) =>
      follow(`visible of owner-${index}`, `${owned} AND title <> 'hidden'`, { 1: `owner-${index}` }),
    )
    // Filed under its equality, whatever its set holds.
    const scoped = follow('special', `title = 'special' AND project_id IN (SELECT id FROM projects)`)
    // Not indexable: NOT IN selects rows outside a set; an OR whose alternatives differ.
    const negated = follow('not owner-0', `project_id NOT IN (SELECT id FROM projects WHERE owner = 'owner-0')`)
    const either = follow(
      'owner-1 or special',
      `project_id IN (SELECT id FROM projects WHERE owner = 'owner-1') OR title = 'special'`,
    )
    const unindexed = 2
    const followers = [...keyed, ...conditioned, scoped, negated, either]
    try {
      for (const follower of followers) await follower.recorder.upToDate()

      /** Applications a write caused: its transaction, then everything settled. */
      const applicationsOf = async (write: () => Promise<unknown>) => {
        const before = await settle()
        await write()
        return (await settle()) - before
      }

      // The first change of a table after replication (re)started carries its relation message,
      // which every shape checks itself against; from then on the index answers.
      await applicationsOf(() => fixture.sql`UPDATE issues SET title = 'Issue 240' WHERE id = 240`)
      await applicationsOf(() => fixture.sql`UPDATE projects SET owner = owner WHERE id = 120`)

      // An issue of project 4 (owner-3): owner-3's two shapes and the unindexed ones.
      expect(await applicationsOf(() => fixture.sql`INSERT INTO issues VALUES (1000, 4, 'new')`)).toBe(2 + unindexed)
      // Titled 'special' it concerns the equality-keyed shape too.
      expect(await applicationsOf(() => fixture.sql`INSERT INTO issues VALUES (1001, 4, 'special')`)).toBe(
        3 + unindexed,
      )
      // A row of a project nobody's shape holds reaches only the unindexed shapes.
      expect(await applicationsOf(() => fixture.sql`INSERT INTO issues VALUES (1002, NULL, 'orphan')`)).toBe(unindexed)

      // Project 6 moves from owner-5 to owner-3: a change of the inner table reaches the shapes
      // whose subquery's WHERE its old or new row matches (owner-5's lose it, owner-3's get its
      // issues as a move-in) and the one whose subquery reads every project.
      expect(await applicationsOf(() => fixture.sql`UPDATE projects SET owner = 'owner-3' WHERE id = 6`)).toBe(4 + 1)
      // An issue written to project 6 afterwards must reach owner-3's shapes (filed under 6 now),
      // and no longer owner-5's.
      expect(await applicationsOf(() => fixture.sql`INSERT INTO issues VALUES (1003, 6, 'after the move')`)).toBe(
        2 + unindexed,
      )

      // An issue moving from project 1 (owner-0) to project 2 (owner-1) is found under its old value
      // (it leaves owner-0's shapes) and its new one (it enters owner-1's).
      expect(await applicationsOf(() => fixture.sql`UPDATE issues SET project_id = 2 WHERE id = 1`)).toBe(4 + unindexed)
      // Hiding an issue of owner-3 takes it out of the conditioned shape only.
      expect(await applicationsOf(() => fixture.sql`UPDATE issues SET title = 'hidden' WHERE id = 1000`)).toBe(
        2 + unindexed,
      )
      // Project 6 leaves owner-3 for nobody: its issues move out, later writes to it concern no owner.
      expect(await applicationsOf(() => fixture.sql`UPDATE projects SET owner = 'nobody' WHERE id = 6`)).toBe(2 + 1)
      // A project nobody's subquery selects concerns only the shape reading every project.
      expect(await applicationsOf(() => fixture.sql`INSERT INTO projects VALUES (950, 'nobody')`)).toBe(1)
      expect(await applicationsOf(() => fixture.sql`UPDATE issues SET title = 'moved on' WHERE id = 1003`)).toBe(
        unindexed,
      )

      for (const follower of followers) {
        const expected = await expectedIds(follower)
        await follower.recorder.waitFor(
          () => JSON.stringify(ids(materialise(follower.recorder.messages))) === JSON.stringify(expected),
          `${follower.name} to hold ${expected}; holds ${ids(materialise(follower.recorder.messages))}`,
        )
      }
      // The moves the assertions above rest on did happen.
      expect(ids(materialise(keyed[3].recorder.messages))).toEqual(expect.arrayContaining([4, 124, 1000, 1001]))
      expect(ids(materialise(keyed[3].recorder.messages))).not.toContain(1003)
      expect(ids(materialise(keyed[5].recorder.messages))).not.toContain(6)
      expect(ids(materialise(keyed[0].recorder.messages))).not.toContain(1)
      expect(ids(materialise(keyed[1].recorder.messages))).toContain(1)
      expect(ids(materialise(conditioned[3].recorder.messages))).not.toContain(1000)
    } finally {
      for (const follower of followers) follower.recorder.close()
    }
  })

  it('a value entering the set after the shape was created brings later changes of its rows', async () => {
    // A fresh owner with no project yet: the shape starts with an empty set.
    const late = follow('late owner', 'project_id IN (SELECT id FROM projects WHERE owner = $1)', { 1: 'late' })
    try {
      await late.recorder.upToDate()
      expect(ids(materialise(late.recorder.messages))).toEqual([])
      await fixture.sql`INSERT INTO projects VALUES (900, 'late')`
      await fixture.sql`INSERT INTO issues VALUES (2000, 900, 'first')`
      await late.recorder.waitFor(() => ids(materialise(late.recorder.messages)).includes(2000), 'issue 2000')
      await fixture.sql`UPDATE issues SET title = 'renamed' WHERE id = 2000`
      await fixture.sql`INSERT INTO issues VALUES (2001, 900, 'second')`
      await late.recorder.waitFor(() => ids(materialise(late.recorder.messages)).includes(2001), 'issue 2001')
      const row = [...materialise(late.recorder.messages).values()].find((entry) => entry.value.id === 2000)
      expect(row?.value.title).toBe('renamed')

      // The project leaves the set: a later change of its issue must not bring it back.
      await fixture.sql`UPDATE projects SET owner = 'someone else' WHERE id = 900`
      await fixture.sql`UPDATE issues SET title = 'after leaving' WHERE id = 2000`
      await settle()
      await late.recorder.waitFor(() => ids(materialise(late.recorder.messages)).length === 0, 'the rows to leave')
      expect(ids(materialise(late.recorder.messages))).toEqual([])
    } finally {
      late.recorder.close()
    }
  })

  it('a seeded burst of mixed writes to both tables ends with every client holding exactly its rows', async () => {
    const owners = 12
    const owned = 'project_id IN (SELECT id FROM projects WHERE owner = $1)'
    const followers = [
      ...Array.from({ length: owners }, (_, index) => follow(`burst owner-${index}`, owned, { 1: `owner-${index}` })),
      follow('burst visible of owner-2', `${owned} AND title <> 'hidden'`, { 1: 'owner-2' }),
      follow('burst special of any project', `title = 'special' AND project_id IN (SELECT id FROM projects)`),
      follow('burst not owner-0', `project_id NOT IN (SELECT id FROM projects WHERE owner = 'owner-0')`),
    ]
    // A fixed seed: the same writes every run, so a failure can be replayed.
    let seed = 20261129
    const next = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % below
    }
    try {
      for (const follower of followers) await follower.recorder.upToDate()
      let nextIssue = 5000
      let nextProject = 5000
      for (let transaction = 0; transaction < 60; transaction++) {
        await fixture.sql.begin(async (sql) => {
          for (let op = 0, ops = 1 + next(3); op < ops; op++) {
            const project = 1 + next(2 * owners)
            const owner = `owner-${next(owners + 2)}` // two owners nobody follows
            // The last transactions change issues only: a move-out of a project would also remove
            // rows a shape failed to move out itself.
            switch (next(transaction < 40 ? 8 : 5)) {
              case 0:
                await sql`INSERT INTO issues VALUES (${nextIssue++}, ${project}, ${next(4) === 0 ? 'special' : 'burst'})`
                break
              case 1:
                // An issue moving to another project: it leaves one owner's shapes for another's.
                await sql`UPDATE issues SET project_id = ${project} WHERE id = (SELECT min(id) FROM issues WHERE project_id = ${1 + next(2 * owners)})`
                break
              case 2:
                await sql`UPDATE issues SET title = ${next(2) === 0 ? 'hidden' : 'special'} WHERE project_id = ${project}`
                break
              case 3:
                await sql`DELETE FROM issues WHERE id = (SELECT max(id) FROM issues WHERE project_id = ${project})`
                break
              case 4:
                // A primary-key change: a delete and an insert for the clients.
                await sql`UPDATE issues SET id = ${nextIssue++} WHERE id = (SELECT min(id) FROM issues WHERE project_id = ${project})`
                break
              case 5:
              case 6:
                await sql`UPDATE projects SET owner = ${owner} WHERE id = ${project}`
                break
              default:
                await sql`INSERT INTO projects VALUES (${nextProject++}, ${owner})`
                await sql`INSERT INTO issues VALUES (${nextIssue++}, ${nextProject - 1}, 'new project')`
            }
          }
        })
      }
      for (const follower of followers) {
        const expected = await expectedIds(follower)
        await follower.recorder.waitFor(
          () => JSON.stringify(ids(materialise(follower.recorder.messages))) === JSON.stringify(expected),
          `${follower.name} to hold ${expected}; holds ${ids(materialise(follower.recorder.messages))}`,
        )
      }
    } finally {
      for (const follower of followers) follower.recorder.close()
    }
  })
})
