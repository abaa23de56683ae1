/**
 * Salesforce's OAuth 2.0 web server flow through jsforce's OAuth2: the authorize URL, the code exchange, the
 * refresh grant, revocation, and the identity URL (who connected, in which org).
 *
 * jsforce reports token-endpoint refusals as an Error whose `name` is the OAuth `error` (invalid_grant, …);
 * they are mapped here once. Responses are checked with zod before use. Every call has a deadline: jsforce
 * sets none, and a token endpoint that never answers must not hold a refresh (and every caller behind it).
 */
import crypto from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { z } from 'zod';
import { CallTimeout, withTimeout } from '../timeout';
import { SALESFORCE_API_VERSION } from './client';

/** How long one OAuth call may take before it counts as Salesforce being unavailable. */
export const SALESFORCE_OAUTH_TIMEOUT_MS = 15_000;

/** `api` for REST, `refresh_token` for a refresh token, `id` for the identity URL. */
export const SALESFORCE_SCOPES = ['api', 'refresh_token', 'id'] as const;

export interface SalesforceOAuthApp {
  clientId: string;
  clientSecret: string;
  /** Login host: production (login.salesforce.com), sandbox (test.salesforce.com) or a My Domain. */
  loginUrl: string;
  redirectUri: string;
  /** Deadline of one OAuth call (default SALESFORCE_OAUTH_TIMEOUT_MS). */
  timeoutMs?: number;
}

export interface SalesforceTokenGrant {
  accessToken: string;
  /** Present on the authorization-code grant; on refresh only when the org rotates refresh tokens. */
  refreshToken: string | null;
  instanceUrl: string;
  identityUrl: string;
  issuedAt: number | null;
  scopes: string[];
}

export interface SalesforceIdentity {
  userId: string;
  orgId: string;
  username: string;
  email: string | null;
  displayName: string | null;
}

export const salesforceOAuthErrorCodes = [
  'invalid_grant',
  'invalid_client',
  'redirect_uri_mismatch',
  'rejected',
  'unavailable',
] as const;
export type SalesforceOAuthErrorCode = (typeof salesforceOAuthErrorCodes)[number];

/** `invalid_grant` is final: the refresh token was revoked, expired, or rotated away; the user must log in. */
export class SalesforceOAuthError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: SalesforceOAuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SalesforceOAuthError';
    this.retryable = code === 'unavailable';
  }
}

export function createSalesforceOAuth2(app: SalesforceOAuthApp): OAuth2 {
  return new OAuth2({
    loginUrl: app.loginUrl,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: app.redirectUri,
  });
}

/**
 * PKCE (RFC 7636, S256): a fresh secret verifier per authorization, and its challenge for the authorize URL.
 * Salesforce then exchanges the code only for whoever presents the verifier, so a code that leaks on the way
 * back (a log, a referrer, another app on the device) is worth nothing.
 */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(48).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function pkceChallenge(verifier: string): string {
  return crypto.createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function salesforceAuthorizeUrl(
  app: SalesforceOAuthApp,
  state: string,
  codeChallenge: string,
): string {
  return createSalesforceOAuth2(app).getAuthorizationUrl({
    scope: SALESFORCE_SCOPES.join(' '),
    state,
    prompt: 'login consent',
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  });
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.string().url(),
  id: z.string().url(),
  issued_at: z.string().regex(/^\d+$/).optional(),
  scope: z.string().optional(),
});

const IdentityResponse = z.object({
  user_id: z.string().min(15),
  organization_id: z.string().min(15),
  username: z.string().min(1),
  email: z.string().nullish(),
  display_name: z.string().nullish(),
});

/** `codeVerifier`: the PKCE verifier whose challenge went with the authorize step (none for older states). */
export async function exchangeSalesforceCode(
  app: SalesforceOAuthApp,
  code: string,
  codeVerifier: string | null,
): Promise<SalesforceTokenGrant> {
  const action = 'exchanging the authorization code';
  const response = await withTimeout(
    () => createSalesforceOAuth2(app).requestToken(code, codeVerifier ? { code_verifier: codeVerifier } : {}),
    timeoutOf(app),
    action,
  ).catch((error: unknown) => {
    throw toOAuthError(error, action);
  });
  return parseGrant(response);
}

export async function refreshSalesforceToken(
  app: SalesforceOAuthApp,
  refreshToken: string,
): Promise<SalesforceTokenGrant> {
  const action = 'refreshing the access token';
  const response = await withTimeout(
    () => createSalesforceOAuth2(app).refreshToken(refreshToken),
    timeoutOf(app),
    action,
  ).catch((error: unknown) => {
    throw toOAuthError(error, action);
  });
  return parseGrant(response);
}

/** Revokes a refresh token (and with it every access token issued from it). */
export async function revokeSalesforceToken(app: SalesforceOAuthApp, token: string): Promise<void> {
  const action = 'revoking the token';
  await withTimeout(() => createSalesforceOAuth2(app).revokeToken(token), timeoutOf(app), action).catch(
    (error: unknown) => {
      throw toOAuthError(error, action);
    },
  );
}

export async function fetchSalesforceIdentity(
  grant: Pick<SalesforceTokenGrant, 'accessToken' | 'instanceUrl' | 'identityUrl'>,
  timeoutMs: number = SALESFORCE_OAUTH_TIMEOUT_MS,
): Promise<SalesforceIdentity> {
  const connection = new Connection({
    instanceUrl: grant.instanceUrl,
    accessToken: grant.accessToken,
    version: SALESFORCE_API_VERSION,
  });
  connection.userInfo = { id: '', organizationId: '', url: grant.identityUrl };
  const action = 'reading the identity of the connecting user';
  const response = await withTimeout(() => connection.identity(), timeoutMs, action).catch(
    (error: unknown) => {
      throw toOAuthError(error, action);
    },
  );
  const parsed = IdentityResponse.safeParse(response);
  if (!parsed.success) {
    throw new SalesforceOAuthError('rejected', 'Salesforce sent an identity the bridge cannot read');
  }
  return {
    userId: parsed.data.user_id,
    orgId: parsed.data.organization_id,
    username: parsed.data.username,
    email: parsed.data.email ?? null,
    displayName: parsed.data.display_name ?? null,
  };
}

function parseGrant(response: unknown): SalesforceTokenGrant {
  const parsed = TokenResponse.safeParse(response);
  if (!parsed.success) {
    throw new SalesforceOAuthError('rejected', 'Salesforce sent a token response the bridge cannot read');
  }
  const data = parsed.data;
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token ?? null,
    instanceUrl: data.instance_url.replace(/\/+$/, ''),
    identityUrl: data.id,
    issuedAt: data.issued_at ? Number(data.issued_at) : null,
    scopes: data.scope ? data.scope.split(/\s+/).filter(Boolean) : [],
  };
}

const finalGrantErrors = new Set(['invalid_grant', 'inactive_user', 'inactive_org']);

const timeoutOf = (app: SalesforceOAuthApp) => app.timeoutMs ?? SALESFORCE_OAUTH_TIMEOUT_MS;

function toOAuthError(error: unknown, action: string): SalesforceOAuthError {
  if (error instanceof CallTimeout) {
    return new SalesforceOAuthError(
      'unavailable',
      `Salesforce gave no answer within ${error.timeoutMs} ms while ${action}`,
    );
  }
  const name = error instanceof Error ? error.name : '';
  const description = error instanceof Error ? error.message : String(error);
  const message = `Salesforce refused ${action}: ${name ? `${name}: ` : ''}${description}`;
  if (finalGrantErrors.has(name)) return new SalesforceOAuthError('invalid_grant', message);
  if (name === 'invalid_client' || name === 'invalid_client_id') {
    return new SalesforceOAuthError('invalid_client', message);
  }
  if (name === 'redirect_uri_mismatch') return new SalesforceOAuthError('redirect_uri_mismatch', message);
  const httpStatus = /^ERROR_HTTP_(\d{3})$/.exec(name)?.[1];
  if ((httpStatus && Number(httpStatus) >= 500) || name === 'FetchError' || name === 'rate_limit_exceeded') {
    return new SalesforceOAuthError(
      'unavailable',
      `Could not reach Salesforce while ${action}: ${description}`,
    );
  }
  if (!(error instanceof Error) || name === 'Error' || name === 'TypeError') {
    return new SalesforceOAuthError(
      'unavailable',
      `Could not reach Salesforce while ${action}: ${description}`,
    );
  }
  return new SalesforceOAuthError('rejected', message);
}
