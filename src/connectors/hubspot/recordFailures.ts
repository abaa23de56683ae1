/**
 * What HubSpot said about one record's write, as a SyncFailure the card and settings page can show.
 *
 * Per-record errors come two ways: inside a 207 batch response (`errors[]`, each naming the ids or the
 * property it is about in `context`), or as the whole error of a one-record batch that HubSpot refused.
 */
import { z } from 'zod';
import { makeFailure, type FailureCategory, type SyncFailure } from '../../domain/failures';
import type { HubspotObjectType } from '../../domain/records';
import type { HubSpotError } from './errors';

const ErrorDetail = z
  .object({
    message: z.string().optional(),
    code: z.string().optional(),
    in: z.string().optional(),
    context: z.record(z.string(), z.array(z.string())).optional(),
  })
  .loose();

const StandardError = z
  .object({
    category: z.string().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    context: z.record(z.string(), z.array(z.string())).optional(),
    errors: z.array(ErrorDetail).optional(),
  })
  .loose();
type StandardError = z.infer<typeof StandardError>;

const objectLabel: Record<HubspotObjectType, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
};

function categoryOf(error: StandardError, status: number | null): FailureCategory {
  const category = error.category ?? '';
  const text = `${error.message ?? ''} ${(error.errors ?? []).map((detail) => detail.code ?? '').join(' ')}`;
  if (category === 'OBJECT_NOT_FOUND' || status === 404) return 'not_found';
  if (category === 'CONFLICT' || category === 'OBJECT_ALREADY_EXISTS' || status === 409) return 'duplicate';
  if (/INVALID_OPTION|not one of the allowed options|was not one of the allowed/i.test(text)) {
    return 'picklist_value_not_allowed';
  }
  if (category === 'MISSING_SCOPES' || status === 403) return 'permission';
  if (category === 'RATE_LIMITS' || status === 429) return 'rate_limited';
  if (category === 'EXPIRED_AUTHENTICATION' || category === 'INVALID_AUTHENTICATION' || status === 401) {
    return 'auth';
  }
  if (status !== null && status >= 500) return 'transient';
  if (category === 'VALIDATION_ERROR' || category === 'INVALID_EMAIL' || status === 400) return 'validation';
  return 'unknown';
}

/** The property a validation error names, when it names one. */
function propertyOf(error: StandardError): string | undefined {
  for (const detail of error.errors ?? []) {
    if (detail.in) return detail.in;
    const name = detail.context?.propertyName?.[0];
    if (name) return name;
  }
  const quoted = /Property "?([a-z0-9_]+)"?/i.exec(error.message ?? '');
  return quoted?.[1];
}

function failureOf(objectType: HubspotObjectType, error: StandardError, status: number | null): SyncFailure {
  const category = categoryOf(error, status);
  const field = propertyOf(error);
  return makeFailure(
    category,
    error.category ?? (status ? `HTTP_${status}` : 'HUBSPOT_ERROR'),
    {
      side: 'hubspot',
      object: objectLabel[objectType],
      ...(field ? { field } : {}),
      ...(error.message ? { detail: error.message } : {}),
    },
    { details: { hubspotCategory: error.category ?? null, hubspotMessage: error.message ?? null, status } },
  );
}

/**
 * The failure for the record with one of `keys` (its id, or its upsert key) among a 207's errors. A record
 * absent from both results and errors still fails, with the batch's errors as the reason.
 */
export function hubspotRecordFailure(
  objectType: HubspotObjectType,
  errors: readonly unknown[],
  keys: readonly string[],
): SyncFailure {
  const parsed = errors
    .map((error) => StandardError.safeParse(error))
    .flatMap((r) => (r.success ? [r.data] : []));
  const mentions = (error: StandardError) =>
    Object.values(error.context ?? {}).some((values) => values.some((value) => keys.includes(value))) ||
    (error.errors ?? []).some((detail) =>
      Object.values(detail.context ?? {}).some((values) => values.some((value) => keys.includes(value))),
    );
  const own = parsed.find(mentions) ?? (parsed.length === 1 ? parsed[0] : undefined);
  if (own) return failureOf(objectType, own, null);
  return makeFailure(
    'unknown',
    'HUBSPOT_NO_RESULT',
    {
      side: 'hubspot',
      object: objectLabel[objectType],
      detail: 'HubSpot returned no result for this record',
    },
    { details: { errors: parsed.map((error) => error.message ?? error.category ?? '') } },
  );
}

/** The failure of a one-record write that HubSpot refused as a whole. */
export function hubspotWriteFailure(objectType: HubspotObjectType, error: HubSpotError): SyncFailure {
  const body = StandardError.safeParse(error.body);
  const fallback = { message: error.message };
  return failureOf(objectType, body.success ? body.data : fallback, error.details.status ?? null);
}
