/**
 * The logger factory: JSON lines to stdout (pino), one named child per subsystem.
 * `TESSERA_LOG_LEVEL` is read by each service's config and passed in, never here.
 */
import { pino, type Logger } from 'pino'

export type { Logger } from 'pino'

/** Options for the root logger of a process. */
export interface LoggerOptions {
  level?: string
  /** Write to this destination instead of stdout (tests capture logs this way). */
  destination?: NodeJS.WritableStream
}

/** Creates the root logger of a process, named `<service>:<subsystem>`. */
export function createLogger (name: string, options: LoggerOptions = {}): Logger {
  const base = { level: options.level ?? 'info', name, base: { pid: process.pid } }
  return options.destination === undefined ? pino(base) : pino(base, options.destination)
}
