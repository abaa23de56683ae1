import { Client } from '@hubspot/api-client';
import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { apiError, BRIDGE, sdk, startEmulator } from './support';

const START_MS = 1_767_225_600_000;
let nowMs = START_MS;

let emulator: HubSpotEmulator;
let token: string;
let client: Client;
let portalId: number;

beforeAll(async () => {
  emulator = await startEmulator({ clock: { nowMs: () => nowMs } });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  nowMs = START_MS;
  await emulator.control.reset();
  portalId = emulator.defaultPortalId;
  token = (await emulator.control.issueToken(portalId)).accessToken;
  client = sdk(emulator, token);
});

describe('rate limits', () => {
  it('counts down X-HubSpot-RateLimit-* headers and answers the real ten-secondly 429 when the window is spent', async () => {
    await emulator.control.updateSettings({ rateLimits: { maxPerInterval: 3 } });
    const remaining: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const info = await client.crm.contacts.basicApi.getPageWithHttpInfo();
      expect(info.headers['x-hubspot-ratelimit-max']).toBe('3');
      expect(info.headers['x-hubspot-ratelimit-interval-milliseconds']).toBe('10000');
      remaining.push(info.headers['x-hubspot-ratelimit-remaining'] ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await apiError(client.crm.contacts.basicApi.getPage());
    expect(limited.code).toBe(429);
    expect(limited.body).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      category: 'RATE_LIMITS',
    });
    expect(limited.headers['x-hubspot-ratelimit-remaining']).toBe('0');
    nowMs += 10_001;
    await client.crm.contacts.basicApi.getPage();
  });

  it('limits search per second with the secondly message and no rate-limit headers', async () => {
    await emulator.control.updateSettings({ rateLimits: { searchPerSecond: 2 } });
    const search = () =>
      client.crm.contacts.searchApi.doSearchWithHttpInfo({
        filterGroups: [],
        sorts: [],
        properties: [],
        limit: 1,
        after: '0',
      });
    const first = await search();
    expect(first.headers).not.toHaveProperty('x-hubspot-ratelimit-remaining');
    await search();
    const limited = await apiError(search());
    expect(limited.code).toBe(429);
    expect(limited.body).toMatchObject({
      message: 'You have reached your secondly limit.',
      policyName: 'SECONDLY',
    });
    nowMs += 1001;
    await search();
  });

  it('keeps one window per portal and app, with per-portal overrides', async () => {
    await emulator.control.updateSettings({ rateLimits: { maxPerInterval: 1 } });
    await client.crm.contacts.basicApi.getPage();
    expect((await apiError(client.crm.contacts.basicApi.getPage())).code).toBe(429);
    const other = await emulator.control.issueToken(portalId, { clientId: 'other-integration' });
    await sdk(emulator, other.accessToken).crm.contacts.basicApi.getPage();
    await emulator.control.createPortal(4242);
    await emulator.control.setPortalRateLimits(4242, { maxPerInterval: 5 });
    const elsewhere = sdk(emulator, (await emulator.control.issueToken(4242)).accessToken);
    const info = await elsewhere.crm.contacts.basicApi.getPageWithHttpInfo();
    expect(info.headers['x-hubspot-ratelimit-remaining']).toBe('4');
  });
});

describe('faults', () => {
  it('answers the next N matching calls with the injected status, then recovers', async () => {
    await emulator.control.addFault({ match: 'GET /crm/v3/objects/contacts', kind: '503', times: 2 });
    await emulator.control.addFault({ match: 'POST /crm/v3/objects/*/batch/*', kind: '429' });
    const first = await apiError(client.crm.contacts.basicApi.getPage());
    expect(first.code).toBe(503);
    expect(first.headers['content-type']).toBe('application/json;charset=utf-8');
    expect((await apiError(client.crm.contacts.basicApi.getPage())).code).toBe(503);
    await client.crm.contacts.basicApi.getPage();
    const limited = await apiError(
      client.crm.companies.batchApi.read({
        inputs: [{ id: '1' }],
        properties: [],
        propertiesWithHistory: [],
      }),
    );
    expect(limited.body.policyName).toBe('TEN_SECONDLY_ROLLING');
    const faults = (await emulator.control.faults()).results;
    expect(faults.map((fault) => [fault.kind, fault.remaining, fault.hits])).toEqual([
      ['503', 0, 2],
      ['429', 0, 1],
    ]);
  });

  it('answers 423 Locked and 477 Migration in Progress (with Retry-After) as the SDK sees them', async () => {
    await emulator.control.addFault({ match: 'POST /crm/v3/objects/contacts/batch/update', kind: '423' });
    await emulator.control.addFault({
      match: 'POST /crm/v3/objects/contacts/batch/upsert',
      kind: '477',
      retryAfterSeconds: 90,
    });
    const locked = await apiError(
      client.crm.contacts.batchApi.update({ inputs: [{ id: '1', properties: { firstname: 'A' } }] }),
    );
    expect(locked.code).toBe(423);
    expect(locked.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(locked.body).toMatchObject({ status: 'error', category: 'LOCKED' });
    const migrating = await apiError(
      client.crm.contacts.batchApi.upsert({
        inputs: [{ idProperty: 'email', id: 'a@b.com', properties: { firstname: 'A' } }],
      }),
    );
    expect(migrating.code).toBe(477);
    expect(migrating.headers['retry-after']).toBe('90');
    expect(migrating.body).toMatchObject({ status: 'error', category: 'MIGRATION_IN_PROGRESS' });
    // Each fault was for one call: the next ones go through.
    const upserted = await client.crm.contacts.batchApi.upsert({
      inputs: [{ idProperty: 'email', id: 'a@b.com', properties: { firstname: 'A' } }],
    });
    expect(upserted.results).toHaveLength(1);
  });

  it('matches by path, portal and app; a 500 can come as an HTML page', async () => {
    await emulator.control.addFault({
      match: '/crm/v3/objects/deals/*',
      kind: '500',
      body: 'html',
      appId: BRIDGE.appId,
    });
    const other = sdk(
      emulator,
      (await emulator.control.issueToken(portalId, { clientId: 'other-integration' })).accessToken,
    );
    const deal = await other.crm.deals.basicApi.create({ properties: { dealname: 'x' }, associations: [] });
    await other.crm.deals.basicApi.getById(deal.id);
    const response = await fetch(`${emulator.baseUrl}/crm/v3/objects/deals/${deal.id}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('hangs, drops the connection, or slows a call down', async () => {
    await emulator.control.addFault({ match: 'GET /crm/v3/owners', kind: 'hang' });
    const hung = fetch(`${emulator.baseUrl}/crm/v3/owners`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toThrow();
    await emulator.control.addFault({ match: 'GET /crm/v3/owners', kind: 'disconnect' });
    await expect(
      fetch(`${emulator.baseUrl}/crm/v3/owners`, { headers: { Authorization: `Bearer ${token}` } }),
    ).rejects.toThrow();
    await emulator.control.addFault({ match: 'GET /crm/v3/owners', kind: 'slow', delayMs: 3000 });
    const slow = fetch(`${emulator.baseUrl}/crm/v3/owners`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(500),
    });
    await expect(slow).rejects.toThrow();
    await client.crm.owners.ownersApi.getPage();
  });

  it('slows every call by the global latency knob', async () => {
    await emulator.control.updateSettings({ latencyMs: 3000 });
    const slowed = fetch(`${emulator.baseUrl}/crm/v3/owners`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(500),
    });
    await expect(slowed).rejects.toThrow();
    await emulator.control.updateSettings({ latencyMs: 0 });
    await client.crm.owners.ownersApi.getPage();
  });

  it('lets the SDK retry through an injected 5xx when it is told to retry', async () => {
    await emulator.control.addFault({ match: 'GET /crm/v3/objects/companies', kind: '500' });
    await emulator.control.resetCalls();
    // The SDK binds its (process-wide) retry decorator when `crm` is first used: this client retries 500s.
    const withRetries = new Client({
      accessToken: token,
      basePath: emulator.baseUrl,
      numberOfApiCallRetries: 2,
    });
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const page = await withRetries.crm.companies.basicApi.getPage();
    expect(page.results).toEqual([]);
    expect(logged).toHaveBeenCalledWith(
      'Request failed with status code [500], will retry [1] time in [200] ms',
    );
    logged.mockRestore();
    expect((await emulator.control.calls()).byRoute['GET /crm/v3/objects/companies']).toBe(2);
  });
});

describe('call counters', () => {
  it('count every call per route key and portal, and reset', async () => {
    await emulator.control.resetCalls();
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'c@example.com' },
      associations: [],
    });
    await client.crm.contacts.basicApi.getById(created.id);
    await client.crm.contacts.basicApi.getById(created.id);
    await client.crm.contacts.batchApi.read({
      inputs: [{ id: created.id }],
      properties: [],
      propertiesWithHistory: [],
    });
    await apiError(sdk(emulator, 'bogus').crm.contacts.basicApi.getPage());
    const calls = await emulator.control.calls();
    expect(calls.byRoute).toEqual({
      'POST /crm/v3/objects/contacts': 1,
      'GET /crm/v3/objects/contacts/{objectId}': 2,
      'POST /crm/v3/objects/contacts/batch/read': 1,
      'GET /crm/v3/objects/contacts': 1,
    });
    expect(calls.total).toBe(5);
    expect(calls.byPortal[String(portalId)]?.total).toBe(4);
    await emulator.control.resetCalls();
    expect((await emulator.control.calls()).total).toBe(0);
  });
});
