/**
 * Helpers for tests that drive the Salesforce emulator through the real jsforce: start it, log in
 * through the OAuth web server flow as a chosen user, and build Connections the way the bridge will
 * (version 62.0, a refreshFn that keeps a rotated refresh token).
 */

import { Connection, OAuth2 } from 'jsforce';
import type { SalesforceEmulator } from '../../../emulators/salesforce';

export const REDIRECT_URI = 'http://localhost:3000/oauth/salesforce/callback';
export const API_VERSION = '62.0';

export function oauth2For(
  emulator: SalesforceEmulator,
  options: { sandbox?: boolean; redirectUri?: string } = {},
): OAuth2 {
  return new OAuth2({
    loginUrl: options.sandbox ? emulator.sandboxLoginUrl : emulator.baseUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    redirectUri: options.redirectUri ?? REDIRECT_URI,
  });
}

/** Follows the authorize step like a browser would and returns the redirect it ends on. */
export async function authorizeRedirect(
  url: string,
): Promise<{ status: number; location: URL | null; body: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  return {
    status: response.status,
    location: location ? new URL(location) : null,
    body: await response.text(),
  };
}

export async function authorizationCode(
  oauth2: OAuth2,
  params: Record<string, string> = {},
): Promise<string> {
  const { location } = await authorizeRedirect(
    oauth2.getAuthorizationUrl({ scope: 'api refresh_token id', state: 's1', ...params }),
  );
  const code = location?.searchParams.get('code');
  if (!code) throw new Error(`authorize did not return a code: ${location?.toString() ?? 'no redirect'}`);
  return code;
}

export interface Login {
  conn: Connection;
  oauth2: OAuth2;
  /** The refresh token the bridge would have persisted last (rotation-safe). */
  tokens: { refreshToken: string | undefined; refreshes: number };
}

/** The bridge's Connection: it persists a rotated refresh token on every refresh. */
export function bridgeConnection(
  oauth2: OAuth2,
  init: { instanceUrl: string; accessToken: string; refreshToken?: string },
): Login {
  const tokens: Login['tokens'] = { refreshToken: init.refreshToken, refreshes: 0 };
  const conn = new Connection({
    oauth2,
    instanceUrl: init.instanceUrl,
    accessToken: init.accessToken,
    ...(init.refreshToken ? { refreshToken: init.refreshToken } : {}),
    version: API_VERSION,
    refreshFn: (c, callback) => {
      oauth2
        .refreshToken(tokens.refreshToken ?? '')
        .then((res) => {
          tokens.refreshToken = res.refresh_token ?? tokens.refreshToken;
          tokens.refreshes += 1;
          c.instanceUrl = res.instance_url;
          callback(null, res.access_token, res);
        })
        .catch((error: Error) => callback(error));
    },
  });
  return { conn, oauth2, tokens };
}

/** Logs in through the web server flow (as `username`, default the org admin) and returns a Connection. */
export async function login(
  emulator: SalesforceEmulator,
  options: { username?: string; sandbox?: boolean } = {},
): Promise<Login> {
  const oauth2 = oauth2For(emulator, options);
  const code = await authorizationCode(oauth2, options.username ? { login_hint: options.username } : {});
  const bootstrap = new Connection({ oauth2, version: API_VERSION });
  await bootstrap.authorize(code);
  return bridgeConnection(oauth2, {
    instanceUrl: bootstrap.instanceUrl,
    accessToken: bootstrap.accessToken as string,
    refreshToken: bootstrap.refreshToken as string,
  });
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: PromiseLike<unknown>,
): Promise<Error & { errorCode?: string; data?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { errorCode?: string; data?: unknown };
  }
  throw new Error('expected the call to fail');
}
