import { sql } from 'drizzle-orm'
import { createDatabaseClient } from '../src/db/client'
const { db, close } = createDatabaseClient('postgres://postgres:postgres@127.0.0.1:55433/postgres')
const r = await db.execute(sql`select now() as t, 5::bigint as b, '{"a":null}'::jsonb as j, 'null'::jsonb as jn, null::jsonb as sn, x.* from jsonb_to_recordset(${JSON.stringify([{ a: null, b: { v: null }, c: '2025-12-15T09:00:28.990Z' }])}::jsonb) as x(a jsonb, b jsonb, c timestamptz)`)
console.log(r, (r as any).count)
const u = await db.execute(sql`create temp table tt (id int primary key); insert into tt values (1),(2)`)
console.log((u as any).count)
const u2 = await db.execute(sql`insert into tt select * from unnest(${[3, 4, 5]}::int[]) on conflict (id) do nothing`)
console.log((u2 as any).count, u2)
await close()
