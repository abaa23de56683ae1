/**
 * One place that turns whatever the HubSpot SDK throws into a typed error with a code, a category and
 * whether retrying can help. Messages never include tokens: the SDK's own message embeds response headers,
 * so it is not reused.
 */
import { z } from 'zod';
import { isRetryable, makeCallFailure, type CallFailure, type FailureCategory } from '../../domain/failures';
import { CallTimeout } from '../timeout';

export const hubspotErrorCodes = [
  'unauthorized',
  'missing_scopes',
  'rate_limited',
  /** 423: HubSpot locked the records for a moment (a large volume written in a short time). */
  'locked',
  /** 477: the account is moving between data hosting locations; Retry-After says when to come back. */
  'migration_in_progress',
  'unavailable',
  'rejected',
  'not_found',
  'conflict',
  'network',
  'timeout',
] as const;
export type HubSpotErrorCode = (typeof hubspotErrorCodes)[number];

export interface HubSpotErrorDetails {
  status?: number;
  hubspotCategory?: string;
  correlationId?: string;
  /** A 429's policy (`TEN_SECONDLY_ROLLING`, `SECONDLY`, `DAILY`). */
  policyName?: string;
}

export class HubSpotError extends Error {
  readonly category: FailureCategory;
  readonly retryable: boolean;

  constructor(
    readonly code: HubSpotErrorCode,
    message: string,
    readonly details: HubSpotErrorDetails = {},
    /** How long to wait before calling again (Retry-After, or the rate-limit window that was hit). */
    readonly retryAfterMs: number | null = null,
    /** HubSpot's error body, for per-record failures of a refused one-record batch. */
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'HubSpotError';
    this.category = categoryOfHubSpotCode(code);
    this.retryable = isRetryable(this.category);
  }
}

function categoryOfHubSpotCode(code: HubSpotErrorCode): FailureCategory {
  switch (code) {
    // A grant without the app's scopes is fixed the same way as a revoked one: an admin installs again.
    case 'unauthorized':
    case 'missing_scopes':
      return 'auth';
    case 'rate_limited':
      return 'rate_limited';
    case 'locked':
    case 'migration_in_progress':
    case 'unavailable':
    case 'network':
    case 'timeout':
      return 'transient';
    case 'rejected':
      return 'validation';
    case 'not_found':
      return 'not_found';
    // HubSpot answers 409 when a write would make a second record with a unique value.
    case 'conflict':
      return 'duplicate';
  }
}

/**
 * The call failure a HubSpotError stands for. A 477 holds the whole account (a migration takes hours) and
 * says nothing about the call, so its records wait without counting an attempt.
 */
export function hubspotCallFailure(error: HubSpotError): CallFailure {
  return makeCallFailure({
    side: 'hubspot',
    category: error.category,
    code: `hubspot_${error.code}`,
    message: error.message,
    retryAfterMs: error.retryAfterMs,
    hold: error.code === 'migration_in_progress' ? { kind: 'migration_in_progress' } : null,
    details: { ...error.details },
  });
}

const ErrorBody = z
  .object({
    message: z.string().optional(),
    category: z.string().optional(),
    correlationId: z.string().optional(),
    policyName: z.string().optional(),
  })
  .loose();

const ApiExceptionShape = z.object({
  code: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.unknown()).optional(),
});

const SECOND_MS = 1_000;
/** HubSpot's 423 locks last about 2 seconds. */
export const HUBSPOT_LOCK_MS = 2 * SECOND_MS;
/** A 477 without a usable Retry-After: a migration takes hours, so look again in an hour. */
export const HUBSPOT_MIGRATION_RETRY_MS = 60 * 60 * SECOND_MS;

/** The Retry-After header in ms, when there is a usable one. */
function retryAfterHeaderMs(headers: Record<string, unknown>): number | null {
  const header = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const seconds = typeof header === 'string' ? Number(header) : typeof header === 'number' ? header : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * SECOND_MS) : null;
}

/**
 * How long a 429 asks us to wait: the Retry-After header when HubSpot sends one, else the window of the
 * policy that was hit (the SDK's own retry keys on the same policy names), else the ten-second window.
 */
export function retryAfterOf(headers: Record<string, unknown>, policyName: string | undefined): number {
  const header = retryAfterHeaderMs(headers);
  if (header !== null) return header;
  switch (policyName) {
    case 'SECONDLY':
      return SECOND_MS;
    case 'DAILY':
      // The daily limit resets at midnight in the portal's time zone, which is not known here: look again
      // in an hour rather than hammering a closed door.
      return 60 * 60 * SECOND_MS;
    default:
      return 10 * SECOND_MS;
  }
}

/** The HTTP status of an SDK ApiException, or null for anything else (network failures, bugs). */
export function statusOf(error: unknown): number | null {
  const parsed = ApiExceptionShape.safeParse(error);
  return parsed.success ? parsed.data.code : null;
}

/** Maps an error thrown by a `@hubspot/api-client` call; `action` says what was being done, for the message. */
export function toHubSpotError(error: unknown, action: string): HubSpotError {
  if (error instanceof HubSpotError) return error;
  if (error instanceof CallTimeout) {
    const timeout = new HubSpotError(
      'timeout',
      `HubSpot gave no answer within ${error.timeoutMs} ms while ${action}`,
    );
    // The call goes on without us: a write may still land, and whoever writes the records again must know.
    timeout.cause = error;
    return timeout;
  }
  const parsed = ApiExceptionShape.safeParse(error);
  if (!parsed.success) {
    const reason = error instanceof Error ? error.message : String(error);
    return new HubSpotError('network', `Could not reach HubSpot while ${action}: ${reason}`);
  }
  const status = parsed.data.code;
  const body = ErrorBody.safeParse(parsed.data.body);
  const hubspotCategory = body.success ? body.data.category : undefined;
  const policyName = body.success ? body.data.policyName : undefined;
  const details = {
    status,
    ...(hubspotCategory ? { hubspotCategory } : {}),
    ...(body.success && body.data.correlationId ? { correlationId: body.data.correlationId } : {}),
    ...(policyName ? { policyName } : {}),
  };
  const said = body.success && body.data.message ? `: ${body.data.message}` : '';
  const message = `HubSpot answered ${status} while ${action}${said}`;
  const raw = parsed.data.body;
  if (status === 401) return new HubSpotError('unauthorized', message, details, null, raw);
  if (status === 403) return new HubSpotError('missing_scopes', message, details, null, raw);
  if (status === 404) return new HubSpotError('not_found', message, details, null, raw);
  if (status === 409) return new HubSpotError('conflict', message, details, null, raw);
  if (status === 429) {
    const retryAfterMs = retryAfterOf(parsed.data.headers ?? {}, policyName);
    return new HubSpotError('rate_limited', message, details, retryAfterMs, raw);
  }
  // Neither says anything about the records in the call: the same call succeeds later, unchanged.
  if (status === 423) {
    const retryAfterMs = retryAfterHeaderMs(parsed.data.headers ?? {}) ?? HUBSPOT_LOCK_MS;
    return new HubSpotError('locked', message, details, Math.max(retryAfterMs, HUBSPOT_LOCK_MS), raw);
  }
  if (status === 477) {
    const retryAfterMs = retryAfterHeaderMs(parsed.data.headers ?? {}) ?? HUBSPOT_MIGRATION_RETRY_MS;
    return new HubSpotError('migration_in_progress', message, details, retryAfterMs, raw);
  }
  if (status >= 500) return new HubSpotError('unavailable', message, details, null, raw);
  return new HubSpotError('rejected', message, details, null, raw);
}
