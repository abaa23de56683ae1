/**
 * The server's logger. Tokens, secrets, codes and cookies are redacted by key wherever they appear in a log
 * object, and URLs are logged with their sensitive query values masked, so no credential reaches a log line.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const sensitiveKeys = [
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'token',
  'code',
  'state',
  'client_secret',
  'clientSecret',
  'authorization',
  'cookie',
  'set-cookie',
  'password',
];

const redactPaths = [
  ...sensitiveKeys,
  ...sensitiveKeys.map((key) => `*.${key}`),
  ...sensitiveKeys.map((key) => `*.*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hubspot-signature-v3"]',
];

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'bridge' },
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    options.destination,
  );
}

const sensitiveQueryParams = new Set([
  'code',
  'state',
  'link',
  'token',
  'oauth_token',
  'access_token',
  'refresh_token',
]);

/** A path and query fit for a log line: values of credential-bearing parameters are masked. */
export function loggableUrl(originalUrl: string): string {
  const url = new URL(originalUrl, 'http://log.invalid');
  for (const key of [...url.searchParams.keys()]) {
    if (sensitiveQueryParams.has(key.toLowerCase())) url.searchParams.set(key, '[redacted]');
  }
  return `${url.pathname}${url.search}`;
}

export type { Logger };
