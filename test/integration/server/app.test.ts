import request from 'supertest';
import { createApp } from '../../../server/app';
import { computeSignatureV3 } from '../../../server/middleware/hubspot-signature';
import { TEST_HUBSPOT_APP, TEST_OPS_TOKEN, testBridgeApp, testContext } from '../../support/bridge-context';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('the HTTP surface on %s', (dialect) => {
  let testDb: TestDb;
  let app: ReturnType<typeof createApp>;
  const publicBaseUrl = 'https://bridge.example.com';

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    const context = testContext(testDb.db, { app: testBridgeApp({ publicBaseUrl }) });
    app = createApp({ context, opsToken: TEST_OPS_TOKEN });
  });
  afterAll(async () => testDb.destroy());

  it('answers /healthz when the database responds', async () => {
    const response = await request(app).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'ok' });
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('sends no HSTS header when the public origin is plain http (a loopback origin in development)', async () => {
    const context = testContext(testDb.db, {
      app: testBridgeApp({ publicBaseUrl: 'http://127.0.0.1:3000' }),
    });
    const local = createApp({ context, opsToken: TEST_OPS_TOKEN });
    const response = await request(local).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('answers unknown routes with the error envelope, or a page under /oauth', async () => {
    const api = await request(app).get('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(api.body).toEqual({
      error: { code: 'not_found', message: 'No endpoint answers GET /api/nothing-here.', details: {} },
    });
    const page = await request(app).get('/oauth/nothing-here');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('Install the app');
  });

  it('keeps operator endpoints behind the OPS_TOKEN', async () => {
    expect((await request(app).get('/ops/installations')).status).toBe(401);
    const wrong = await request(app).get('/ops/installations').set('authorization', 'Bearer not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    const right = await request(app)
      .get('/ops/installations')
      .set('authorization', `Bearer ${TEST_OPS_TOKEN}`);
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ installations: [] });
    const badId = await request(app)
      .get('/ops/installations/not-a-uuid')
      .set('authorization', `Bearer ${TEST_OPS_TOKEN}`);
    expect(badId.status).toBe(400);
    const badFilter = await request(app)
      .get('/ops/installations?status=everything')
      .set('authorization', `Bearer ${TEST_OPS_TOKEN}`);
    expect(badFilter.status).toBe(400);
  });

  it('refuses a signed body over the size limit before reading it', async () => {
    const body = JSON.stringify({ environment: 'production', padding: 'x'.repeat(70 * 1024) });
    const path = '/api/settings/salesforce/connect-url?portalId=1';
    const timestamp = String(Date.now());
    const response = await request(app)
      .post(path)
      .set('content-type', 'application/json')
      .set('x-hubspot-request-timestamp', timestamp)
      .set(
        'x-hubspot-signature-v3',
        computeSignatureV3({
          clientSecret: TEST_HUBSPOT_APP.clientSecret,
          method: 'POST',
          url: `${publicBaseUrl}${path}`,
          rawBody: body,
          timestamp,
        }),
      )
      .send(body);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('body_too_large');
  });

  it('answers a signed request for a portal without an installation with 404', async () => {
    const path = '/api/settings/installation?portalId=424242';
    const timestamp = String(Date.now());
    const response = await request(app)
      .get(path)
      .set('x-hubspot-request-timestamp', timestamp)
      .set(
        'x-hubspot-signature-v3',
        computeSignatureV3({
          clientSecret: TEST_HUBSPOT_APP.clientSecret,
          method: 'GET',
          url: `${publicBaseUrl}${path}`,
          rawBody: '',
          timestamp,
        }),
      );
    expect(response.status).toBe(404);
    expect(response.body.error).toEqual({
      code: 'installation_not_found',
      message: 'The app is not installed in this HubSpot portal.',
      details: { portalId: '424242' },
    });
  });
});
