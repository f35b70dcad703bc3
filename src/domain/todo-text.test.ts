import { describe, expect, it } from 'vitest'
import { checkTodoText, shortTodoText, TODO_TEXT_MAX_LENGTH } from './todo-text'

describe('checkTodoText', () => {
  it('refuses text that is empty once trimmed', () => {
    expect(checkTodoText('')).toEqual({ ok: false, message: 'A todo needs some text.' })
    expect(checkTodoText(' \n\t ')).toEqual({ ok: false, message: 'A todo needs some text.' })
  })

  it('trims what it accepts', () => {
    expect(checkTodoText('  Review the hook  ')).toEqual({ ok: true, text: 'Review the hook' })
  })

  it('refuses text over the limit the server enforces', () => {
    expect(checkTodoText('x'.repeat(TODO_TEXT_MAX_LENGTH))).toMatchObject({ ok: true })
    expect(checkTodoText('x'.repeat(TODO_TEXT_MAX_LENGTH + 1))).toEqual({
      ok: false,
      message: 'Keep a todo under 2000 characters.',
    })
  })
})

describe('shortTodoText', () => {
  it('keeps short text and folds whitespace', () => {
    expect(shortTodoText('Ship\n  the   release')).toBe('Ship the release')
  })

  it('cuts long text at a word boundary', () => {
    const short = shortTodoText('Check that every migration runs inside one transaction before the release', 40)
    expect(short).toBe('Check that every migration runs inside…')
    expect(short.length).toBeLessThanOrEqual(40)
  })

  it('cuts a single long word anywhere', () => {
    expect(shortTodoText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`)
  })
})
