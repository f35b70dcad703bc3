/** Progress lines for long imports and exports: at most one per interval, none for quick runs. */
export interface Progress {
  update(message: () => string): void
}

export function throttledProgress(write: (line: string) => void, intervalMs = 1000, now = () => Date.now()): Progress {
  let last = now()
  return {
    update(message) {
      const time = now()
      if (time - last < intervalMs) return
      last = time
      write(message())
    },
  }
}

export const silentProgress: Progress = { update() {} }

const MB = 1024 * 1024
export const formatMegabytes = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`
