export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export function consoleLogger(level: LogLevel = 'info', prefix = '[shape-server]'): Logger {
  const enabled = (messageLevel: LogLevel) => RANK[messageLevel] >= RANK[level]
  return {
    debug: (message) => enabled('debug') && console.debug(`${prefix} ${message}`),
    info: (message) => enabled('info') && console.info(`${prefix} ${message}`),
    warn: (message) => enabled('warn') && console.warn(`${prefix} ${message}`),
    error: (message) => enabled('error') && console.error(`${prefix} ${message}`),
  }
}

export const silentLogger: Logger = consoleLogger('silent')
