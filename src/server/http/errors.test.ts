import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Logger } from '~/server/log'
import { ConflictError, NotFoundError } from '~/server/repositories/errors'
import { HttpError, toHttpError, validateWith } from './errors'

function recordingLogger() {
  const lines: string[] = []
  const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (line) => lines.push(line) }
  return { lines, logger }
}

describe('toHttpError', () => {
  it('maps repository failures to their status and keeps their message', () => {
    expect(toHttpError(new NotFoundError('Todo', 't1'))).toMatchObject({
      status: 404,
      message: 'Todo t1 does not exist or is not yours.',
    })
    expect(toHttpError(new ConflictError('Taken.'))).toMatchObject({ status: 409, message: 'Taken.' })
  })

  it('maps a unique violation wrapped by the query builder to 409, without logging', () => {
    const { lines, logger } = recordingLogger()
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      code: '23505',
    })
    const wrapped = new Error('Failed query: insert … params: secret@example.test', { cause: driverError })
    expect(toHttpError(wrapped, logger).status).toBe(409)
    expect(lines).toEqual([])
  })

  it('hides anything else behind a 500 and logs one line without the query parameters', () => {
    const { lines, logger } = recordingLogger()
    const driverError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })
    const wrapped = new Error('Failed query: insert into users … params: secret@example.test,scrypt$32768$8$1$abc', {
      cause: driverError,
    })
    const mapped = toHttpError(wrapped, logger)
    expect(mapped.status).toBe(500)
    expect(mapped.message).toContain('nothing was changed')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('22021')
    expect(lines[0]).not.toContain('secret@example.test')
    expect(lines[0]).not.toContain('scrypt$')
  })
})

describe('validateWith', () => {
  const schema = z.object({ name: z.string().min(1, 'Enter a name.'), tags: z.array(z.string()) })

  it('answers 400 with every problem spelled out', () => {
    let thrown: unknown
    try {
      validateWith(schema)({ name: '', tags: [1] })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(HttpError)
    expect((thrown as HttpError).status).toBe(400)
    expect((thrown as HttpError).message).toContain('name: Enter a name.')
    expect((thrown as HttpError).message).toContain('tags.0')
  })

  it('stores NUL as U+FFFD in every string field, nested ones included', () => {
    expect(validateWith(schema)({ name: 'a\u0000b', tags: ['\u0000'] })).toEqual({ name: 'a\uFFFDb', tags: ['\uFFFD'] })
  })
})
