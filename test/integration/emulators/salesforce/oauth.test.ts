import { createHmac } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import type { SalesforceEmulator } from '../../../emulators/salesforce';
import { startSalesforceEmulator } from '../../../emulators/salesforce';
import {
  API_VERSION,
  REDIRECT_URI,
  authorizationCode,
  authorizeRedirect,
  bridgeConnection,
  login,
  oauth2For,
  rejection,
} from './support';

let emulator: SalesforceEmulator;

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ clientId: 'cid-test', clientSecret: 'secret-test' });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.reset());

async function tokenExchange(
  code: string,
  redirectUri = REDIRECT_URI,
  loginUrl = emulator.baseUrl,
): Promise<Response> {
  return fetch(`${loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: 'cid-test',
      client_secret: 'secret-test',
      redirect_uri: redirectUri,
    }).toString(),
  });
}

describe('authorize', () => {
  it('approves at once: 302 to the redirect URI with code and state', async () => {
    const url = oauth2For(emulator).getAuthorizationUrl({ scope: 'api refresh_token', state: 'xyz' });
    const { status, location } = await authorizeRedirect(url);
    expect(status).toBe(302);
    expect(`${location?.origin}${location?.pathname}`).toBe(REDIRECT_URI);
    expect(location?.searchParams.get('state')).toBe('xyz');
    expect(location?.searchParams.get('code')).toMatch(/^aPrx.+==$/);
  });

  it('refuses an unknown client or a redirect URI off the loopback host with a page, not a redirect', async () => {
    const unknown = new OAuth2({
      loginUrl: emulator.baseUrl,
      clientId: 'nope',
      clientSecret: 'x',
      redirectUri: REDIRECT_URI,
    });
    const first = await authorizeRedirect(unknown.getAuthorizationUrl({ state: 's' }));
    expect(first.status).toBe(400);
    expect(first.location).toBeNull();
    expect(first.body).toContain('invalid_client_id');

    const remote = oauth2For(emulator, { redirectUri: 'https://evil.example.com/cb' });
    const second = await authorizeRedirect(remote.getAuthorizationUrl({ state: 's' }));
    expect(second.status).toBe(400);
    expect(second.location).toBeNull();
    expect(second.body).toContain('redirect_uri_mismatch');

    const ipv6 = oauth2For(emulator, { redirectUri: 'http://[::1]:8080/cb' });
    expect((await authorizeRedirect(ipv6.getAuthorizationUrl({ state: 's' }))).status).toBe(302);
  });

  it('reports a denial injected as a fault back to the redirect URI', async () => {
    await emulator.control.addFault({ kind: 'access_denied', route: '/services/oauth2/authorize' });
    const { location } = await authorizeRedirect(oauth2For(emulator).getAuthorizationUrl({ state: 'st' }));
    expect(location?.searchParams.get('error')).toBe('access_denied');
    expect(location?.searchParams.get('error_description')).toBe('end-user denied authorization');
    expect(location?.searchParams.get('state')).toBe('st');
    expect(
      (
        await authorizeRedirect(oauth2For(emulator).getAuthorizationUrl({ state: 'st' }))
      ).location?.searchParams.get('code'),
    ).toBeTruthy();
  });
});

describe('token exchange', () => {
  it('answers with the real fields and a valid signature', async () => {
    const code = await authorizationCode(oauth2For(emulator));
    const response = await tokenExchange(code);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    const body = (await response.json()) as Record<string, string>;
    const org = await emulator.control.getOrg();
    const admin = org.users.find((u) => u.role === 'admin');
    expect(body.access_token?.startsWith(`${org.id.slice(0, 15)}!`)).toBe(true);
    expect(body.refresh_token).toMatch(/^5Aep861/);
    expect(body.instance_url).toBe(emulator.baseUrl);
    expect(body.id).toBe(`${emulator.baseUrl}/id/${org.id}/${admin?.id ?? ''}`);
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('api refresh_token id');
    expect(body.issued_at).toMatch(/^\d{13}$/);
    expect(body).not.toHaveProperty('expires_in');
    const expected = createHmac('sha256', 'secret-test')
      .update(`${body.id}${body.issued_at}`)
      .digest('base64');
    expect(body.signature).toBe(expected);
  });

  it('requires the same redirect_uri, a fresh single-use code and the right secret', async () => {
    const code = await authorizationCode(oauth2For(emulator));
    const mismatch = await rejection(
      oauth2For(emulator, { redirectUri: 'http://localhost:9999/other' }).requestToken(code),
    );
    expect(mismatch.name).toBe('redirect_uri_mismatch');
    // The code was consumed by the failed attempt, as a real authorization server does.
    expect((await rejection(oauth2For(emulator).requestToken(code))).name).toBe('invalid_grant');

    const again = await authorizationCode(oauth2For(emulator));
    await oauth2For(emulator).requestToken(again);
    const reused = await rejection(oauth2For(emulator).requestToken(again));
    expect(reused.name).toBe('invalid_grant');
    expect(reused.message).toBe('invalid authorization code');

    const wrongSecret = new OAuth2({
      loginUrl: emulator.baseUrl,
      clientId: 'cid-test',
      clientSecret: 'bad',
      redirectUri: REDIRECT_URI,
    });
    const code3 = await authorizationCode(oauth2For(emulator));
    expect((await rejection(wrongSecret.requestToken(code3))).name).toBe('invalid_client');
  });

  it('expires authorization codes after 15 minutes', async () => {
    const code = await authorizationCode(oauth2For(emulator));
    await emulator.control.advanceClock(15 * 60 * 1000 + 1000);
    const error = await rejection(oauth2For(emulator).requestToken(code));
    expect(error.name).toBe('invalid_grant');
    expect(error.message).toBe('expired authorization code');
  });

  it('checks the PKCE verifier when a code challenge was sent', async () => {
    const withVerifier = new OAuth2({
      loginUrl: emulator.baseUrl,
      clientId: 'cid-test',
      clientSecret: 'secret-test',
      redirectUri: REDIRECT_URI,
      useVerifier: true,
    });
    const code = await authorizationCode(withVerifier);
    const tokens = await withVerifier.requestToken(code);
    expect(tokens.access_token).toBeTruthy();
    const other = new OAuth2({
      loginUrl: emulator.baseUrl,
      clientId: 'cid-test',
      clientSecret: 'secret-test',
      redirectUri: REDIRECT_URI,
      useVerifier: true,
    });
    const code2 = await authorizationCode(withVerifier);
    expect((await rejection(other.requestToken(code2))).message).toBe('invalid code verifier');
    // A code issued for a challenge is refused without any verifier too.
    const code3 = await authorizationCode(withVerifier);
    const missing = await rejection(oauth2For(emulator).requestToken(code3));
    expect(missing).toMatchObject({ name: 'invalid_grant', message: 'invalid code verifier' });
  });

  it('issues no refresh token without the refresh_token scope, and such a session cannot use REST without api', async () => {
    const oauth2 = oauth2For(emulator);
    const code = await authorizationCode(oauth2, { scope: 'id' });
    const tokens = await oauth2.requestToken(code);
    expect(tokens.refresh_token).toBeUndefined();
    const conn = new Connection({
      instanceUrl: tokens.instance_url,
      accessToken: tokens.access_token,
      version: API_VERSION,
    });
    const error = await rejection(conn.query('SELECT Id FROM Contact'));
    expect(error.errorCode).toBe('INVALID_SESSION_ID');
    expect(error.message).toBe('This session is not valid for use with the REST API');
  });
});

describe('users, orgs and login hosts', () => {
  it('logs in as the admin by default and as another user with login_hint', async () => {
    const admin = await login(emulator);
    expect((await admin.conn.identity()).username).toBe('admin@default.example');
    const rep = await login(emulator, { username: 'rep@sandbox.example' });
    const identity = await rep.conn.identity();
    expect(identity.username).toBe('rep@sandbox.example');
    const created = await rep.conn.sobject('Contact').create({ LastName: 'Written by the rep' });
    const record = await admin.conn.sobject('Contact').retrieve(created.id as string);
    expect(record.LastModifiedById).toBe(identity.user_id);
    expect(record.CreatedById).toBe(identity.user_id);
  });

  it('serves the sandbox login host under /sandbox, reaching sandbox orgs only', async () => {
    const sandbox = await login(emulator, { sandbox: true });
    const identity = await sandbox.conn.identity();
    expect(identity.username).toBe('admin@uat.example');
    expect(identity.id).toContain(`${emulator.baseUrl}/sandbox/id/`);
    expect(sandbox.conn.instanceUrl).toBe(emulator.baseUrl);

    const wrongHost = await authorizeRedirect(
      oauth2For(emulator, { sandbox: true }).getAuthorizationUrl({ login_hint: 'rep@sandbox.example' }),
    );
    expect(wrongHost.status).toBe(400);
    const wrongHost2 = await authorizeRedirect(
      oauth2For(emulator).getAuthorizationUrl({ login_hint: 'admin@uat.example' }),
    );
    expect(wrongHost2.status).toBe(400);

    // A code from the sandbox host is no good at the production host.
    const code = await authorizationCode(oauth2For(emulator, { sandbox: true }));
    expect((await tokenExchange(code)).status).toBe(400);
  });

  it('creates orgs whose users log in by login_hint, isolated from each other', async () => {
    const org = await emulator.control.createOrg({ name: 'acme', kind: 'production' });
    expect(org.users.map((u) => u.username).sort()).toEqual(['admin@acme.example', 'rep@acme.example']);
    const acme = await login(emulator, { username: 'admin@acme.example' });
    const other = await login(emulator);
    await acme.conn.sobject('Account').create({ Name: 'Only in acme' });
    expect((await acme.conn.query('SELECT Id FROM Account')).totalSize).toBe(1);
    expect((await other.conn.query('SELECT Id FROM Account')).totalSize).toBe(0);
    expect((await acme.conn.identity()).organization_id).toBe(org.id);

    const sandboxOrg = await emulator.control.createOrg({ name: 'staging', kind: 'sandbox' });
    const staging = await login(emulator, { username: 'rep@staging.example', sandbox: true });
    expect((await staging.conn.identity()).organization_id).toBe(sandboxOrg.id);
  });

  it('refuses a deactivated user', async () => {
    const rep = await login(emulator, { username: 'rep@sandbox.example' });
    await emulator.control.setUserActive('rep@sandbox.example', false);
    const error = await rejection(rep.conn.query('SELECT Id FROM Lead'));
    expect(error.message).toMatch(/Unable to refresh session due to: inactive user/);
    const { location } = await authorizeRedirect(
      oauth2For(emulator).getAuthorizationUrl({ login_hint: 'rep@sandbox.example', state: 'q' }),
    );
    expect(location?.searchParams.get('error')).toBe('access_denied');
  });
});

describe('sessions and refresh', () => {
  it('answers 401 INVALID_SESSION_ID for an expired token and jsforce refreshes and replays', async () => {
    const { conn, tokens } = await login(emulator);
    await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' });
    expect(await emulator.control.expireAccessTokens()).toBe(1);
    const raw = await fetch(`${emulator.baseUrl}/services/data/v62.0/limits`, {
      headers: { Authorization: `Bearer ${conn.accessToken as string}` },
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);

    const refreshed = jest.fn();
    conn.on('refresh', refreshed);
    const result = await conn.query('SELECT Id FROM Lead');
    expect(result.totalSize).toBe(1);
    expect(refreshed).toHaveBeenCalledTimes(1);
    expect(tokens.refreshes).toBe(1);
  });

  it('hangs the token endpoint while a fault is armed, and refreshes once it is cleared', async () => {
    const { tokens } = await login(emulator);
    await emulator.control.addFault({ kind: 'hang', route: '/services/oauth2/token', times: 100 });
    const refresh = () =>
      fetch(`${emulator.baseUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens.refreshToken ?? '',
          client_id: 'cid-test',
          client_secret: 'secret-test',
        }).toString(),
        signal: AbortSignal.timeout(300),
      });
    await expect(refresh()).rejects.toThrow();
    await expect(refresh()).rejects.toThrow();
    await emulator.control.clearFaults();
    const answered = await refresh();
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ token_type: 'Bearer' });
  });

  it('ends sessions after two hours of inactivity (the org session timeout)', async () => {
    const { conn, tokens } = await login(emulator);
    await conn.query('SELECT Id FROM Lead');
    await emulator.control.advanceClock(119 * 60 * 1000);
    await conn.query('SELECT Id FROM Lead');
    expect(tokens.refreshes).toBe(0);
    await emulator.control.advanceClock(121 * 60 * 1000);
    await conn.query('SELECT Id FROM Lead');
    expect(tokens.refreshes).toBe(1);
  });

  it('rotates refresh tokens when asked: the bridge keeps the new one, jsforce alone loses it', async () => {
    await emulator.control.setRefreshTokenRotation(true);
    const bridge = await login(emulator);
    const first = bridge.tokens.refreshToken;
    for (let round = 1; round <= 3; round++) {
      await emulator.control.expireAccessTokens();
      await bridge.conn.query('SELECT Id FROM Contact');
      expect(bridge.tokens.refreshes).toBe(round);
    }
    expect(bridge.tokens.refreshToken).not.toBe(first);
    expect((await rejection(bridge.oauth2.refreshToken(first as string))).name).toBe('invalid_grant');

    // jsforce's built-in refresh keeps using the first refresh token: the second refresh fails.
    const oauth2 = oauth2For(emulator);
    const plain = new Connection({ oauth2, version: API_VERSION });
    await plain.authorize(await authorizationCode(oauth2));
    await emulator.control.expireAccessTokens();
    await plain.query('SELECT Id FROM Contact');
    await emulator.control.expireAccessTokens();
    const error = await rejection(plain.query('SELECT Id FROM Contact'));
    expect(error.message).toBe('Unable to refresh session due to: expired access/refresh token');
  });

  it('revokes refresh tokens (and their sessions) on command', async () => {
    const { conn, oauth2, tokens } = await login(emulator);
    expect(await emulator.control.revokeRefreshTokens()).toBe(1);
    const error = await rejection(conn.query('SELECT Id FROM Contact'));
    expect(error.message).toBe('Unable to refresh session due to: expired access/refresh token');
    const direct = await rejection(oauth2.refreshToken(tokens.refreshToken as string));
    expect(direct.name).toBe('invalid_grant');
    expect(direct.message).toBe('expired access/refresh token');
  });

  it('can revoke refresh tokens while sessions live on', async () => {
    const { conn, oauth2, tokens } = await login(emulator);
    await emulator.control.revokeRefreshTokens({ keepAccessTokens: true });
    expect((await conn.query('SELECT Id FROM Contact')).done).toBe(true);
    expect((await rejection(oauth2.refreshToken(tokens.refreshToken as string))).name).toBe('invalid_grant');
  });

  it('keeps at most five refresh tokens per user and app', async () => {
    const first = await login(emulator);
    for (let n = 0; n < 5; n++) await login(emulator);
    const grants = await emulator.control.listGrants();
    expect(grants.refreshTokens).toHaveLength(5);
    expect((await rejection(first.oauth2.refreshToken(first.tokens.refreshToken as string))).name).toBe(
      'invalid_grant',
    );
  });

  it('revokes through /services/oauth2/revoke (jsforce logout)', async () => {
    const { conn, oauth2, tokens } = await login(emulator);
    const refreshToken = tokens.refreshToken as string;
    await conn.logout(true);
    expect((await rejection(oauth2.refreshToken(refreshToken))).name).toBe('invalid_grant');

    const second = await login(emulator);
    const accessToken = second.conn.accessToken as string;
    await second.conn.logout();
    const stale = new Connection({ instanceUrl: emulator.baseUrl, accessToken, version: API_VERSION });
    expect((await rejection(stale.query('SELECT Id FROM Contact'))).errorCode).toBe('INVALID_SESSION_ID');

    const unknown = await rejection(oauth2.revokeToken('not-a-token'));
    expect(unknown.name).toBe('invalid_token');
  });

  it('serves the identity URL only for a live token of that org', async () => {
    const { conn } = await login(emulator);
    const identity = await conn.identity();
    expect(identity.organization_id).toMatch(/^00D\w{15}$/);
    await emulator.control.expireAccessTokens();
    const response = await fetch(`${identity.id}?format=json`, {
      headers: { Authorization: `Bearer ${conn.accessToken as string}` },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('Bad_OAuth_Token');
  });

  it('supports a Connection built from stored tokens with the bridge refreshFn', async () => {
    const { conn, oauth2, tokens } = await login(emulator);
    const restored = bridgeConnection(oauth2, {
      instanceUrl: conn.instanceUrl,
      accessToken: 'stale-token',
      refreshToken: tokens.refreshToken as string,
    });
    expect((await restored.conn.query('SELECT COUNT() FROM Contact')).totalSize).toBe(0);
    expect(restored.tokens.refreshes).toBe(1);
  });
});
