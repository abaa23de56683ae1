import type { Logger } from '../../src/logger';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: object;
  message: string;
}

/** A pino-shaped logger that keeps every line, for assertions. */
export function recordingLogger(): Logger & { lines: LogLine[]; messages: () => string[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields, message });
    };
  return {
    lines,
    messages: () => lines.map((line) => line.message),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
