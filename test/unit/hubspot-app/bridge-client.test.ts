/**
 * The extensions' client turns every answer, good or bad, into a result a person can read: the bridge's
 * error envelope, HubSpot's proxy errors, bodies that are not JSON, and a fetch that throws or never
 * connects. It never throws.
 */
import {
  createBridgeClient,
  type HubSpotFetch,
} from '../../../hubspot-app/src/app/packages/bridge-client/src';

function answering(status: number, body: string, contentType = 'application/json'): HubSpotFetch {
  return async () => new Response(body, { status, headers: { 'content-type': contentType } });
}

const record = { side: 'hubspot' as const, objectType: 'contacts', recordId: '7' };

describe('the bridge client', () => {
  it('calls the stamped origin with the method, a timeout and a JSON body, and returns the answer', async () => {
    const calls: Array<{ url: string; init: Parameters<HubSpotFetch>[1] }> = [];
    const client = createBridgeClient({
      origin: 'https://sync.acme.example',
      fetch: async (url, init) => {
        calls.push({ url, init });
        return new Response(JSON.stringify({ retried: 1 }), { status: 200 });
      },
    });
    await expect(client.retryFailure('f 1')).resolves.toEqual({ ok: true, data: { retried: 1 } });
    expect(calls).toEqual([
      {
        url: 'https://sync.acme.example/api/sync/failures/retry',
        init: { method: 'POST', timeout: 15_000, body: { failureId: 'f 1' } },
      },
    ]);
    await client.recordHistory(record, { limit: 5, before: 'abc' });
    expect(calls[1]?.url).toBe(
      'https://sync.acme.example/api/sync/records/hubspot/contacts/7/history?limit=5&before=abc',
    );
    expect(calls[1]?.init).toEqual({ method: 'GET', timeout: 15_000 });
  });

  it('asks for a reconciliation, reads its reports and pages through the recent changes with their filters', async () => {
    const urls: string[] = [];
    const bodies: unknown[] = [];
    const client = createBridgeClient({
      origin: 'https://sync.acme.example',
      fetch: async (url, init) => {
        urls.push(`${init?.method ?? 'GET'} ${url}`);
        bodies.push(init?.body);
        return new Response(JSON.stringify({ entries: [], nextBefore: null }), { status: 200 });
      },
    });
    await client.reconcile();
    await client.reconcileReports();
    await client.recentChanges({
      objectType: 'contacts',
      fieldKey: 'jobtitle',
      actor: 'rep@acme.example',
      before: 40,
    });
    await client.recentChanges();
    expect(urls).toEqual([
      'POST https://sync.acme.example/api/sync/reconcile',
      'GET https://sync.acme.example/api/sync/reconcile/reports',
      'GET https://sync.acme.example/api/sync/audit?objectType=contacts&fieldKey=jobtitle&actor=rep%40acme.example&before=40',
      'GET https://sync.acme.example/api/sync/audit',
    ]);
    expect(bodies[0]).toEqual({});
  });

  it.each([
    [
      "the bridge's error envelope",
      answering(
        404,
        JSON.stringify({
          error: {
            code: 'installation_not_found',
            message: 'The app is not installed in this HubSpot portal.',
            details: { portalId: '1' },
          },
        }),
      ),
      {
        status: 404,
        code: 'installation_not_found',
        message: 'The app is not installed in this HubSpot portal.',
      },
    ],
    [
      "HubSpot's proxy giving up on a slow bridge",
      answering(
        504,
        JSON.stringify({ status: 'error', category: 'GATEWAY_TIMEOUT', message: 'Timed out calling …' }),
      ),
      { status: 504, code: 'gateway_timeout', message: expect.stringMatching(/did not answer in time/) },
    ],
    [
      'a proxy error inside a 200',
      answering(
        200,
        JSON.stringify({
          status: 'error',
          category: 'BAD_GATEWAY',
          message: 'Error returned from Request Uri',
        }),
      ),
      { status: 200, code: 'bad_gateway', message: expect.stringMatching(/did not answer in time/) },
    ],
    [
      'a server error page that is not JSON',
      answering(502, '<html>Bad gateway</html>', 'text/html'),
      { status: 502, code: 'http_502', message: expect.stringMatching(/had a problem \(HTTP 502\)/) },
    ],
    [
      'a success whose body cannot be read',
      answering(200, 'not json'),
      { status: 200, code: 'bad_response', message: expect.stringMatching(/cannot read/) },
    ],
    [
      'a fetch that throws (no connection)',
      (async () => {
        throw new Error('connect ECONNREFUSED');
      }) as HubSpotFetch,
      {
        status: null,
        code: 'unreachable',
        message: expect.stringMatching(/could not be reached \(connect ECONNREFUSED\)/),
      },
    ],
  ])('reads %s as an error with a sentence', async (_what, fetch, expected) => {
    const client = createBridgeClient({ fetch });
    const result = await client.recordStatus(record);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject(expected);
  });

  it('gives a dry run of settings a longer timeout than HubSpot’s default', async () => {
    let timeout: number | undefined;
    const client = createBridgeClient({
      fetch: async (_url, init) => {
        timeout = init.timeout;
        return new Response('{}', { status: 200 });
      },
    });
    await client.dryRunSettings({ schemaVersion: 1, objects: { contacts: {} as never } });
    expect(timeout).toBe(60_000);
  });
});
