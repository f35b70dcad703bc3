import { FetchError } from '@electric-sql/client'
import { describe, expect, it } from 'vitest'
import { clearSyncFailure, recordSyncFailure, syncFailureOf } from './sync-failures'

function refusal(status: number, message: string) {
  return new FetchError(status, JSON.stringify({ message }), { message }, {}, 'http://app.test/api/shape')
}

describe('sync failures', () => {
  it("are kept per collection: one session's refusal never shows on another session", () => {
    recordSyncFailure('timeline_events:session-x', refusal(403, 'You do not have access to this session.'))
    expect(syncFailureOf('timeline_events:session-x')).toEqual({
      status: 403,
      message: 'You do not have access to this session.',
    })
    expect(syncFailureOf('timeline_events:session-y')).toBeUndefined()
  })

  it('are cleared when the collection syncs again', () => {
    recordSyncFailure('todos', refusal(401, 'You are not signed in.'))
    clearSyncFailure('todos')
    expect(syncFailureOf('todos')).toBeUndefined()
  })
})
