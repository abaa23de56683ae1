/**
 * The bridge's loggers: one JSON line per event. Both (the app's, in every role of `npm start`, and a sync
 * worker process's) redact by key, wherever the key sits in a log object (up to two levels down):
 *
 * - credentials: tokens, secrets, OAuth codes and verifiers, states, cookies, passwords;
 * - personal data: emails, names and phone numbers, as either CRM names those fields.
 *
 * Errors are logged with their type, message, code, status and stack only: an SDK's error also carries the
 * request it made (its headers, its body, a record's values), which a log has no use for. URLs are logged
 * with their credential and identity query values masked (`loggableUrl`). A plain `code` key is an error
 * code and stays readable. Messages never carry a record's values: modules log ids, codes and counts.
 */
import pino, { type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';

const credentialKeys = [
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

/** Person fields, by the names HubSpot, Salesforce and the bridge give them. */
const personalKeys = [
  'email',
  'Email',
  'userEmail',
  'username',
  'Username',
  'firstname',
  'lastname',
  'firstName',
  'lastName',
  'FirstName',
  'LastName',
  'Name',
  'fullName',
  'phone',
  'Phone',
  'mobilephone',
  'MobilePhone',
  'mobilePhone',
  // A HubSpot record's values.
  'properties',
];

const sensitiveKeys = [...credentialKeys, ...personalKeys];

const redactPaths = [
  ...sensitiveKeys,
  ...sensitiveKeys.map((key) => `*.${key}`),
  ...sensitiveKeys.map((key) => `*.*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hubspot-signature-v3"]',
];

const errorKeys = ['type', 'name', 'message', 'code', 'status', 'statusCode', 'category', 'stack'];

/**
 * An error as a log line keeps it: its type, message, code, status and stack. A string (`String(error)`)
 * stays as it is.
 */
export function loggableError(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  if (value instanceof Error) kept.type = value.constructor.name;
  for (const key of errorKeys) {
    const field = source[key];
    if (typeof field === 'string' || typeof field === 'number') kept[key] = field;
  }
  return kept;
}

function loggerOptions(level: string, base: Record<string, unknown>): LoggerOptions {
  return {
    level,
    base,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: loggableError, error: loggableError },
  };
}

/** The app's logger (`npm start`, in every role). */
export function createLogger(options: { level: string; destination?: DestinationStream }): PinoLogger {
  return pino(loggerOptions(options.level, { service: 'bridge' }), options.destination);
}

/** A sync worker process's logger (`npm run sync-worker`): its own service name and the process id. */
export function createSyncWorkerLogger(options: {
  level: string;
  destination?: DestinationStream;
}): PinoLogger {
  return pino(
    loggerOptions(options.level, { service: 'bridge-sync-worker', pid: process.pid }),
    options.destination,
  );
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
