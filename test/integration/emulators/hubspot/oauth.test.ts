import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { apiError, authorize, BRIDGE, sdk, startEmulator } from './support';

const REDIRECT = 'http://localhost:3000/oauth/hubspot/callback';
const SCOPES = 'oauth crm.objects.contacts.read crm.objects.contacts.write';

let emulator: HubSpotEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.reset());

async function install(query: Record<string, string> = {}) {
  const approved = await authorize(emulator, {
    client_id: BRIDGE.clientId,
    redirect_uri: REDIRECT,
    scope: SCOPES,
    state: 'nonce-1',
    ...query,
  });
  expect(approved.status).toBe(302);
  const tokens = await sdk(emulator).oauth.tokensApi.create(
    'authorization_code',
    approved.code ?? '',
    REDIRECT,
    BRIDGE.clientId,
    BRIDGE.clientSecret,
  );
  return { approved, tokens };
}

describe('authorize', () => {
  it('approves at once: 302 to the redirect URI with code and state, for the default portal', async () => {
    const { approved, tokens } = await install();
    expect(approved.location?.startsWith(`${REDIRECT}?`)).toBe(true);
    expect(approved.state).toBe('nonce-1');
    expect(tokens.tokenType).toBe('bearer');
    expect(tokens.expiresIn).toBe(1800);
    expect(tokens.refreshToken).toMatch(/^na1-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const info = await sdk(emulator).oauth.accessTokensApi.get(tokens.accessToken);
    expect(info.hubId).toBe(emulator.defaultPortalId);
    expect(info.appId).toBe(BRIDGE.appId);
    expect(info.scopes).toEqual(SCOPES.split(' '));
    expect(info.tokenType).toBe('access');
    expect(info.user).toBe(`admin@portal${emulator.defaultPortalId}.example.com`);
    expect(info.expiresIn).toBeGreaterThan(1790);
  });

  it('sends hub_id and scopes in the raw token response, snake_case as HubSpot does', async () => {
    const approved = await authorize(emulator, {
      client_id: BRIDGE.clientId,
      redirect_uri: REDIRECT,
      scope: SCOPES,
    });
    const response = await fetch(`${emulator.baseUrl}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: BRIDGE.clientId,
        client_secret: BRIDGE.clientSecret,
        redirect_uri: REDIRECT,
        code: approved.code ?? '',
      }),
    });
    expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_in',
      'hub_id',
      'refresh_token',
      'scopes',
      'token_type',
    ]);
    expect(body.hub_id).toBe(emulator.defaultPortalId);
  });

  it('installs into the portal named by portal_id, creating it on demand', async () => {
    const { tokens } = await install({ portal_id: '777' });
    expect((await sdk(emulator).oauth.accessTokensApi.get(tokens.accessToken)).hubId).toBe(777);
    const portal = await emulator.control.portal(777);
    expect(portal.installedAppIds).toContain(BRIDGE.appId);
  });

  it('approves the other integration too', async () => {
    const approved = await authorize(emulator, {
      client_id: 'other-integration',
      redirect_uri: 'http://127.0.0.1:9999/cb',
      scope: 'crm.objects.contacts.read',
    });
    const tokens = await sdk(emulator).oauth.tokensApi.create(
      'authorization_code',
      approved.code ?? '',
      'http://127.0.0.1:9999/cb',
      'other-integration',
      'other-integration-secret',
    );
    const info = await sdk(emulator).oauth.accessTokensApi.get(tokens.accessToken);
    expect(info.appId).toBe(emulator.otherIntegration.appId);
    expect(info.appId).not.toBe(BRIDGE.appId);
  });

  it.each([
    ['an unknown client', { client_id: 'nobody', redirect_uri: REDIRECT, scope: SCOPES }, 'Unknown app'],
    [
      'a redirect off the loopback host',
      { client_id: BRIDGE.clientId, redirect_uri: 'https://evil.example.com/cb', scope: SCOPES },
      'not on a loopback host',
    ],
    ['no scope', { client_id: BRIDGE.clientId, redirect_uri: REDIRECT }, 'Missing scope'],
  ])('answers %s with an error page and no redirect', async (_name, query, text) => {
    const page = await authorize(emulator, query);
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.text).toContain(text);
  });
});

describe('token endpoint', () => {
  it('refuses a code used twice, another redirect URI, or a wrong secret', async () => {
    const first = await authorize(emulator, {
      client_id: BRIDGE.clientId,
      redirect_uri: REDIRECT,
      scope: SCOPES,
    });
    const oauth = sdk(emulator).oauth.tokensApi;
    const wrongRedirect = await apiError(
      oauth.create(
        'authorization_code',
        first.code ?? '',
        'http://localhost:3000/other',
        BRIDGE.clientId,
        BRIDGE.clientSecret,
      ),
    );
    expect(wrongRedirect.code).toBe(400);
    expect(wrongRedirect.body).toMatchObject({ status: 'BAD_REDIRECT_URI', error: 'invalid_grant' });

    const second = await authorize(emulator, {
      client_id: BRIDGE.clientId,
      redirect_uri: REDIRECT,
      scope: SCOPES,
    });
    const wrongSecret = await apiError(
      oauth.create('authorization_code', second.code ?? '', REDIRECT, BRIDGE.clientId, 'nope'),
    );
    expect(wrongSecret.body).toMatchObject({ status: 'BAD_CLIENT_SECRET', error: 'invalid_client' });

    const third = await authorize(emulator, {
      client_id: BRIDGE.clientId,
      redirect_uri: REDIRECT,
      scope: SCOPES,
    });
    await oauth.create(
      'authorization_code',
      third.code ?? '',
      REDIRECT,
      BRIDGE.clientId,
      BRIDGE.clientSecret,
    );
    const replay = await apiError(
      oauth.create('authorization_code', third.code ?? '', REDIRECT, BRIDGE.clientId, BRIDGE.clientSecret),
    );
    expect(replay.code).toBe(400);
    expect(replay.body).toMatchObject({
      status: 'BAD_AUTH_CODE',
      error: 'invalid_grant',
      category: 'VALIDATION_ERROR',
    });
    expect(typeof replay.body.correlationId).toBe('string');
  });

  it('refreshes: a new access token, the same refresh token unless rotation is on', async () => {
    const { tokens } = await install();
    const oauth = sdk(emulator).oauth.tokensApi;
    const refreshed = await oauth.create(
      'refresh_token',
      undefined,
      undefined,
      BRIDGE.clientId,
      BRIDGE.clientSecret,
      tokens.refreshToken,
    );
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.expiresIn).toBe(1800);

    await emulator.control.setRefreshTokenRotation(BRIDGE.appId, true);
    const rotated = await oauth.create(
      'refresh_token',
      undefined,
      undefined,
      BRIDGE.clientId,
      BRIDGE.clientSecret,
      tokens.refreshToken,
    );
    expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
    const stale = await apiError(
      oauth.create(
        'refresh_token',
        undefined,
        undefined,
        BRIDGE.clientId,
        BRIDGE.clientSecret,
        tokens.refreshToken,
      ),
    );
    expect(stale.code).toBe(400);
    expect(stale.body).toMatchObject({
      status: 'BAD_REFRESH_TOKEN',
      error: 'invalid_grant',
      error_description: 'refresh token is invalid, expired or revoked',
    });
    // Access tokens issued before a refresh stay valid until they expire.
    const contacts = await sdk(emulator, tokens.accessToken).crm.contacts.basicApi.getPage();
    expect(contacts.results).toEqual([]);
  });

  it('gives refresh-token info and deletes refresh tokens', async () => {
    const { tokens } = await install();
    const api = sdk(emulator).oauth.refreshTokensApi;
    const info = await api.get(tokens.refreshToken);
    expect(info).toMatchObject({
      token: tokens.refreshToken,
      hubId: emulator.defaultPortalId,
      clientId: BRIDGE.clientId,
      tokenType: 'refresh',
    });
    await api.archive(tokens.refreshToken);
    expect((await apiError(api.get(tokens.refreshToken))).code).toBe(404);
    const refused = await apiError(
      sdk(emulator).oauth.tokensApi.create(
        'refresh_token',
        undefined,
        undefined,
        BRIDGE.clientId,
        BRIDGE.clientSecret,
        tokens.refreshToken,
      ),
    );
    expect(refused.body.status).toBe('BAD_REFRESH_TOKEN');
  });

  it('serves the v3 token, introspect and revoke endpoints', async () => {
    const { tokens } = await install();
    const form = (fields: Record<string, string>) =>
      fetch(`${emulator.baseUrl}/oauth/v3/token/introspect`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: BRIDGE.clientId,
          client_secret: BRIDGE.clientSecret,
          ...fields,
        }),
      }).then((response) => response.json() as Promise<Record<string, unknown>>);
    expect(await form({ token: tokens.accessToken })).toMatchObject({
      active: true,
      hub_id: emulator.defaultPortalId,
      app_id: BRIDGE.appId,
      token_use: 'access',
    });
    const revoke = await fetch(`${emulator.baseUrl}/oauth/v3/token/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: BRIDGE.clientId,
        client_secret: BRIDGE.clientSecret,
        token: tokens.refreshToken,
      }),
    });
    expect(revoke.status).toBe(200);
    expect(await form({ token: tokens.refreshToken })).toEqual({ active: false });
  });
});

describe('access tokens on API calls', () => {
  it('answers 401 EXPIRED_AUTHENTICATION once the token is 1800 s old', async () => {
    const { tokens } = await install();
    const client = sdk(emulator, tokens.accessToken);
    await client.crm.contacts.basicApi.getPage();
    await emulator.control.advanceClock(1801 * 1000);
    const expired = await apiError(client.crm.contacts.basicApi.getPage());
    expect(expired.code).toBe(401);
    expect(expired.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(expired.body.category).toBe('EXPIRED_AUTHENTICATION');
    expect(expired.body.message).toMatch(
      /^The OAuth token used to make this call expired \d+ second\(s\) ago\.$/,
    );
  });

  it('expires tokens on demand and refuses unknown or missing tokens', async () => {
    const { tokens } = await install();
    await emulator.control.expireAccessTokens(BRIDGE.appId);
    expect(
      (await apiError(sdk(emulator, tokens.accessToken).crm.contacts.basicApi.getPage())).body.category,
    ).toBe('EXPIRED_AUTHENTICATION');
    const unknown = await apiError(sdk(emulator, 'not-a-token').crm.contacts.basicApi.getPage());
    expect(unknown.code).toBe(401);
    expect(unknown.body.category).toBe('INVALID_AUTHENTICATION');
    expect((await apiError(sdk(emulator).crm.contacts.basicApi.getPage())).code).toBe(401);
  });

  it('answers 403 MISSING_SCOPES naming the scope the route needs', async () => {
    const { tokens } = await install();
    const denied = await apiError(sdk(emulator, tokens.accessToken).crm.companies.basicApi.getPage());
    expect(denied.code).toBe(403);
    expect(denied.body.category).toBe('MISSING_SCOPES');
    expect(denied.body.errors?.[0]?.context?.requiredGranularScopes).toEqual(['crm.objects.companies.read']);
  });

  it('uninstalling kills refresh and access tokens', async () => {
    const { tokens } = await install();
    await emulator.control.uninstall(BRIDGE.appId, emulator.defaultPortalId);
    expect((await apiError(sdk(emulator, tokens.accessToken).crm.contacts.basicApi.getPage())).code).toBe(
      401,
    );
    const refused = await apiError(
      sdk(emulator).oauth.tokensApi.create(
        'refresh_token',
        undefined,
        undefined,
        BRIDGE.clientId,
        BRIDGE.clientSecret,
        tokens.refreshToken,
      ),
    );
    expect(refused.body.status).toBe('BAD_REFRESH_TOKEN');
    expect((await emulator.control.portal(emulator.defaultPortalId)).installedAppIds).not.toContain(
      BRIDGE.appId,
    );
  });
});
