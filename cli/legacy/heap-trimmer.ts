/**
 * Keeps the importer's peak memory near its live data. Parsing hundreds of MB of JSON creates
 * garbage far faster than V8 schedules full collections, so the heap (and RSS) grows to several
 * times what is alive. A full collection every few MB of input costs a few percent of the time
 * and keeps the peak bounded; the importer's live data (id maps, one batch) stays small.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const COLLECT_EVERY_BYTES = 24 * 1024 * 1024

let collect: (() => void) | undefined | null
function fullCollection() {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      collect = runInNewContext('gc') as () => void
    } catch {
      collect = null
    }
  }
  collect?.()
}

/** Call with the bytes read so far; collects each time another COLLECT_EVERY_BYTES went by. */
export function createHeapTrimmer() {
  let nextAt = COLLECT_EVERY_BYTES
  return (bytesRead: number) => {
    if (bytesRead < nextAt) return
    nextAt = bytesRead + COLLECT_EVERY_BYTES
    fullCollection()
  }
}
