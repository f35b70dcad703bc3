import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { silentLogger } from '../../src/logger.ts'
import { type ActiveShape, Shape } from '../../src/shape.ts'
import { ShapeStore } from '../../src/shape-store.ts'
import { definition, table } from './shape-fixtures.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

function activeShape(handle: string, identity: string): ActiveShape {
  const shape = new Shape(handle, definition(table('items', [['id', 'int4', { pk: 0 }]]), { identity }))
  shape.startLog({ xmin: 1n, xmax: 1n, xip: [] }, ['[]'], 1_000)
  shape.markActive()
  return shape as ActiveShape
}

async function listedHandles(dir: string) {
  const checkpoint = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as {
    lsn: string
    shapes: Array<{ handle: string }>
  }
  return { lsn: checkpoint.lsn, handles: checkpoint.shapes.map((shape) => shape.handle) }
}

it('takes no checkpoint after the last one of a stopping server, which would find its shapes let go', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shape-store-unit-'))
  dirs.push(dir)
  const store = await ShapeStore.open(dir, { systemIdentifier: '1', database: 'db', slotName: 'slot' }, silentLogger)
  const kept = activeShape('11-1', 'kept')
  const deleted = activeShape('22-2', 'deleted')
  store.shapeActivated(kept)
  store.shapeActivated(deleted)
  await store.checkpoint(() => ({ lsn: 10n, shapes: [kept, deleted] }))
  expect(await listedHandles(dir)).toEqual({ lsn: '10', handles: ['11-1', '22-2'] })

  // Around the last checkpoint one shape is deleted (its release changes the list after the last
  // checkpoint) and a held move asks for another checkpoint; by the time that one runs, the
  // registry has let every shape go.
  const last = store.checkpoint(() => ({ lsn: 20n, shapes: [kept, deleted] }), { force: true, last: true })
  deleted.rotate('deleted through the API')
  store.shapeReleased(deleted)
  const asked = store.checkpoint(() => ({ lsn: 30n, shapes: [] }))
  await Promise.all([last, asked])

  // The kept shape stays listed for the next start.
  expect(await listedHandles(dir)).toEqual({ lsn: '20', handles: ['11-1'] })
})
