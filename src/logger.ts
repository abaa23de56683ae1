/**
 * The slice of a pino logger the bridge's modules use (the queue, the budget, the polls, the sync worker,
 * the settings checks), so tests can pass a recording fake. Entry points build the real one
 * (src/app/logger.ts).
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
