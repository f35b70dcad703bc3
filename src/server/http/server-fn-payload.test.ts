import { describe, expect, it } from 'vitest'
import { HttpError } from './errors'
import { assertReadableServerFnPayload, MAX_PAYLOAD_DEPTH } from './server-fn-payload'

const URL_BASE = 'http://127.0.0.1/_serverFn/abc'
/** What the client sends for `{ data: { id: 'x' } }`. */
const SEROVAL_BODY =
  '{"t":{"t":10,"i":0,"p":{"k":["data"],"v":[{"t":10,"i":1,"p":{"k":["id"],"v":[{"t":1,"s":"x"}]},"o":0}]},"o":0},"f":127,"m":[]}'

function post(body: BodyInit, contentType = 'application/json') {
  return new Request(URL_BASE, { method: 'POST', body, headers: { 'content-type': contentType } })
}

async function refusal(request: Request) {
  try {
    await assertReadableServerFnPayload(request)
  } catch (error) {
    return error
  }
  return undefined
}

describe('assertReadableServerFnPayload', () => {
  it('lets the payload the client sends through, and leaves the body readable', async () => {
    const request = post(SEROVAL_BODY)
    await expect(assertReadableServerFnPayload(request)).resolves.toBeUndefined()
    expect(await request.text()).toBe(SEROVAL_BODY)
  })

  it('lets bodyless calls (no content type) and form posts through', async () => {
    await expect(assertReadableServerFnPayload(new Request(URL_BASE, { method: 'POST' }))).resolves.toBeUndefined()
    await expect(
      assertReadableServerFnPayload(post('a=1', 'application/x-www-form-urlencoded')),
    ).resolves.toBeUndefined()
  })

  it.each([
    ['truncated JSON', '{"t":', 'not valid JSON'],
    ['an empty body', '', 'the body is empty'],
    ['plain JSON that is not the client format', '{"data":{"id":"x"}}', 'not in the format'],
    ['a JSON array', '[1,2]', 'not in the format'],
  ])('refuses %s with 400', async (_label, body, reason) => {
    const error = await refusal(post(body))
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(400)
    expect((error as HttpError).message).toContain(reason)
  })

  it('refuses invalid UTF-8 with 400', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"t":{"t":1,"s":"'),
      0xff,
      0xfe,
      0xc3,
      0x28,
      ...new TextEncoder().encode('"}}'),
    ])
    const error = await refusal(post(bytes))
    expect((error as HttpError).status).toBe(400)
    expect((error as HttpError).message).toContain('UTF-8')
  })

  it('refuses nesting deeper than the limit with 400, without overflowing the stack', async () => {
    const depth = 20_000
    const deep = `{"t":{"t":9,"a":${'['.repeat(depth)}${']'.repeat(depth)}},"f":127,"m":[]}`
    const error = await refusal(post(deep))
    expect((error as HttpError).status).toBe(400)
    expect((error as HttpError).message).toContain(`${MAX_PAYLOAD_DEPTH} levels`)
  })

  it('checks the payload parameter of GET calls', async () => {
    const bad = new Request(`${URL_BASE}?payload=${encodeURIComponent('{"t":')}`)
    expect(((await refusal(bad)) as HttpError).status).toBe(400)
    const good = new Request(`${URL_BASE}?payload=${encodeURIComponent(SEROVAL_BODY)}`)
    await expect(assertReadableServerFnPayload(good)).resolves.toBeUndefined()
    await expect(assertReadableServerFnPayload(new Request(URL_BASE))).resolves.toBeUndefined()
  })
})
