/**
 * Why the credentials module could not hand out a working client. Each code has one category and one
 * retryable flag, decided in one exhaustive switch; the message says what the admin or operator can do.
 */
export const credentialsErrorCodes = [
  'installation_not_found',
  'hubspot_uninstalled',
  'salesforce_not_connected',
  'salesforce_needs_reauth',
  'provider_unavailable',
  'refresh_busy',
  'app_misconfigured',
  'token_unreadable',
] as const;
export type CredentialsErrorCode = (typeof credentialsErrorCodes)[number];

export type CredentialsErrorCategory = 'not_found' | 'auth' | 'transient' | 'configuration';

export class CredentialsError extends Error {
  readonly category: CredentialsErrorCategory;
  readonly retryable: boolean;

  constructor(
    readonly code: CredentialsErrorCode,
    message: string,
  ) {
    // The code leads the message because jsforce rethrows refresh failures as a new Error with our message only.
    super(`[${code}] ${message}`);
    this.name = 'CredentialsError';
    const { category, retryable } = classifyCredentialsError(code);
    this.category = category;
    this.retryable = retryable;
  }
}

export function classifyCredentialsError(code: CredentialsErrorCode): {
  category: CredentialsErrorCategory;
  retryable: boolean;
} {
  switch (code) {
    case 'installation_not_found':
      return { category: 'not_found', retryable: false };
    case 'hubspot_uninstalled':
    case 'salesforce_not_connected':
    case 'salesforce_needs_reauth':
      return { category: 'auth', retryable: false };
    case 'provider_unavailable':
    case 'refresh_busy':
      return { category: 'transient', retryable: true };
    case 'app_misconfigured':
    case 'token_unreadable':
      return { category: 'configuration', retryable: false };
  }
}

/**
 * The credentials error code behind an error thrown by a jsforce call whose refresh failed
 * (jsforce wraps it as "Unable to refresh session due to: [code] …"), or null for any other error.
 */
export function credentialsErrorCodeOf(error: unknown): CredentialsErrorCode | null {
  if (error instanceof CredentialsError) return error.code;
  const message = error instanceof Error ? error.message : '';
  const code = /\[([a-z_]+)\]/.exec(message)?.[1];
  return code && (credentialsErrorCodes as readonly string[]).includes(code)
    ? (code as CredentialsErrorCode)
    : null;
}
