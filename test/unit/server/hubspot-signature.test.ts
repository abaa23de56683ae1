import express from 'express';
import request from 'supertest';
import {
  computeSignatureV3,
  requireHubSpotSignature,
  requireSignedPortal,
  verifySignatureV3,
} from '../../../server/middleware/hubspot-signature';

// Test vectors from the platform reference (computed with HubSpot's own algorithm).
const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const webhookBody =
  '[{"eventId":1,"subscriptionId":2,"portalId":62515,"appId":54321,"occurredAt":1700000000000,"subscriptionType":"object.propertyChange","attemptNumber":0,"objectId":123,"propertyName":"email","propertyValue":"a@b.com","changeSource":"CRM_UI","objectTypeId":"0-1"}]';
const fetchUrl =
  'https://bridge.example.com/api/sync-status?objectId=123&userId=1&portalId=62515&userEmail=a@b.com&appId=54321';

describe('HubSpot signature v3', () => {
  it('matches the reference vector for a webhook POST', () => {
    expect(
      computeSignatureV3({
        clientSecret: secret,
        method: 'POST',
        url: 'https://bridge.example.com/webhooks/hubspot',
        rawBody: webhookBody,
        timestamp: '1700000000000',
      }),
    ).toBe('sHPMxLnxaPTu1bUCGWaXLqpuJqBXKZsvXszugJAa6FI=');
  });

  it('matches the reference vector for a hubspot.fetch GET', () => {
    expect(
      computeSignatureV3({
        clientSecret: secret,
        method: 'get',
        url: fetchUrl,
        rawBody: '',
        timestamp: '1700000000000',
      }),
    ).toBe('q1hA7W8pX0HzWxncLW8EH9aqDFaXawLl4Au6QbEQWw4=');
  });

  it('decodes the characters HubSpot decodes before signing', () => {
    const encoded = fetchUrl.replace('a@b.com', 'a%40b.com');
    expect(
      verifySignatureV3({
        clientSecret: secret,
        method: 'GET',
        url: encoded,
        rawBody: '',
        timestamp: '1700000000000',
        signature: 'q1hA7W8pX0HzWxncLW8EH9aqDFaXawLl4Au6QbEQWw4=',
        now: 1700000000000,
      }),
    ).toEqual({ ok: true });
  });

  it.each([
    ['a timestamp older than five minutes', { now: 1700000000000 + 300_001 }, 'stale_timestamp'],
    ['a timestamp more than five minutes ahead', { now: 1700000000000 - 300_001 }, 'stale_timestamp'],
    ['a non-numeric timestamp', { timestamp: '17e11' }, 'stale_timestamp'],
    ['another body', { rawBody: webhookBody.replace('a@b.com', 'x@b.com') }, 'mismatch'],
    ['another secret', { clientSecret: 'other-secret' }, 'mismatch'],
    ['no signature', { signature: undefined }, 'missing_headers'],
  ])('rejects %s', (_name, change, reason) => {
    const input = {
      clientSecret: secret,
      method: 'POST',
      url: 'https://bridge.example.com/webhooks/hubspot',
      rawBody: webhookBody,
      timestamp: '1700000000000' as string | undefined,
      signature: 'sHPMxLnxaPTu1bUCGWaXLqpuJqBXKZsvXszugJAa6FI=' as string | undefined,
      now: 1700000000000 + 299_000,
      ...change,
    };
    expect(verifySignatureV3(input)).toEqual({ ok: false, reason });
  });
});

describe('signed request middleware', () => {
  const publicBaseUrl = 'https://bridge.example.com';
  const now = 1_800_000_000_000;
  const app = express();
  app.post(
    '/api/thing',
    express.raw({ type: () => true }),
    requireHubSpotSignature({ clientSecret: secret, publicBaseUrl, now: () => now }),
    requireSignedPortal({ appId: '54321' }),
    (_req, res) => {
      res.json({ portal: res.locals.portal, body: res.locals.signed.rawBody });
    },
  );

  const signed = (path: string, body: string, timestamp = String(now)) =>
    request(app)
      .post(path)
      .set('content-type', 'application/json')
      .set('x-hubspot-request-timestamp', timestamp)
      .set(
        'x-hubspot-signature-v3',
        computeSignatureV3({
          clientSecret: secret,
          method: 'POST',
          url: `${publicBaseUrl}${path}`,
          rawBody: body,
          timestamp,
        }),
      )
      .send(body);

  it('passes a correctly signed request and takes the portal from the signed query', async () => {
    const response = await signed(
      '/api/thing?portalId=62515&userId=7&userEmail=a%40b.com&appId=54321',
      '{"a":1}',
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      portal: { portalId: '62515', userId: '7', userEmail: 'a@b.com' },
      body: '{"a":1}',
    });
  });

  it('refuses a request whose portal was changed after signing', async () => {
    const path = '/api/thing?portalId=62515&appId=54321';
    const body = '{}';
    const response = await request(app)
      .post('/api/thing?portalId=99999&appId=54321')
      .set('content-type', 'application/json')
      .set('x-hubspot-request-timestamp', String(now))
      .set(
        'x-hubspot-signature-v3',
        computeSignatureV3({
          clientSecret: secret,
          method: 'POST',
          url: `${publicBaseUrl}${path}`,
          rawBody: body,
          timestamp: String(now),
        }),
      )
      .send(body);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: {
        code: 'invalid_signature',
        message: 'The request signature does not match.',
        details: { reason: 'mismatch' },
      },
    });
  });

  it('refuses a replay older than five minutes', async () => {
    const response = await signed('/api/thing?portalId=62515', '{}', String(now - 301_000));
    expect(response.status).toBe(401);
    expect(response.body.error.details.reason).toBe('stale_timestamp');
  });

  it('refuses an unsigned request', async () => {
    const response = await request(app).post('/api/thing?portalId=62515').send('{}');
    expect(response.status).toBe(401);
    expect(response.body.error.details.reason).toBe('missing_headers');
  });

  it('refuses a signed request without a portal, and one for another app', async () => {
    expect((await signed('/api/thing', '{}')).body.error.code).toBe('missing_portal');
    const otherApp = await signed('/api/thing?portalId=62515&appId=1', '{}');
    expect(otherApp.status).toBe(403);
    expect(otherApp.body.error.code).toBe('wrong_app');
  });
});
