/**
 * A thread's `last_message_preview`: what the app's writes and the legacy import store. The
 * database refuses longer text (`chat_threads_preview_ck`, counted in characters).
 */
export const PREVIEW_LENGTH = 280

/**
 * The first PREVIEW_LENGTH characters, counted in code points: a cut by UTF-16 units could keep
 * half of an emoji, an unpaired surrogate that Postgres cannot store.
 */
export function messagePreview(content: string): string {
  // Never more code points than UTF-16 units, so short text needs no counting.
  if (content.length <= PREVIEW_LENGTH) return content
  let end = 0
  let count = 0
  for (const char of content) {
    if (count === PREVIEW_LENGTH) break
    end += char.length
    count++
  }
  return content.slice(0, end)
}
