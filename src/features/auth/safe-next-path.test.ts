import { describe, expect, it } from 'vitest'
import { safeNextPath } from './safe-next-path'

describe('safeNextPath', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNextPath('/todos')).toBe('/todos')
    expect(safeNextPath('/sessions?q=hook#top')).toBe('/sessions?q=hook#top')
  })

  it('falls back for anything missing or not a string', () => {
    expect(safeNextPath(undefined)).toBe('/')
    expect(safeNextPath(['/todos'])).toBe('/')
    expect(safeNextPath('')).toBe('/')
    expect(safeNextPath('todos', '/home')).toBe('/home')
  })

  it.each([
    'https://evil.example/',
    '//evil.example/todos',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'javascript:alert(1)',
    ' /todos',
  ])('refuses %j, which could leave the site', (next) => {
    expect(safeNextPath(next)).toBe('/')
  })

  it('does not send people back to the sign-in or sign-up page', () => {
    expect(safeNextPath('/sign-in?next=/todos')).toBe('/')
    expect(safeNextPath('/sign-up')).toBe('/')
  })

  it('normalises dot segments without leaving the site', () => {
    expect(safeNextPath('/../../todos')).toBe('/todos')
  })
})
