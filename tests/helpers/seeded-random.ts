/** A small seeded PRNG (mulberry32): the same seed gives the same data and the same tampered requests on every run and machine. */
export function seededRandom(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (below: number) => Math.floor(next() * below),
    chance: (probability: number) => next() < probability,
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)]
    },
    bytes(length: number) {
      return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)))
    },
  }
}

export type SeededRandom = ReturnType<typeof seededRandom>
