import { describe, expect, it } from 'vitest'
import { serveShapeRoute } from '~/server/shapes/shape-route'
import { serveShareShapeRoute } from '~/server/share/share-shape-route'
import { earlyRouteFor } from './early-routes'

const request = (path: string, method = 'GET') => new Request(`http://127.0.0.1:3000${path}`, { method })

describe('earlyRouteFor', () => {
  it('takes GET and POST on exactly the shape routes, with the handlers the route files use', () => {
    for (const method of ['GET', 'POST']) {
      expect(earlyRouteFor(request('/api/shape?shape=todos&offset=-1', method))).toBe(serveShapeRoute)
      expect(earlyRouteFor(request('/api/share/shape?share=x&shape=session', method))).toBe(serveShareShapeRoute)
    }
  })

  it('leaves other methods and other spellings of the paths to the router', () => {
    for (const method of ['HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(earlyRouteFor(request('/api/shape?shape=todos', method)), method).toBeUndefined()
    }
    for (const path of [
      '/api/shape/',
      '/API/SHAPE',
      '/api/shapes',
      '/api//shape',
      '/api/%73hape',
      '/',
      '/api/share/raw',
    ]) {
      expect(earlyRouteFor(request(path)), path).toBeUndefined()
    }
  })
})
