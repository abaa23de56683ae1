/**
 * One place that maps what Salesforce says to the engine's failure categories: its error codes (per-record
 * errors of a collection write carry the same codes, see recordFailures.ts), and errors that fail a whole
 * call (thrown by jsforce with `name === errorCode`).
 */
import { z } from 'zod';
import { isRetryable, makeCallFailure, type CallFailure, type FailureCategory } from '../../domain/failures';
import { CallTimeout } from '../timeout';

/** Salesforce error codes and what they mean for the sync. Codes not listed are `unknown`. */
export function categoryOfSalesforceCode(code: string): FailureCategory {
  switch (code) {
    case 'REQUIRED_FIELD_MISSING':
      return 'required_field_missing';
    case 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST':
    case 'INVALID_PICKLIST_VALUE':
      return 'picklist_value_not_allowed';
    case 'DUPLICATE_VALUE':
    case 'DUPLICATES_DETECTED':
    case 'DUPLICATE_EXTERNAL_ID':
    case 'MULTIPLE_CHOICES':
      return 'duplicate';
    case 'FIELD_CUSTOM_VALIDATION_EXCEPTION':
    case 'FIELD_INTEGRITY_EXCEPTION':
    case 'STRING_TOO_LONG':
    case 'INVALID_EMAIL_ADDRESS':
    case 'INVALID_FIELD':
    case 'INVALID_FIELD_FOR_INSERT_UPDATE':
    case 'INVALID_TYPE_ON_FIELD_IN_RECORD':
    case 'NUMBER_OUTSIDE_VALID_RANGE':
    case 'MALFORMED_ID':
    case 'INVALID_CROSS_REFERENCE_KEY':
    case 'INACTIVE_OWNER_OR_USER':
    case 'JSON_PARSER_ERROR':
      return 'validation';
    case 'INSUFFICIENT_ACCESS_OR_READONLY':
    case 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY':
    case 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY':
    case 'API_DISABLED_FOR_ORG':
    case 'FUNCTIONALITY_NOT_ENABLED':
      return 'permission';
    case 'ENTITY_IS_DELETED':
    case 'NOT_FOUND':
    case 'INVALID_ID_FIELD':
      return 'not_found';
    case 'CANNOT_UPDATE_CONVERTED_LEAD':
      return 'converted_lead';
    case 'REQUEST_LIMIT_EXCEEDED':
      return 'rate_limited';
    case 'UNABLE_TO_LOCK_ROW':
    case 'SERVER_UNAVAILABLE':
    case 'TIMEOUT':
    case 'ERROR_HTTP_500':
    case 'ERROR_HTTP_502':
    case 'ERROR_HTTP_503':
    case 'ERROR_HTTP_504':
      return 'transient';
    case 'INVALID_SESSION_ID':
    case 'invalid_grant':
      return 'auth';
    default:
      return categoryOfHttpCode(code);
  }
}

/**
 * A bare HTTP status (jsforce names a body it could not read `ERROR_HTTP_<status>`): a 4xx is the request's
 * fault and retrying it unchanged cannot help; a 5xx is the server's.
 */
function categoryOfHttpCode(code: string): FailureCategory {
  const status = /^(?:ERROR_)?HTTP_(\d{3})$/.exec(code)?.[1];
  if (!status) return 'unknown';
  if (status === '401') return 'auth';
  if (status === '403') return 'permission';
  if (status === '404') return 'not_found';
  if (status === '429') return 'rate_limited';
  if (status.startsWith('4')) return 'validation';
  return 'transient';
}

/** A Salesforce call that failed as a whole. */
export class SalesforceCallError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: string,
    readonly category: FailureCategory,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SalesforceCallError';
    this.retryable = isRetryable(category);
  }
}

/** The call failure a SalesforceCallError stands for. */
export function salesforceCallFailure(error: SalesforceCallError): CallFailure {
  return makeCallFailure({
    side: 'salesforce',
    category: error.category,
    code: error.code,
    message: error.message,
    retryAfterMs: error.retryAfterMs,
    details: { errorCode: error.code },
  });
}

const JsforceError = z
  .object({ name: z.string().optional(), errorCode: z.string().optional(), message: z.string().optional() })
  .loose();

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'];

export function salesforceCallError(error: unknown, action: string): SalesforceCallError {
  if (error instanceof SalesforceCallError) return error;
  if (error instanceof CallTimeout) {
    const timeout = new SalesforceCallError(
      'TIMEOUT',
      'transient',
      `Salesforce gave no answer within ${error.timeoutMs} ms while ${action}`,
    );
    // The call goes on without us: a write may still land, and whoever writes the records again must know.
    timeout.cause = error;
    return timeout;
  }
  const parsed = JsforceError.safeParse(error);
  const message = parsed.success ? (parsed.data.message ?? '') : String(error);
  const networkCode = (error as { code?: unknown } | null)?.code;
  let code = parsed.success ? (parsed.data.errorCode ?? parsed.data.name ?? 'Error') : 'Error';
  // A refresh that failed for a passing reason (the refresh of another process still running, the login
  // host down) is an outage; any other refresh failure means the connection needs an admin.
  if (/Unable to refresh session/i.test(message)) {
    code = /\[(provider_unavailable|refresh_busy)\]/.test(message) ? 'SERVER_UNAVAILABLE' : 'invalid_grant';
  } else if (typeof networkCode === 'string' && NETWORK_CODES.includes(networkCode))
    code = 'SERVER_UNAVAILABLE';
  else if (/fetch failed|socket hang up|network/i.test(message)) code = 'SERVER_UNAVAILABLE';
  const category = categoryOfSalesforceCode(code);
  // A spent daily allocation frees up gradually over the rolling 24 hours: look again in a few minutes.
  const retryAfterMs = category === 'rate_limited' ? 5 * 60_000 : null;
  return new SalesforceCallError(
    code,
    category,
    `Salesforce ${code} while ${action}: ${message}`,
    retryAfterMs,
  );
}
