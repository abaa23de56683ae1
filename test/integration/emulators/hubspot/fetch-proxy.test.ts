import { Signature } from '@hubspot/api-client';
import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { BRIDGE, startEmulator, startReceiver, type ReceivedRequest, type Receiver } from './support';

// HubSpot's verification guide: decode these escapes in the URL before computing the v3 signature.
const DECODE: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
const decoded = (url: string) =>
  url.replace(
    /%3A|%2F|%3F|%40|%21|%24|%27|%28|%29|%2A|%2C|%3B/gi,
    (match) => DECODE[match.toUpperCase()] ?? match,
  );

function verifyV3(request: ReceivedRequest): boolean {
  return Signature.isValid({
    signature: String(request.headers['x-hubspot-signature-v3']),
    clientSecret: BRIDGE.clientSecret,
    requestBody: request.body,
    url: decoded(request.url),
    method: request.method,
    signatureVersion: 'v3',
    timestamp: Number(request.headers['x-hubspot-request-timestamp']),
  });
}

let emulator: HubSpotEmulator;
let backend: Receiver;
let portalId: number;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  portalId = emulator.defaultPortalId;
});
afterEach(() => backend?.close());

describe('hubspot.fetch proxy', () => {
  it('signs a GET as HubSpot does and appends userId, portalId, userEmail and appId', async () => {
    backend = await startReceiver(() => ({ status: 200, body: { state: 'synced' } }), '/api/sync-status');
    const rep = (await emulator.control.portal(portalId)).users[1];
    const response = await emulator.control.hubspotFetch({
      url: `${backend.url}?objectId=123`,
      method: 'GET',
      portalId,
      user: rep?.email,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ state: 'synced' });
    const request = backend.requests[0] as ReceivedRequest;
    const query = new URL(request.url).searchParams;
    expect(Object.fromEntries(query)).toEqual({
      objectId: '123',
      userId: String(rep?.userId),
      portalId: String(portalId),
      userEmail: rep?.email,
      appId: String(BRIDGE.appId),
    });
    expect(request.body).toBe('');
    expect(verifyV3(request)).toBe(true);
    expect(request.headers['x-hubspot-signature-version']).toBe('v2');
  });

  it('sends a JSON body, passes the Authorization header, and signs v2 over the body too', async () => {
    backend = await startReceiver(() => ({ status: 202, body: { queued: true } }), '/api/resync');
    const response = await emulator.control.hubspotFetch({
      url: backend.url,
      method: 'POST',
      body: { objectId: 123, note: 'ünïcode' },
      headers: { Authorization: 'Bearer card-token' },
    });
    expect(response.status).toBe(202);
    const request = backend.requests[0] as ReceivedRequest;
    expect(request.body).toBe(JSON.stringify({ objectId: 123, note: 'ünïcode' }));
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBe('Bearer card-token');
    expect(verifyV3(request)).toBe(true);
    expect(
      Signature.isValid({
        signature: String(request.headers['x-hubspot-signature']),
        clientSecret: BRIDGE.clientSecret,
        requestBody: request.body,
        url: request.url,
        method: 'POST',
        signatureVersion: 'v2',
      }),
    ).toBe(true);
  });

  it('refuses headers other than Authorization', async () => {
    backend = await startReceiver();
    const response = await emulator.control.hubspotFetch({ url: backend.url, headers: { 'X-Custom': '1' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(
      "Only 'Authorization' header is allowed",
    );
    expect(backend.requests).toHaveLength(0);
  });

  it('passes 4xx through, retries a 5xx once, and refuses to follow redirects', async () => {
    backend = await startReceiver((_request, index) =>
      index === 0
        ? { status: 404, body: { error: 'gone' } }
        : index === 1
          ? { status: 500 }
          : { status: 200, body: { ok: true } },
    );
    const notFound = await emulator.control.hubspotFetch({ url: backend.url });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: 'gone' });
    const retried = await emulator.control.hubspotFetch({ url: backend.url });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-hubspot-proxy-attempts')).toBe('2');
    expect(backend.requests).toHaveLength(3);
    // Each attempt is signed afresh.
    expect(backend.requests.slice(1).every(verifyV3)).toBe(true);
    await backend.close();
    backend = await startReceiver(() => ({ status: 302, body: {} }));
    const redirected = await emulator.control.hubspotFetch({ url: backend.url });
    expect(redirected.status).toBe(502);
    expect(((await redirected.json()) as { category: string }).category).toBe('BAD_GATEWAY');
  });

  it('can leave the URL alone, as the CLI dev proxy does', async () => {
    backend = await startReceiver();
    await emulator.control.updateSettings({ fetchProxy: { appendIdentity: false } });
    await emulator.control.hubspotFetch({ url: `${backend.url}?x=1` });
    expect(new URL((backend.requests[0] as ReceivedRequest).url).search).toBe('?x=1');
  });
});
