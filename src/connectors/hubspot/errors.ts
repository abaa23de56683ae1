/**
 * One place that turns whatever the HubSpot SDK throws into a typed error with a code, a category and
 * whether retrying can help. Messages never include tokens: the SDK's own message embeds response headers,
 * so it is not reused.
 */
import { z } from 'zod';

export const hubspotErrorCodes = [
  'unauthorized',
  'missing_scopes',
  'rate_limited',
  'unavailable',
  'rejected',
  'not_found',
  'conflict',
  'network',
] as const;
export type HubSpotErrorCode = (typeof hubspotErrorCodes)[number];

export type HubSpotErrorCategory = 'auth' | 'rate_limit' | 'transient' | 'validation';

export class HubSpotError extends Error {
  readonly category: HubSpotErrorCategory;
  readonly retryable: boolean;

  constructor(
    readonly code: HubSpotErrorCode,
    message: string,
    readonly details: { status?: number; hubspotCategory?: string; correlationId?: string } = {},
  ) {
    super(message);
    this.name = 'HubSpotError';
    const { category, retryable } = classify(code);
    this.category = category;
    this.retryable = retryable;
  }
}

function classify(code: HubSpotErrorCode): { category: HubSpotErrorCategory; retryable: boolean } {
  switch (code) {
    case 'unauthorized':
    case 'missing_scopes':
      return { category: 'auth', retryable: false };
    case 'rate_limited':
      return { category: 'rate_limit', retryable: true };
    case 'unavailable':
    case 'network':
      return { category: 'transient', retryable: true };
    case 'rejected':
    case 'not_found':
    case 'conflict':
      return { category: 'validation', retryable: false };
  }
}

const ErrorBody = z
  .object({
    message: z.string().optional(),
    category: z.string().optional(),
    correlationId: z.string().optional(),
  })
  .loose();

const ApiExceptionShape = z.object({ code: z.number().int(), body: z.unknown() });

/** The HTTP status of an SDK ApiException, or null for anything else (network failures, bugs). */
export function statusOf(error: unknown): number | null {
  const parsed = ApiExceptionShape.safeParse(error);
  return parsed.success ? parsed.data.code : null;
}

/** Maps an error thrown by a `@hubspot/api-client` call; `action` says what was being done, for the message. */
export function toHubSpotError(error: unknown, action: string): HubSpotError {
  if (error instanceof HubSpotError) return error;
  const parsed = ApiExceptionShape.safeParse(error);
  if (!parsed.success) {
    const reason = error instanceof Error ? error.message : String(error);
    return new HubSpotError('network', `Could not reach HubSpot while ${action}: ${reason}`);
  }
  const status = parsed.data.code;
  const body = ErrorBody.safeParse(parsed.data.body);
  const hubspotCategory = body.success ? body.data.category : undefined;
  const details = {
    status,
    ...(hubspotCategory ? { hubspotCategory } : {}),
    ...(body.success && body.data.correlationId ? { correlationId: body.data.correlationId } : {}),
  };
  const said = body.success && body.data.message ? `: ${body.data.message}` : '';
  const message = `HubSpot answered ${status} while ${action}${said}`;
  if (status === 401) return new HubSpotError('unauthorized', message, details);
  if (status === 403) return new HubSpotError('missing_scopes', message, details);
  if (status === 404) return new HubSpotError('not_found', message, details);
  if (status === 409) return new HubSpotError('conflict', message, details);
  if (status === 429) return new HubSpotError('rate_limited', message, details);
  if (status >= 500) return new HubSpotError('unavailable', message, details);
  return new HubSpotError('rejected', message, details);
}
