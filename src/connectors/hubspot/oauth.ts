/**
 * HubSpot's OAuth, through a small client of our own on the v3 endpoints: the authorize URL, the code
 * exchange and the refresh grant (`POST /oauth/v3/token`), token introspection (which portal, app and user a
 * token belongs to, and whether it is still active: `POST /oauth/v3/token/introspect`) and revocation
 * (`POST /oauth/v3/token/revoke`). Every call is a form body with the client credentials in it, so they never
 * sit in a URL; HubSpot sunsets the v1 endpoints `@hubspot/api-client` wraps on 2027-02-16.
 *
 * Every call has a deadline (a token endpoint that never answers must not hold a refresh forever), and every
 * response is checked with zod before use. The SDK's `getAuthorizationUrl` hard-codes app.hubspot.com, so the
 * authorize URL is built here from the configured endpoint.
 */
import { z } from 'zod';
import { HUBSPOT_REQUIRED_SCOPES } from './scopes';

/** How long one OAuth call may take before it counts as HubSpot being unavailable. */
export const HUBSPOT_OAUTH_TIMEOUT_MS = 15_000;

export interface HubSpotOAuthApp {
  clientId: string;
  clientSecret: string;
  /** API origin for token calls, e.g. https://api.hubapi.com. */
  apiBaseUrl: string;
  /** Where the admin's browser approves the install, e.g. https://app.hubspot.com/oauth/authorize. */
  authorizeUrl: string;
  /** Our callback; HubSpot requires the exchange to repeat it exactly. */
  redirectUri: string;
  /** Deadline of one OAuth call (default HUBSPOT_OAUTH_TIMEOUT_MS). */
  timeoutMs?: number;
}

export interface HubSpotTokenSet {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

export interface HubSpotTokenInfo {
  portalId: string;
  appId: string;
  userId: string | null;
  userEmail: string | null;
  hubDomain: string | null;
  scopes: string[];
}

export const hubspotOAuthErrorCodes = [
  'invalid_grant',
  'invalid_client',
  'redirect_uri_mismatch',
  'rejected',
  'unavailable',
] as const;
export type HubSpotOAuthErrorCode = (typeof hubspotOAuthErrorCodes)[number];

/**
 * A refused or failed OAuth call. `invalid_grant`: HubSpot refused the code or the refresh token; for a refresh
 * token, introspection tells whether it is really gone (an uninstall) or the refusal was a one-off.
 */
export class HubSpotOAuthError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: HubSpotOAuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HubSpotOAuthError';
    this.retryable = code === 'unavailable';
  }
}

export function hubspotAuthorizeUrl(app: HubSpotOAuthApp, state: string): string {
  const url = new URL(app.authorizeUrl);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', app.redirectUri);
  url.searchParams.set('scope', HUBSPOT_REQUIRED_SCOPES.join(' '));
  url.searchParams.set('state', state);
  return url.toString();
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive(),
});

const numericId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);

/** `{ active: false }` for a dead token; HubSpot adds token details to an active one. */
const IntrospectionResponse = z.union([
  z.object({
    active: z.literal(true),
    token_use: z.string().optional(),
    hub_id: numericId,
    app_id: numericId.optional(),
    user_id: numericId.nullish(),
    user: z.string().nullish(),
    hub_domain: z.string().nullish(),
    scopes: z.array(z.string()).default([]),
    expires_in: z.number().int().optional(),
  }),
  z.object({ active: z.literal(false) }),
]);

export type HubSpotTokenIntrospection =
  | { active: false }
  | { active: true; tokenUse: string | null; info: HubSpotTokenInfo; expiresInSeconds: number | null };

// Current HubSpot errors carry RFC 6749 `error`; older ones only the legacy `status`.
const OAuthErrorBody = z.object({ error: z.string().optional(), status: z.string().optional() }).loose();

export async function exchangeHubSpotCode(app: HubSpotOAuthApp, code: string): Promise<HubSpotTokenSet> {
  const response = await postForm(
    app,
    '/oauth/v3/token',
    { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri },
    'exchanging the authorization code',
  );
  return parseTokens(response);
}

export async function refreshHubSpotTokens(
  app: HubSpotOAuthApp,
  refreshToken: string,
): Promise<HubSpotTokenSet> {
  const response = await postForm(
    app,
    '/oauth/v3/token',
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    'refreshing the access token',
  );
  return parseTokens(response);
}

/** Whether a token (access or refresh) is still active, and whose it is. */
export async function introspectHubSpotToken(
  app: HubSpotOAuthApp,
  token: string,
  tokenTypeHint: 'access_token' | 'refresh_token',
): Promise<HubSpotTokenIntrospection> {
  const response = await postForm(
    app,
    '/oauth/v3/token/introspect',
    { token, token_type_hint: tokenTypeHint },
    'reading the token details',
  );
  const parsed = IntrospectionResponse.safeParse(response);
  if (!parsed.success) {
    throw new HubSpotOAuthError('rejected', 'HubSpot sent token details the bridge cannot read');
  }
  const data = parsed.data;
  if (!data.active) return { active: false };
  return {
    active: true,
    tokenUse: data.token_use ?? null,
    expiresInSeconds: data.expires_in ?? null,
    info: {
      portalId: data.hub_id,
      appId: data.app_id ?? '',
      userId: data.user_id ?? null,
      userEmail: data.user ?? null,
      hubDomain: data.hub_domain ?? null,
      scopes: data.scopes,
    },
  };
}

/** Which portal, app and user an access token just issued belongs to. */
export async function getHubSpotTokenInfo(
  app: HubSpotOAuthApp,
  accessToken: string,
): Promise<HubSpotTokenInfo> {
  const introspection = await introspectHubSpotToken(app, accessToken, 'access_token');
  if (!introspection.active) {
    throw new HubSpotOAuthError('rejected', 'HubSpot says the access token it just issued is not active');
  }
  return introspection.info;
}

/** Revokes a token (a refresh token: the app's access to the portal through it). Unknown tokens are no error. */
export async function revokeHubSpotToken(
  app: HubSpotOAuthApp,
  token: string,
  tokenTypeHint: 'access_token' | 'refresh_token',
): Promise<void> {
  await postForm(
    app,
    '/oauth/v3/token/revoke',
    { token, token_type_hint: tokenTypeHint },
    'revoking the token',
  );
}

function parseTokens(response: unknown): HubSpotTokenSet {
  const parsed = TokenResponse.safeParse(response);
  if (!parsed.success) {
    throw new HubSpotOAuthError('rejected', 'HubSpot sent a token response the bridge cannot read');
  }
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresInSeconds: parsed.data.expires_in,
  };
}

/**
 * One form POST with the client credentials in the body; the JSON answer, or a HubSpotOAuthError. No answer
 * within the deadline, a network failure, a 429 or a 5xx are `unavailable` (worth retrying later).
 */
async function postForm(
  app: HubSpotOAuthApp,
  path: string,
  fields: Record<string, string>,
  action: string,
): Promise<unknown> {
  const timeoutMs = app.timeoutMs ?? HUBSPOT_OAUTH_TIMEOUT_MS;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${app.apiBaseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ ...fields, client_id: app.clientId, client_secret: app.clientSecret }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // An abort is a DOMException, which is not always an instance of this realm's Error.
    const name = (error as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw new HubSpotOAuthError(
      'unavailable',
      timedOut
        ? `HubSpot gave no answer within ${timeoutMs} ms while ${action}`
        : `Could not reach HubSpot while ${action}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (response.ok) return body;
  throw toOAuthError(response.status, body, action);
}

function toOAuthError(status: number, body: unknown, action: string): HubSpotOAuthError {
  if (status === 429 || status >= 500) {
    return new HubSpotOAuthError(
      'unavailable',
      `HubSpot answered ${status} while ${action}; try again later`,
    );
  }
  const parsed = OAuthErrorBody.safeParse(body);
  const kind = parsed.success ? (parsed.data.error ?? parsed.data.status ?? '').toLowerCase() : '';
  const described = (body as { error_description?: unknown; message?: unknown } | null) ?? {};
  const detail =
    typeof described.error_description === 'string'
      ? described.error_description
      : typeof described.message === 'string'
        ? described.message
        : '';
  const message = `HubSpot refused ${action} (${status}${kind ? ` ${kind}` : ''}${detail ? `: ${detail}` : ''})`;
  if (kind === 'invalid_grant' || kind === 'bad_refresh_token' || kind === 'bad_auth_code') {
    return new HubSpotOAuthError('invalid_grant', message);
  }
  if (kind === 'invalid_client' || kind === 'bad_client_id' || kind === 'bad_client_secret') {
    return new HubSpotOAuthError('invalid_client', message);
  }
  if (kind === 'redirect_uri_mismatch' || kind === 'bad_redirect_uri') {
    return new HubSpotOAuthError('redirect_uri_mismatch', message);
  }
  return new HubSpotOAuthError('rejected', message);
}
