import {
  exchangeHubSpotCode,
  getHubSpotTokenInfo,
  HubSpotOAuthError,
  introspectHubSpotToken,
  refreshHubSpotTokens,
  revokeHubSpotToken,
  type HubSpotOAuthApp,
} from '../../../src/connectors/hubspot/oauth';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import { authorize, BRIDGE, startEmulator } from '../emulators/hubspot/support';

const REDIRECT = 'http://127.0.0.1:3000/oauth/hubspot/callback';

let emulator: HubSpotEmulator;
let app: HubSpotOAuthApp;

beforeAll(async () => {
  emulator = await startEmulator();
  app = {
    clientId: BRIDGE.clientId,
    clientSecret: BRIDGE.clientSecret,
    apiBaseUrl: emulator.baseUrl,
    authorizeUrl: `${emulator.baseUrl}/oauth/authorize`,
    redirectUri: REDIRECT,
    timeoutMs: 500,
  };
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  // HubSpot sunsets v1 on 2027-02-16: the client must not need it.
  await emulator.control.updateSettings({ oauth: { refuseV1Now: true } });
});

async function installed() {
  const approved = await authorize(emulator, {
    client_id: BRIDGE.clientId,
    redirect_uri: REDIRECT,
    scope: 'oauth crm.objects.contacts.read',
  });
  return exchangeHubSpotCode(app, approved.code ?? '');
}

async function failure(promise: Promise<unknown>): Promise<HubSpotOAuthError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof HubSpotOAuthError))
    throw new Error(`expected a HubSpotOAuthError, got ${String(error)}`);
  return error;
}

describe('the HubSpot OAuth v3 client', () => {
  it('exchanges a code, reads who the token belongs to, refreshes, and revokes', async () => {
    const tokens = await installed();
    expect(tokens.expiresInSeconds).toBe(1800);
    expect(await getHubSpotTokenInfo(app, tokens.accessToken)).toEqual({
      portalId: String(emulator.defaultPortalId),
      appId: String(BRIDGE.appId),
      userId: expect.stringMatching(/^\d+$/),
      userEmail: `admin@portal${emulator.defaultPortalId}.example.com`,
      hubDomain: `portal${emulator.defaultPortalId}.example.com`,
      scopes: ['oauth', 'crm.objects.contacts.read'],
    });
    const refreshed = await refreshHubSpotTokens(app, tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(await introspectHubSpotToken(app, tokens.refreshToken, 'refresh_token')).toMatchObject({
      active: true,
      tokenUse: 'refresh',
    });
    await revokeHubSpotToken(app, tokens.refreshToken, 'refresh_token');
    expect(await introspectHubSpotToken(app, tokens.refreshToken, 'refresh_token')).toEqual({
      active: false,
    });
    const refused = await failure(refreshHubSpotTokens(app, tokens.refreshToken));
    expect(refused.code).toBe('invalid_grant');
    expect(refused.retryable).toBe(false);
  });

  it('maps a wrong secret, a used code and a 5xx, and says nothing of the credentials', async () => {
    const tokens = await installed();
    const wrongSecret = await failure(
      refreshHubSpotTokens({ ...app, clientSecret: 'not-it-123' }, tokens.refreshToken),
    );
    expect(wrongSecret.code).toBe('invalid_client');
    expect(wrongSecret.message).not.toContain('not-it-123');
    expect(wrongSecret.message).not.toContain(tokens.refreshToken);

    const approved = await authorize(emulator, {
      client_id: BRIDGE.clientId,
      redirect_uri: REDIRECT,
      scope: 'oauth',
    });
    await exchangeHubSpotCode(app, approved.code ?? '');
    expect((await failure(exchangeHubSpotCode(app, approved.code ?? ''))).code).toBe('invalid_grant');

    await emulator.control.addFault({ match: 'POST /oauth/v3/token', kind: '503' });
    const unavailable = await failure(refreshHubSpotTokens(app, tokens.refreshToken));
    expect(unavailable).toMatchObject({ code: 'unavailable', retryable: true });
  });

  it('gives up on a token endpoint that does not answer, and works again once it does', async () => {
    const tokens = await installed();
    await emulator.control.addFault({ match: '/oauth/v3/*', kind: 'hang', times: 2 });
    const hung = await failure(refreshHubSpotTokens(app, tokens.refreshToken));
    expect(hung).toMatchObject({ code: 'unavailable', retryable: true });
    // The call's own timeout ended it (no wall-clock bound: a loaded machine stretches any).
    expect(hung.message).toContain('no answer within 500 ms');
    expect((await failure(introspectHubSpotToken(app, tokens.accessToken, 'access_token'))).code).toBe(
      'unavailable',
    );
    await expect(refreshHubSpotTokens(app, tokens.refreshToken)).resolves.toMatchObject({
      refreshToken: tokens.refreshToken,
    });
  });
});
