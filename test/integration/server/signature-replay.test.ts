import request from 'supertest';
import { createApp } from '../../../server/app';
import * as seenSignatures from '../../../src/db/seenSignatures';
import { computeSignatureV3, signatureHash } from '../../../server/middleware/hubspot-signature';
import { TEST_HUBSPOT_APP, TEST_OPS_TOKEN, testBridgeApp, testContext } from '../../support/bridge-context';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const publicBaseUrl = 'https://bridge.example.com';

/** One request exactly as HubSpot's proxy signed it; sending it twice is a replay. */
function signed(method: 'GET' | 'POST' | 'PUT', path: string, body = '', timestamp = String(Date.now())) {
  return {
    method,
    path,
    body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': computeSignatureV3({
        clientSecret: TEST_HUBSPOT_APP.clientSecret,
        method,
        url: `${publicBaseUrl}${path}`,
        rawBody: body,
        timestamp,
      }),
    },
  };
}

describe.each(testDialects)('replayed signed requests on %s', (dialect) => {
  let testDb: TestDb;
  let processA: ReturnType<typeof createApp>;
  let processB: ReturnType<typeof createApp>;

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    // Two server processes sharing one database.
    processA = createApp({
      context: testContext(testDb.db, { app: testBridgeApp({ publicBaseUrl }) }),
      opsToken: TEST_OPS_TOKEN,
    });
    processB = createApp({
      context: testContext(testDb.db, { app: testBridgeApp({ publicBaseUrl }) }),
      opsToken: TEST_OPS_TOKEN,
    });
  });
  afterAll(() => testDb.destroy());

  const send = (app: ReturnType<typeof createApp>, req: ReturnType<typeof signed>) => {
    const pending =
      req.method === 'GET'
        ? request(app).get(req.path)
        : req.method === 'PUT'
          ? request(app).put(req.path)
          : request(app).post(req.path);
    return pending.set(req.headers).send(req.body);
  };

  it('answers a signed write once, and refuses it replayed within the five minutes, in any process', async () => {
    const syncNow = signed(
      'POST',
      '/api/sync/records/hubspot/contacts/101/sync-now?portalId=4242&userId=7&appId=424242',
      '{}',
    );
    const first = await send(processA, syncNow);
    expect(first.status).not.toBe(409);
    for (const app of [processA, processB]) {
      const replayed = await send(app, syncNow);
      expect(replayed.status).toBe(409);
      expect(replayed.body.error.code).toBe('replayed_request');
    }
    const pause = signed('PUT', '/api/sync/pause?portalId=4242&userId=7', '{"paused":true}');
    expect((await send(processB, pause)).status).not.toBe(409);
    expect((await send(processA, pause)).status).toBe(409);
  });

  it('lets reads through again: a GET changes nothing', async () => {
    const read = signed('GET', '/api/settings/installation?portalId=4242');
    expect((await send(processA, read)).status).toBe(404);
    expect((await send(processA, read)).status).toBe(404);
  });

  it('does not remember requests whose signature does not check out', async () => {
    const forged = signed('POST', '/api/sync/failures/retry?portalId=4242', '{}');
    forged.headers['x-hubspot-signature-v3'] = 'not-a-signature';
    expect((await send(processA, forged)).status).toBe(401);
    expect((await send(processA, forged)).status).toBe(401);
    expect(await seenSignatures.exists(testDb.db, signatureHash('not-a-signature'))).toBe(false);
  });

  it('forgets signatures once they would be refused as stale anyway', async () => {
    const now = Date.now();
    await seenSignatures.remember(testDb.db, { signatureHash: 'a'.repeat(64), expiresAt: now - 1 });
    await seenSignatures.remember(testDb.db, { signatureHash: 'b'.repeat(64), expiresAt: now + 60_000 });
    expect(await seenSignatures.deleteExpired(testDb.db, now)).toBeGreaterThanOrEqual(1);
    expect(await seenSignatures.exists(testDb.db, 'a'.repeat(64))).toBe(false);
    expect(await seenSignatures.exists(testDb.db, 'b'.repeat(64))).toBe(true);
  });
});
