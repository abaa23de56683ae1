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

/**
 * A logger whose every line also carries `fields` (a batch's correlation id, say); a line's own fields win
 * over them.
 */
export function withLogFields(logger: Logger, fields: object): Logger {
  return {
    debug: (own, message) => logger.debug({ ...fields, ...own }, message),
    info: (own, message) => logger.info({ ...fields, ...own }, message),
    warn: (own, message) => logger.warn({ ...fields, ...own }, message),
    error: (own, message) => logger.error({ ...fields, ...own }, message),
  };
}
