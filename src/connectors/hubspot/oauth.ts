/**
 * HubSpot's OAuth endpoints (v1, what `@hubspot/api-client` 13 wraps): the authorize URL, the code exchange,
 * the refresh grant, and token info (which portal and user a token belongs to).
 *
 * The SDK's `getAuthorizationUrl` hard-codes app.hubspot.com, so the URL is built here from the configured
 * authorize endpoint. Every response is checked with zod before use.
 */
import { z } from 'zod';
import { createHubSpotClient } from './client';
import type { HubSpotError } from './errors';
import { toHubSpotError } from './errors';
import { HUBSPOT_REQUIRED_SCOPES } from './scopes';

export interface HubSpotOAuthApp {
  clientId: string;
  clientSecret: string;
  /** API origin for token calls, e.g. https://api.hubapi.com. */
  apiBaseUrl: string;
  /** Where the admin's browser approves the install, e.g. https://app.hubspot.com/oauth/authorize. */
  authorizeUrl: string;
  /** Our callback; HubSpot requires the exchange to repeat it exactly. */
  redirectUri: string;
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

/** A refused or failed OAuth call. `invalid_grant` is final (bad code, or a revoked refresh token). */
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
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresIn: z.number().int().positive(),
});

const TokenInfoResponse = z.object({
  hubId: z.union([z.number().int(), z.string().min(1)]),
  appId: z.union([z.number().int(), z.string().min(1)]),
  userId: z.union([z.number().int(), z.string()]).nullish(),
  user: z.string().nullish(),
  hubDomain: z.string().nullish(),
  scopes: z.array(z.string()).default([]),
});

// Current HubSpot errors carry RFC 6749 `error`; older ones only the legacy `status`.
const OAuthErrorBody = z.object({ error: z.string().optional(), status: z.string().optional() }).loose();

export async function exchangeHubSpotCode(app: HubSpotOAuthApp, code: string): Promise<HubSpotTokenSet> {
  const client = createHubSpotClient({ basePath: app.apiBaseUrl });
  const response = await client.oauth.tokensApi
    .create('authorization_code', code, app.redirectUri, app.clientId, app.clientSecret)
    .catch((error: unknown) => {
      throw toOAuthError(error, 'exchanging the authorization code');
    });
  return parseTokens(response);
}

export async function refreshHubSpotTokens(
  app: HubSpotOAuthApp,
  refreshToken: string,
): Promise<HubSpotTokenSet> {
  const client = createHubSpotClient({ basePath: app.apiBaseUrl });
  const response = await client.oauth.tokensApi
    .create('refresh_token', undefined, undefined, app.clientId, app.clientSecret, refreshToken)
    .catch((error: unknown) => {
      throw toOAuthError(error, 'refreshing the access token');
    });
  return parseTokens(response);
}

export async function getHubSpotTokenInfo(
  app: HubSpotOAuthApp,
  accessToken: string,
): Promise<HubSpotTokenInfo> {
  const client = createHubSpotClient({ basePath: app.apiBaseUrl });
  const response = await client.oauth.accessTokensApi.get(accessToken).catch((error: unknown) => {
    throw toOAuthError(error, 'reading the access token details');
  });
  const parsed = TokenInfoResponse.safeParse(response);
  if (!parsed.success) {
    throw new HubSpotOAuthError('rejected', 'HubSpot sent access token details the bridge cannot read');
  }
  const info = parsed.data;
  return {
    portalId: String(info.hubId),
    appId: String(info.appId),
    userId: info.userId === null || info.userId === undefined ? null : String(info.userId),
    userEmail: info.user ?? null,
    hubDomain: info.hubDomain ?? null,
    scopes: info.scopes,
  };
}

function parseTokens(response: unknown): HubSpotTokenSet {
  const parsed = TokenResponse.safeParse(response);
  if (!parsed.success) {
    throw new HubSpotOAuthError('rejected', 'HubSpot sent a token response the bridge cannot read');
  }
  return {
    accessToken: parsed.data.accessToken,
    refreshToken: parsed.data.refreshToken,
    expiresInSeconds: parsed.data.expiresIn,
  };
}

function toOAuthError(error: unknown, action: string): HubSpotOAuthError {
  const mapped: HubSpotError = toHubSpotError(error, action);
  if (mapped.retryable) return new HubSpotOAuthError('unavailable', mapped.message);
  const body = OAuthErrorBody.safeParse((error as { body?: unknown }).body);
  const kind = body.success ? (body.data.error ?? body.data.status ?? '').toLowerCase() : '';
  if (kind === 'invalid_grant' || kind === 'bad_refresh_token' || kind === 'bad_auth_code') {
    return new HubSpotOAuthError('invalid_grant', mapped.message);
  }
  if (kind === 'invalid_client' || kind === 'bad_client_id' || kind === 'bad_client_secret') {
    return new HubSpotOAuthError('invalid_client', mapped.message);
  }
  if (kind === 'redirect_uri_mismatch' || kind === 'bad_redirect_uri') {
    return new HubSpotOAuthError('redirect_uri_mismatch', mapped.message);
  }
  return new HubSpotOAuthError('rejected', mapped.message);
}
