/**
 * Which timeline events a prompt talks about: `#N` references in its text (1-based, as the
 * timeline shows them) and the events "add to coach" attached. Pure; the server looks them up.
 */
import { type CoachMetadata, MAX_ATTACHED_EVENTS } from './stream-protocol'

/** At most this many `#N` references are taken from the prompt's text (as the original product did). */
export const MAX_PROMPT_REFERENCES = 8
const REFERENCE = /#(\d{1,6})\b/g

/** `#N` numbers in the order they first appear, at most MAX_PROMPT_REFERENCES. */
export function referencedEventNumbers(prompt: string): number[] {
  const numbers: number[] = []
  for (const match of prompt.matchAll(REFERENCE)) {
    const number = Number(match[1])
    if (number >= 1 && !numbers.includes(number)) numbers.push(number)
    if (numbers.length === MAX_PROMPT_REFERENCES) break
  }
  return numbers
}

/** Every event the prompt and its metadata name, 1-based, deduplicated, capped at MAX_ATTACHED_EVENTS. */
export function attachedEventNumbers(prompt: string, metadata: CoachMetadata | undefined): number[] {
  const numbers = new Set<number>(metadata?.eventNumbers ?? [])
  if (metadata?.eventRange) {
    const { startIndex, endIndex } = metadata.eventRange
    for (let index = startIndex; index <= endIndex && numbers.size < MAX_ATTACHED_EVENTS; index++)
      numbers.add(index + 1)
  }
  for (const number of referencedEventNumbers(prompt)) numbers.add(number)
  return [...numbers].slice(0, MAX_ATTACHED_EVENTS)
}
