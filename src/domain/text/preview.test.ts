import { describe, expect, it } from 'vitest'
import { messagePreview, PREVIEW_LENGTH } from './preview'

describe('messagePreview', () => {
  it('keeps short text as it is', () => {
    expect(messagePreview('hello')).toBe('hello')
    expect(messagePreview('')).toBe('')
  })

  it('cuts after 280 code points, never inside an emoji', () => {
    expect(PREVIEW_LENGTH).toBe(280)
    expect(messagePreview(`${'x'.repeat(279)}🤔🤔`)).toBe(`${'x'.repeat(279)}🤔`)
    expect([...messagePreview('é'.repeat(500))]).toHaveLength(280)
    expect([...messagePreview('🤔'.repeat(300))]).toHaveLength(280)
  })
})
