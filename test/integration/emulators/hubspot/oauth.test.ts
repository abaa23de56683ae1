import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { V1_OAUTH_SUNSET_MS } from '../../../emulators/hubspot/settings';
import { apiError, authorize, BRIDGE, sdk, startEmulator } from './support';

const REDIRECT = 'http://localhost:3000/oauth/hubspot/callback';
const SCOPES = 'oauth crm.objects.contacts.read crm.objects.contacts.write';

let emulator: HubSpotEmulator;

beforeAll(async () => {
  // Most of these tests go through the SDK, which wraps only v1: they describe v1 as served before its sunset.
  emulator = await startEmulator({ settings: { oauth: { v1SunsetAtMs: Date.UTC(2100, 0, 1) } } });
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

describe('the v1 sunset (2027-02-16)', () => {
  const v3 = (path: string, fields: Record<string, string>) =>
    fetch(`${emulator.baseUrl}/oauth/v3/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: BRIDGE.clientId,
        client_secret: BRIDGE.clientSecret,
        ...fields,
      }),
    });
  const v1Refresh = (refreshToken: string) =>
    apiError(
      sdk(emulator).oauth.tokensApi.create(
        'refresh_token',
        undefined,
        undefined,
        BRIDGE.clientId,
        BRIDGE.clientSecret,
        refreshToken,
      ),
    );

  it('refuses every v1 endpoint with 410 once the emulator clock passes the sunset; v3 goes on', async () => {
    const { tokens } = await install();
    await emulator.control.updateSettings({ oauth: { v1SunsetAtMs: V1_OAUTH_SUNSET_MS } });
    await emulator.control.setClock(V1_OAUTH_SUNSET_MS - 60_000);
    await expect(
      sdk(emulator).oauth.tokensApi.create(
        'refresh_token',
        undefined,
        undefined,
        BRIDGE.clientId,
        BRIDGE.clientSecret,
        tokens.refreshToken,
      ),
    ).resolves.toMatchObject({ refreshToken: tokens.refreshToken });

    await emulator.control.setClock(V1_OAUTH_SUNSET_MS);
    const refused = await v1Refresh(tokens.refreshToken);
    expect(refused.code).toBe(410);
    expect(refused.body).toMatchObject({ category: 'GONE' });
    expect(refused.body.message).toContain('/oauth/v3/token');
    expect((await apiError(sdk(emulator).oauth.accessTokensApi.get(tokens.accessToken))).code).toBe(410);
    expect((await apiError(sdk(emulator).oauth.refreshTokensApi.get(tokens.refreshToken))).code).toBe(410);
    expect((await apiError(sdk(emulator).oauth.refreshTokensApi.archive(tokens.refreshToken))).code).toBe(
      410,
    );

    const refreshed = await v3('token', { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(1800);
    const introspected = await v3('token/introspect', { token: body.access_token });
    expect(await introspected.json()).toMatchObject({ active: true, token_use: 'access' });
  });

  it('refuses v1 now when asked, whatever the clock says', async () => {
    const { tokens } = await install();
    await emulator.control.updateSettings({ oauth: { refuseV1Now: true } });
    expect((await v1Refresh(tokens.refreshToken)).code).toBe(410);
    await emulator.control.updateSettings({ oauth: { refuseV1Now: false } });
    expect(
      await sdk(emulator).oauth.tokensApi.create(
        'refresh_token',
        undefined,
        undefined,
        BRIDGE.clientId,
        BRIDGE.clientSecret,
        tokens.refreshToken,
      ),
    ).toMatchObject({ refreshToken: tokens.refreshToken });
  });

  it('exchanges codes and revokes refresh tokens on v3, credentials in the form body', async () => {
    const approved = await authorize(emulator, {
      client_id: BRIDGE.clientId,
      redirect_uri: REDIRECT,
      scope: SCOPES,
    });
    await emulator.control.updateSettings({ oauth: { refuseV1Now: true } });
    const exchanged = await v3('token', {
      grant_type: 'authorization_code',
      code: approved.code ?? '',
      redirect_uri: REDIRECT,
    });
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      expires_in: 1800,
      hub_id: emulator.defaultPortalId,
    });
    const refreshToken = String(tokens.refresh_token);
    expect(await (await v3('token/introspect', { token: refreshToken })).json()).toMatchObject({
      active: true,
      token_use: 'refresh',
      hub_id: emulator.defaultPortalId,
      app_id: BRIDGE.appId,
    });
    const wrongSecret = await v3('token/introspect', { token: refreshToken, client_secret: 'nope' });
    expect(wrongSecret.status).toBe(400);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
    expect((await v3('token/revoke', { token: refreshToken, token_type_hint: 'refresh_token' })).status).toBe(
      200,
    );
    expect(await (await v3('token/introspect', { token: refreshToken })).json()).toEqual({ active: false });
    const refused = await v3('token', { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant', status: 'BAD_REFRESH_TOKEN' });
  });

  it('refuses a refresh once with invalid_grant as a fault, while the refresh token stays active', async () => {
    const { tokens } = await install();
    await emulator.control.addFault({ match: 'POST /oauth/v3/token', kind: 'invalid_grant' });
    const refresh = () => v3('token', { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
    const refused = await refresh();
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      status: 'BAD_REFRESH_TOKEN',
      error: 'invalid_grant',
      category: 'VALIDATION_ERROR',
    });
    expect(await (await v3('token/introspect', { token: tokens.refreshToken })).json()).toMatchObject({
      active: true,
    });
    expect((await refresh()).status).toBe(200);
  });

  it('hangs the v3 token endpoint while a fault is armed, and answers once it is cleared', async () => {
    const { tokens } = await install();
    await emulator.control.addFault({ match: 'POST /oauth/v3/token', kind: 'hang', times: 100 });
    const refresh = () =>
      fetch(`${emulator.baseUrl}/oauth/v3/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens.refreshToken,
          client_id: BRIDGE.clientId,
          client_secret: BRIDGE.clientSecret,
        }),
        signal: AbortSignal.timeout(300),
      });
    await expect(refresh()).rejects.toThrow();
    await expect(refresh()).rejects.toThrow();
    await emulator.control.clearFaults();
    expect((await refresh()).status).toBe(200);
  });
});
