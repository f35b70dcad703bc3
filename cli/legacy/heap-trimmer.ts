/**
 * Keeps the importer's peak memory near its live data. Parsing hundreds of MB of JSON creates
 * garbage far faster than V8 schedules full collections, so the heap (and RSS) grows to several
 * times what is alive. A full collection every few MB of input costs a few percent of the time
 * and keeps the peak bounded; the importer's live data (id maps, one batch) stays small.
 *
 * `pnpm import:legacy` starts Node with `--expose-gc` (package.json), which makes `gc` a global.
 * Started any other way (tests, plain tsx) there is no `gc` and this does nothing: the import is
 * the same, it only peaks higher (docs/benchmarks.md has both numbers).
 */
const COLLECT_EVERY_BYTES = 24 * 1024 * 1024

/** Call with the bytes read so far; collects each time another COLLECT_EVERY_BYTES went by. */
export function createHeapTrimmer() {
  const collect = globalThis.gc
  if (!collect) return () => {}
  let nextAt = COLLECT_EVERY_BYTES
  return (bytesRead: number) => {
    if (bytesRead < nextAt) return
    nextAt = bytesRead + COLLECT_EVERY_BYTES
    collect()
  }
}
