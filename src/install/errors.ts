/**
 * Everything that can stop an install or a connection, as codes. One exhaustive switch decides each code's
 * category, whether simply trying again can help, and the HTTP status of the page that explains it.
 */
export const installErrorCodes = [
  'state_missing',
  'state_unknown',
  'state_expired',
  'state_reused',
  'state_wrong_browser',
  'link_other_browser',
  'confirmation_invalid',
  'access_denied',
  'provider_error',
  'code_exchange_failed',
  'provider_unavailable',
  'app_misconfigured',
  'wrong_app',
  'bootstrap_failed',
  'installation_missing',
  'salesforce_org_changed',
  'refresh_token_missing',
  'not_connected',
] as const;
export type InstallErrorCode = (typeof installErrorCodes)[number];

export type InstallErrorCategory = 'user' | 'security' | 'provider' | 'configuration';
export type Provider = 'hubspot' | 'salesforce';

export interface InstallErrorTraits {
  category: InstallErrorCategory;
  /** Whether the same person starting over is likely to succeed. */
  retryable: boolean;
  httpStatus: number;
}

export function installErrorTraits(code: InstallErrorCode): InstallErrorTraits {
  switch (code) {
    case 'state_missing':
    case 'state_unknown':
    case 'state_expired':
    case 'state_reused':
      return { category: 'security', retryable: true, httpStatus: 400 };
    case 'state_wrong_browser':
    case 'link_other_browser':
    case 'confirmation_invalid':
    case 'wrong_app':
      return { category: 'security', retryable: false, httpStatus: 403 };
    case 'access_denied':
      return { category: 'user', retryable: true, httpStatus: 403 };
    case 'code_exchange_failed':
    case 'provider_error':
      return { category: 'provider', retryable: true, httpStatus: 502 };
    case 'provider_unavailable':
    case 'bootstrap_failed':
      return { category: 'provider', retryable: true, httpStatus: 503 };
    case 'app_misconfigured':
      return { category: 'configuration', retryable: false, httpStatus: 500 };
    case 'installation_missing':
    case 'not_connected':
      return { category: 'user', retryable: true, httpStatus: 409 };
    case 'salesforce_org_changed':
    case 'refresh_token_missing':
      return { category: 'user', retryable: false, httpStatus: 409 };
  }
}

export class InstallError extends Error {
  readonly category: InstallErrorCategory;
  readonly retryable: boolean;
  readonly httpStatus: number;

  constructor(
    readonly code: InstallErrorCode,
    readonly provider: Provider,
    /** What happened, in a sentence the admin can read. */
    message: string,
    /** Safe extra facts for the page (never tokens): org ids, portal ids, provider error codes. */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'InstallError';
    const traits = installErrorTraits(code);
    this.category = traits.category;
    this.retryable = traits.retryable;
    this.httpStatus = traits.httpStatus;
  }
}
