import { TimeoutWaitingForTxIdError } from '@tanstack/electric-db-collection'
import { describe, expect, it } from 'vitest'
import { describeWriteFailure } from './describe-write-failure'

describe('describeWriteFailure', () => {
  it('names the todo and passes on the server’s reason', () => {
    expect(describeWriteFailure('add', 'Ship it', new Error('A todo needs some text'))).toEqual({
      tone: 'destructive',
      title: 'Could not add “Ship it”',
      description: 'A todo needs some text. Nothing was saved.',
    })
  })

  it('does not repeat "nothing was saved" when the server already said so', () => {
    const error = new Error('Something went wrong on the server; nothing was changed. Please try again.')
    expect(describeWriteFailure('delete', 'Old note', error).description).toBe(error.message)
  })

  it('blames the connection when the request never reached the server', () => {
    const offline = describeWriteFailure('complete', 'Ship it', new TypeError('Failed to fetch'))
    expect(offline.title).toBe('Could not mark “Ship it” as done')
    expect(offline.description).toMatch(/could not be reached.*nothing was saved/i)
    expect(describeWriteFailure('edit', 'Ship it', new Error('whatever'), false).description).toMatch(/offline/)
  })

  it('says a write was saved when only the sync confirmation timed out', () => {
    const message = describeWriteFailure('add', 'Ship it', new TimeoutWaitingForTxIdError(42, 'todos'))
    expect(message.tone).toBe('warning')
    expect(message.title).toBe('“Ship it” was saved, but live sync has not confirmed it yet')
  })
})
