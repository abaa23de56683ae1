/**
 * HubSpot's error envelope. Every error the emulator answers carries `status`, `message`, `correlationId` and
 * `category` with a JSON content type: the SDK throws a parse error instead of an ApiException otherwise.
 */
import crypto from 'node:crypto';

export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

export interface ErrorBodyExtras {
  subCategory?: string;
  context?: Record<string, unknown>;
  errors?: ErrorDetail[];
  links?: Record<string, string>;
  /** Fields some endpoints add at the top level (429 policyName, the duplicate-contact variant, …). */
  [extra: string]: unknown;
}

/** An error that becomes exactly one HTTP response; thrown by handlers, rendered by the server. */
export class HubSpotApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly category: string,
    message: string,
    readonly extras: ErrorBodyExtras = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HubSpotApiError';
  }

  body(correlationId: string): Record<string, unknown> {
    return { status: 'error', message: this.message, correlationId, ...this.extras, category: this.category };
  }
}

export function newCorrelationId(): string {
  return crypto.randomUUID();
}

/** One entry of the `Property values were not valid: [...]` list HubSpot embeds in VALIDATION_ERROR messages. */
export interface PropertyValidationIssue {
  isValid: false;
  message: string;
  error: string;
  name: string;
  localizedErrorMessage?: string;
  portalId?: number;
}

export const errors = {
  validation(message: string, extras: ErrorBodyExtras = {}): HubSpotApiError {
    return new HubSpotApiError(400, 'VALIDATION_ERROR', message, extras);
  },

  invalidProperties(issues: PropertyValidationIssue[]): HubSpotApiError {
    return new HubSpotApiError(
      400,
      'VALIDATION_ERROR',
      `Property values were not valid: ${JSON.stringify(issues)}`,
    );
  },

  objectNotFound(id: string): HubSpotApiError {
    return new HubSpotApiError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', {
      context: { id: [id] },
    });
  },

  notFound(message: string): HubSpotApiError {
    return new HubSpotApiError(404, 'OBJECT_NOT_FOUND', message);
  },

  conflict(message: string, extras: ErrorBodyExtras = {}): HubSpotApiError {
    return new HubSpotApiError(409, 'CONFLICT', message, extras);
  },

  alreadyExists(message: string, extras: ErrorBodyExtras = {}): HubSpotApiError {
    return new HubSpotApiError(409, 'OBJECT_ALREADY_EXISTS', message, extras);
  },

  missingAuthentication(): HubSpotApiError {
    return new HubSpotApiError(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    );
  },

  expiredAuthentication(expiredForMs: number): HubSpotApiError {
    const seconds = Math.max(1, Math.floor(expiredForMs / 1000));
    return new HubSpotApiError(
      401,
      'EXPIRED_AUTHENTICATION',
      `The OAuth token used to make this call expired ${seconds} second(s) ago.`,
    );
  },

  missingScopes(requiredGranularScopes: string[]): HubSpotApiError {
    return new HubSpotApiError(
      403,
      'MISSING_SCOPES',
      "This app hasn't been granted all required scopes to make this call.",
      {
        errors: [
          {
            message: 'One or more of the following scopes are required.',
            context: { requiredGranularScopes },
          },
        ],
        links: { scopes: 'https://developers.hubspot.com/scopes' },
      },
    );
  },

  badJson(detail: string): HubSpotApiError {
    return new HubSpotApiError(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${detail}`);
  },

  routeNotFound(method: string, path: string): HubSpotApiError {
    return new HubSpotApiError(404, 'OBJECT_NOT_FOUND', `Unable to route ${method} request to ${path}`);
  },

  internal(message = 'internal error'): HubSpotApiError {
    return new HubSpotApiError(500, 'INTERNAL_ERROR', message);
  },
};
