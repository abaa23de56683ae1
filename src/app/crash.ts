/**
 * What an entry point does with an error nothing caught: one log line, then exit 1, so the supervisor
 * (systemd, Kubernetes, a process manager) restarts a clean process. After an uncaught exception the
 * process's state is unknown, and carrying on could sync from it; a restart loses nothing, because claimed
 * work returns to the queue when its lease ends.
 */
import type { Logger } from 'pino';

export const CRASH_EXIT_CODE = 1;

export function exitOnUncaughtErrors(
  processName: string,
  logger: Pick<Logger, 'fatal'>,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let exiting = false;
  const crash = (kind: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    if (exiting) return;
    exiting = true;
    try {
      logger.fatal(
        { kind, err: describe(error) },
        `${processName} stopped on an unexpected error (${kind}): ${describe(error).message}; exiting for a restart`,
      );
    } catch {
      // The logger itself failed; the exit code still tells the supervisor.
    }
    exit(CRASH_EXIT_CODE);
  };
  process.on('uncaughtException', crash('uncaughtException'));
  process.on('unhandledRejection', crash('unhandledRejection'));
}

function describe(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: 'NonError', message: String(error) };
}
