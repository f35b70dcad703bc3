export type { Logger, LogLevel } from './logger.ts'
export { consoleLogger, silentLogger } from './logger.ts'
export type { RunningShapeServer, ShapeServerDiagnostics, ShapeServerOptions } from './server.ts'
export { SHAPE_SERVER_DEFAULTS, startShapeServer, UnsafeConfigurationError } from './server.ts'
