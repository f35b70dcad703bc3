/** The home page's numbers: each caller sees only its own rows; server internals only for operators. */
import { describe, expect, it } from 'vitest'
import { getDatabaseOverview } from '../../src/server/repositories/overview-repository'
import { todosRepository } from '../../src/server/repositories/todos-repository'
import { databaseForThisFile } from '../helpers/database'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile()

const rowsOf = (tables: { table: string; rows: number | null }[], name: string) =>
  tables.find((entry) => entry.table === name)?.rows

describe('overview', () => {
  it("counts only the caller's account, and shows server internals to operators only", async () => {
    const alice = await seedAccountWithSession(testDb.db, 'Alice')
    const bob = await seedAccountWithSession(testDb.db, 'Bob')
    for (const text of ['a', 'b']) await todosRepository.createTodo(testDb.db, { accountId: alice.account.id, text })
    for (const text of ['x', 'y', 'z']) await todosRepository.createTodo(testDb.db, { accountId: bob.account.id, text })

    const forAlice = await getDatabaseOverview(testDb.db, { accountId: alice.account.id, operator: false })
    expect(rowsOf(forAlice.account, 'todos')).toBe(2)
    expect(rowsOf(forAlice.account, 'sessions')).toBe(1)
    expect(forAlice.account.map((entry) => entry.table)).not.toContain('auth_sessions')
    expect(forAlice.account.map((entry) => entry.table)).not.toContain('login_attempts')
    expect(forAlice.server).toBeUndefined()
    expect(JSON.stringify(forAlice)).not.toMatch(/serverVersion|walLevel|databaseName/)

    const forOperator = await getDatabaseOverview(testDb.db, { accountId: bob.account.id, operator: true })
    expect(rowsOf(forOperator.account, 'todos')).toBe(3)
    expect(rowsOf(forOperator.server?.tables ?? [], 'todos')).toBe(5)
    expect(forOperator.server?.status.walLevel).toBeTruthy()
  })
})
