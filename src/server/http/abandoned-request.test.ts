import { describe, expect, it } from 'vitest'
import { CLIENT_CLOSED_REQUEST, treatAbortAsClientClosed } from './abandoned-request'

function requestWith(controller: AbortController) {
  return new Request('http://app.test/api/shape?shape=todos', { signal: controller.signal })
}

describe('a request its client abandons', () => {
  it('carries status 499 on its abort reason, so the framework does not report a server error', () => {
    const controller = new AbortController()
    const request = requestWith(controller)
    treatAbortAsClientClosed(request)
    const reason = Object.assign(new Error('aborted'), { code: 'ECONNRESET' })
    controller.abort(reason)
    expect((request.signal.reason as { status?: number }).status).toBe(CLIENT_CLOSED_REQUEST)
  })

  it('marks a request that was already aborted when it arrived', () => {
    const controller = new AbortController()
    controller.abort(new Error('aborted'))
    const request = requestWith(controller)
    treatAbortAsClientClosed(request)
    expect((request.signal.reason as { status?: number }).status).toBe(CLIENT_CLOSED_REQUEST)
  })

  it('keeps a status the reason already has', () => {
    const controller = new AbortController()
    const request = requestWith(controller)
    treatAbortAsClientClosed(request)
    controller.abort(Object.assign(new Error('gone'), { status: 408 }))
    expect((request.signal.reason as { status?: number }).status).toBe(408)
  })
})
