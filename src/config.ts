/**
 * The only reader of the process environment.
 *
 * Every variable is validated at boot with zod. A missing or malformed variable stops the process with one
 * message that lists every problem at once, so an operator fixes the deployment in one pass.
 */
import { z } from 'zod';

const DEFAULT_SQLITE_URL = 'sqlite:./data/bridge.sqlite';

const httpUrl = z
  .string()
  .trim()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

const secret = (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`);

/** A 32-byte AES-256 key given as 64 hex characters or as base64. */
const encryptionKey = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be 32 bytes, given as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)',
    });
    return z.NEVER;
  }
  return bytes;
});

/**
 * Keys that sealed stored tokens before the current one, during a rotation: comma-separated, each like
 * TOKEN_ENCRYPTION_KEY. Tokens they sealed still open; `npm run tokens:reseal` rewrites them under the current key.
 */
const previousEncryptionKeys = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key.length > 0),
  )
  .pipe(z.array(encryptionKey))
  .default([]);

const databaseUrl = z
  .string()
  .trim()
  .min(1)
  .refine(
    (value) =>
      /^(postgres|postgresql):\/\//.test(value) || value.startsWith('sqlite:') || value === ':memory:',
    'must be postgres://…, postgresql://…, sqlite:<path> or :memory:',
  );

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a URL is http:// on a host other than this machine's loopback. */
function isPlainHttpOffLoopback(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname);
}

export const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: httpUrl,
    DATABASE_URL: databaseUrl.default(DEFAULT_SQLITE_URL),
    TOKEN_ENCRYPTION_KEY: encryptionKey,
    TOKEN_ENCRYPTION_KEY_PREVIOUS: previousEncryptionKeys,
    HUBSPOT_CLIENT_ID: z.string().trim().min(1),
    HUBSPOT_CLIENT_SECRET: secret(8),
    HUBSPOT_APP_ID: z.string().trim().regex(/^\d+$/, 'must be the numeric HubSpot app id'),
    HUBSPOT_API_BASE_URL: httpUrl.default('https://api.hubapi.com'),
    HUBSPOT_AUTHORIZE_URL: httpUrl.default('https://app.hubspot.com/oauth/authorize'),
    SALESFORCE_CLIENT_ID: z.string().trim().min(1),
    SALESFORCE_CLIENT_SECRET: secret(8),
    SALESFORCE_LOGIN_URL: httpUrl.default('https://login.salesforce.com'),
    SALESFORCE_SANDBOX_LOGIN_URL: httpUrl.default('https://test.salesforce.com'),
    OPS_TOKEN: secret(16),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** How long a sync worker's claim holds; a worker that died gives its records back after this. */
    SYNC_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
    /**
     * Dirty records per claim. Large claims let a backlog (a first sync, a catch-up after a pause) go out in
     * full batch calls: the connectors split every read and write into calls of the APIs' own sizes.
     */
    SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(2_000).default(1_000),
    /** Where alerts are POSTed when they open and when they resolve (docs/operations.md); none when unset. */
    ALERT_WEBHOOK_URL: httpUrl.optional(),
    /** The key of the deliveries' HMAC-SHA256 signature; required with ALERT_WEBHOOK_URL. */
    ALERT_WEBHOOK_SECRET: secret(16).optional(),
  })
  .refine((config) => config.ALERT_WEBHOOK_URL === undefined || config.ALERT_WEBHOOK_SECRET !== undefined, {
    path: ['ALERT_WEBHOOK_SECRET'],
    message: 'is required when ALERT_WEBHOOK_URL is set (deliveries are signed with it)',
    when: (payload) =>
      payload.issues.every(
        (issue) => !['ALERT_WEBHOOK_URL', 'ALERT_WEBHOOK_SECRET'].includes(String(issue.path?.[0])),
      ),
  })
  .refine(
    // OAuth codes, HubSpot's signed requests and the browser cookie must not cross a network in clear text. A
    // loopback origin never leaves the machine, so a production build can still be tried out locally.
    (config) => config.NODE_ENV !== 'production' || !isPlainHttpOffLoopback(config.PUBLIC_BASE_URL),
    {
      path: ['PUBLIC_BASE_URL'],
      message:
        'must be an https:// URL when NODE_ENV=production (http:// is accepted only on 127.0.0.1, localhost or [::1])',
      // Checked even when other variables are wrong, so that one boot lists every problem.
      when: (payload) =>
        payload.issues.every((issue) => !['NODE_ENV', 'PUBLIC_BASE_URL'].includes(String(issue.path?.[0]))),
    },
  );

export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = z.output<typeof ConfigSchema>;

/** Thrown when the environment cannot produce a valid configuration; `problems` has one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses a configuration from an environment-like record (process.env by default). Throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseEnvironment(ConfigSchema, env);
}

/** What `npm run tokens:reseal` needs: the database and the token keys. */
export const TokenKeysConfigSchema = z.object({
  DATABASE_URL: databaseUrl.default(DEFAULT_SQLITE_URL),
  TOKEN_ENCRYPTION_KEY: encryptionKey,
  TOKEN_ENCRYPTION_KEY_PREVIOUS: previousEncryptionKeys,
});
export type TokenKeysConfig = z.output<typeof TokenKeysConfigSchema>;

/** The database and the token keys, for tools that need nothing else. Throws ConfigError. */
export function loadTokenKeysConfig(env: Record<string, string | undefined> = process.env): TokenKeysConfig {
  return parseEnvironment(TokenKeysConfigSchema, env);
}

function parseEnvironment<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  // An empty string is how shells and .env files say "unset"; treat it as missing so defaults apply.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const message =
      issue.code === 'invalid_type' && cleaned[name] === undefined ? 'is required' : issue.message;
    return `${name} ${message}`;
  });
  throw new ConfigError(problems);
}

/** Loads the configuration or ends the process with the list of problems. For entry points only. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  return orExit(() => loadConfig(env));
}

function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nSee README.md, section "Configuration".`);
      process.exit(1);
    }
    throw error;
  }
}

/** `loadTokenKeysConfig`, or the end of the process with the list of problems. For entry points only. */
export function loadTokenKeysConfigOrExit(
  env: Record<string, string | undefined> = process.env,
): TokenKeysConfig {
  return orExit(() => loadTokenKeysConfig(env));
}

/** Just the database location, for tools (the migration CLI) that need nothing else. */
export function loadDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  const result = databaseUrl.safeParse(env.DATABASE_URL || DEFAULT_SQLITE_URL);
  if (!result.success)
    throw new ConfigError([`DATABASE_URL ${result.error.issues[0]?.message ?? 'is invalid'}`]);
  return result.data;
}
