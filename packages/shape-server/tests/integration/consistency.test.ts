import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byKey, type ShapeServerFixture, StreamRecorder, startFixture } from './support.ts'

let fixture: ShapeServerFixture

type Counter = { id: number; owner: string; value: number }

beforeAll(async () => {
  fixture = await startFixture()
  await fixture.sql.unsafe(`
    CREATE TABLE counters (id int PRIMARY KEY, owner text NOT NULL, value int NOT NULL);
    INSERT INTO counters SELECT n, CASE WHEN n % 3 = 0 THEN 'ann' ELSE 'bob' END, n FROM generate_series(1, 30) AS n;
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

/** Shapes covering both where-clause paths: whole table, in-process equality, Postgres-evaluated. */
const SHAPES: Array<{ name: string; params: Record<string, unknown>; filter: string }> = [
  { name: 'whole table', params: { table: 'counters' }, filter: 'true' },
  {
    name: 'owner = ann',
    params: { table: 'counters', where: 'owner = $1', params: { '1': 'ann' } },
    filter: "owner = 'ann'",
  },
  {
    name: 'values in a range',
    params: { table: 'counters', where: 'value BETWEEN $1 AND 40 OR value * 2 > 100', params: { '1': '12' } },
    filter: 'value BETWEEN 12 AND 40 OR value * 2 > 100',
  },
]

type SnapshotEnd = { xmin: string; xmax: string; xip_list: string[] }

function snapshotEnd(recorder: StreamRecorder<Counter>) {
  const message = recorder.messages.find((item) => 'control' in item.headers && item.headers.control === 'snapshot-end')
  return message?.headers as SnapshotEnd | undefined
}

function visibleIn(snapshot: SnapshotEnd | undefined, xid: bigint): boolean {
  if (!snapshot) throw new Error('no snapshot-end received')
  return xid < BigInt(snapshot.xmin) || (xid < BigInt(snapshot.xmax) && !snapshot.xip_list.includes(String(xid)))
}

async function expectedRows(filter: string): Promise<Counter[]> {
  return fixture.sql.unsafe<Counter[]>(`SELECT id, owner, value FROM counters WHERE ${filter} ORDER BY id`)
}

describe('consistency under concurrent writers', () => {
  it('gives every client the state of a fresh SELECT after interleaved transactions', async () => {
    const early = SHAPES.map(
      (shape) => new StreamRecorder<Counter>({ url: fixture.shapeUrl, params: shape.params as never }),
    )
    const late: StreamRecorder<Counter>[] = []
    const writerA = await fixture.sql.reserve()
    const writerB = await fixture.sql.reserve()
    try {
      await Promise.all(early.map((recorder) => recorder.upToDate()))
      for (let round = 0; round < 15; round++) {
        await writerA`BEGIN`
        await writerB`BEGIN`
        await writerA`UPDATE counters SET value = value + 1 WHERE id = ${1 + (round % 30)}`
        await writerB`UPDATE counters SET value = value * 2, owner = 'ann' WHERE id = ${30 - (round % 30)}`
        await writerA`INSERT INTO counters VALUES (${100 + round}, ${round % 2 === 0 ? 'ann' : 'bob'}, ${round})`
        await writerB`DELETE FROM counters WHERE id = ${10 + round}`
        if (round === 7) {
          // Subscribe while both transactions are open: their xids are in the snapshot's xip list,
          // so they must arrive through the log, exactly once.
          const open = [
            ...(await writerA`SELECT pg_current_xact_id()::text AS xid`),
            ...(await writerB`SELECT pg_current_xact_id()::text AS xid`),
          ]
          for (const shape of SHAPES) {
            const recorder = new StreamRecorder<Counter>({
              url: fixture.shapeUrl,
              params: { ...(shape.params as object), replica: 'full' } as never,
            })
            late.push(recorder)
            await recorder.waitFor(() => snapshotEnd(recorder) !== undefined, 'the snapshot of a late client')
            for (const { xid } of open) expect(visibleIn(snapshotEnd(recorder), BigInt(xid))).toBe(false)
          }
        }
        if (round % 2 === 0) {
          await writerB`COMMIT`
          await writerA`COMMIT`
        } else {
          await writerA`COMMIT`
          await writerB`COMMIT`
        }
      }
      const all = [...early, ...late]
      const expectations = await Promise.all(SHAPES.map((shape) => expectedRows(shape.filter)))
      await Promise.all(
        all.map((recorder, index) => {
          const expected = JSON.stringify(expectations[index % SHAPES.length])
          return recorder.waitFor(
            () =>
              JSON.stringify(
                byKey(recorder.rows, (row) => row.id).map(({ id, owner, value }) => ({ id, owner, value })),
              ) === expected,
            `${SHAPES[index % SHAPES.length].name} to match SELECT`,
          )
        }),
      )
      for (const [index, recorder] of all.entries()) {
        expect(byKey(recorder.rows, (row) => row.id)).toEqual(expectations[index % SHAPES.length])
      }
      expect(expectations[1].length).toBeGreaterThan(10)
      expect(expectations[2].length).toBeGreaterThan(5)
    } finally {
      writerA.release()
      writerB.release()
      for (const recorder of [...early, ...late]) recorder.close()
    }
  })
})
