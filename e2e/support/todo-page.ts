/** Locators and actions for the Todos page, phrased the way a user finds things on it. */
import { expect, type Page } from '@playwright/test'

/** Todo texts are unique per run so specs sharing the local owner never see each other's rows. */
export function uniqueTodo(text: string) {
  return `${text} ${Math.random().toString(36).slice(2, 7)}`
}

export function todoPage(page: Page) {
  const list = page.getByRole('list', { name: 'Todos' })
  const row = (text: string) => list.getByRole('listitem').filter({ hasText: text })
  return {
    newTodoInput: page.getByLabel('New todo'),
    addButton: page.getByRole('button', { name: 'Add', exact: true }),
    list,
    row,
    checkbox: (text: string) => page.getByRole('checkbox', { name: text, exact: true }),
    editButton: (text: string) => page.getByRole('button', { name: `Edit “${text}”` }),
    deleteButton: (text: string) => page.getByRole('button', { name: `Delete “${text}”` }),
    editor: page.getByRole('textbox', { name: 'Todo text' }),
    notifications: page.getByRole('region', { name: /Notifications/ }),
    notification: (text: string) =>
      page
        .getByRole('region', { name: /Notifications/ })
        .getByRole('listitem')
        .filter({ hasText: text }),

    async add(text: string) {
      await this.newTodoInput.fill(text)
      await this.newTodoInput.press('Enter')
      await expect(row(text)).toBeVisible()
    },

    /** The optimistic change is confirmed: its txid came back through the shape stream. */
    async expectSaved(text: string) {
      await expect(row(text)).toBeVisible()
      await expect(row(text).getByText('Saving…')).toHaveCount(0)
    },
  }
}
