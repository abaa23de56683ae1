/**
 * The bridge's loggers. The app's logger redacts tokens, secrets, OAuth codes and verifiers and cookies by key
 * wherever they appear in a log object, and URLs are logged with their credential and identity query values
 * masked (OAuth codes, states, connect links, the email HubSpot's proxy appends), so no credential and no
 * person's address reaches a log line. A plain `code` key is an error code and stays readable.
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

const sensitiveKeys = [
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'token',
  'authorizationCode',
  'code_verifier',
  'codeVerifier',
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

/** The app's logger (`npm start`, in every role). */
export function createLogger(options: { level: string; destination?: DestinationStream }): PinoLogger {
  return pino(
    {
      level: options.level,
      base: { service: 'bridge' },
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    options.destination,
  );
}

/** A sync worker process's logger (`npm run sync-worker`): its own service name and the process id. */
export function createSyncWorkerLogger(options: { level: string }): PinoLogger {
  return pino({ level: options.level, base: { service: 'bridge-sync-worker', pid: process.pid } });
}

const sensitiveQueryParams = new Set([
  'code',
  'code_verifier',
  'useremail',
  'email',
  'state',
  'link',
  'token',
  'oauth_token',
  'access_token',
  'refresh_token',
]);

/** Longest URL a log line carries; the rest is cut (a request line can be up to 16 KB). */
const MAX_LOGGED_URL_LENGTH = 2_048;

/**
 * A path and query fit for a log line: values of credential-bearing parameters are masked. Never throws,
 * whatever the request line held (`//%25/`, `//x:99999/`, an absolute-form URL, broken percent-encoding):
 * it runs after the response, outside express's error handling, where a throw would end the process.
 */
export function loggableUrl(originalUrl: string): string {
  try {
    const cut = originalUrl.length > MAX_LOGGED_URL_LENGTH;
    const text = cut ? originalUrl.slice(0, MAX_LOGGED_URL_LENGTH) : originalUrl;
    const queryAt = text.indexOf('?');
    const path = queryAt === -1 ? text : text.slice(0, queryAt);
    if (queryAt === -1) return cut ? `${path}…` : path;
    // URLSearchParams reads any text without throwing; the path is kept as sent.
    const query = new URLSearchParams(text.slice(queryAt + 1));
    for (const key of [...query.keys()]) {
      if (sensitiveQueryParams.has(key.toLowerCase())) query.set(key, '[redacted]');
    }
    const search = query.toString();
    return `${path}${search ? `?${search}` : ''}${cut ? '…' : ''}`;
  } catch {
    return '[unloggable url]';
  }
}
