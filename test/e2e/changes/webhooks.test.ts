import * as webhookEvents from '../../../src/db/webhookEvents';
import { readDirtyPayload } from '../../../src/queue/payload';
import { computeSignatureV3 } from '../../../server/middleware/hubspot-signature';
import { TEST_HUBSPOT_APP } from '../../support/bridge-context';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

describe.each(testDialects)('HubSpot webhooks on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  const portalId = 3101;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
  });
  afterAll(async () => harness.close());

  /** Posts a body to the webhook endpoint, signed as HubSpot signs it (or not, or wrongly). */
  async function post(
    body: string,
    signing: 'valid' | 'none' | 'wrong_secret' | 'stale' = 'valid',
    query = '',
  ) {
    const url = `${harness.bridge.baseUrl}/webhooks/hubspot${query}`;
    const timestamp = String(signing === 'stale' ? Date.now() - 6 * 60_000 : Date.now());
    const secret = signing === 'wrong_secret' ? 'someone-elses-secret' : TEST_HUBSPOT_APP.clientSecret;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (signing !== 'none') {
      headers['X-HubSpot-Request-Timestamp'] = timestamp;
      headers['X-HubSpot-Signature-v3'] = computeSignatureV3({
        clientSecret: secret,
        method: 'POST',
        url,
        rawBody: body,
        timestamp,
      });
    }
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function rowFor(objectId: string) {
    const rows = await harness.dirtyRows(installationId);
    return rows.find((row) => row.record.side === 'hubspot' && row.record.recordId === objectId) ?? null;
  }

  async function settle() {
    await harness.hubspot.control.waitForWebhooksIdle();
  }

  it('stores what a person does in HubSpot, marks the records and answers 200', async () => {
    await harness.hubspot.control.clearDeliveries();
    const person = harness.hubspot.control.asUser(portalId);
    const created = await person.create('contacts', { email: 'ada@example.com', firstname: 'Ada' });
    await person.update('contacts', created.id, { lastname: 'Lovelace', website: 'ada.example.com' });
    await settle();

    const deliveries = (await harness.hubspot.control.deliveries()).results;
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((delivery) => delivery.responseStatus === 200)).toBe(true);

    const row = await rowFor(created.id);
    expect(row).toMatchObject({ source: 'webhook', state: 'pending', record: { objectType: 'contacts' } });
    // creation + email + firstname + lastname; website is not a synced property, so HubSpot never sends it.
    const stored = await harness.testDb
      .db('webhook_events')
      .where({ installation_id: installationId, object_id: created.id });
    expect(stored.map((event: { subscription_type: string }) => event.subscription_type).sort()).toEqual([
      'object.creation',
      'object.propertyChange',
      'object.propertyChange',
      'object.propertyChange',
    ]);
    expect(stored.every((event: { processed_at: number | null }) => event.processed_at !== null)).toBe(true);
    expect(await webhookEvents.listUnprocessed(harness.testDb.db, installationId)).toEqual([]);
    const payload = readDirtyPayload(row!);
    expect(payload.hint).toBeNull();
    expect(payload.event.occurredAtMs).toEqual(expect.any(Number));
  });

  it('recognises a redelivery and stores and marks nothing twice', async () => {
    await harness.hubspot.control.clearDeliveries();
    const person = harness.hubspot.control.asUser(portalId);
    const created = await person.create('contacts', { email: 'grace@example.com' });
    await settle();
    const [delivery] = (await harness.hubspot.control.deliveries()).results;
    const before = await rowFor(created.id);
    const eventsBefore = await harness.testDb.db('webhook_events').count({ n: '*' }).first();

    const again = await post(delivery!.body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ stored: 0, duplicates: delivery!.eventIds.length, marked: 0 });
    const after = await rowFor(created.id);
    expect(after?.generation).toBe(before?.generation);
    expect(await harness.testDb.db('webhook_events').count({ n: '*' }).first()).toEqual(eventsBefore);
  });

  it("drops the echo of the bridge's own writes but not another integration's", async () => {
    const person = harness.hubspot.control.asUser(portalId);
    const contact = await person.create('contacts', { email: 'linus@example.com' });
    await settle();
    await harness.testDb.db('dirty').where({ installation_id: installationId }).delete();

    const bridgeClient = await harness.bridge.context.credentials.getHubSpotClient(installationId);
    if (!bridgeClient.ok) throw bridgeClient.error;
    await bridgeClient.value.crm.contacts.basicApi.update(contact.id, {
      properties: { jobtitle: 'Engineer' },
    });
    await settle();
    expect(await rowFor(contact.id)).toBeNull();
    const echoes = await harness.testDb
      .db('webhook_events')
      .where({ installation_id: installationId, object_id: contact.id })
      .whereLike('payload', '%"INTEGRATION"%');
    expect(echoes).toHaveLength(1);

    const other = await harness.actor(portalId);
    await other.crm.contacts.basicApi.update(contact.id, { properties: { jobtitle: 'Architect' } });
    await settle();
    expect(await rowFor(contact.id)).toMatchObject({ source: 'webhook' });
  });

  it('marks deletions, restores, merges (on the survivor) and privacy deletions with their hints', async () => {
    const person = harness.hubspot.control.asUser(portalId);
    const gone = await person.create('contacts', { email: 'gone@example.com' });
    const primary = await person.create('contacts', { email: 'keep@example.com' });
    const duplicate = await person.create('contacts', { email: 'dup@example.com' });
    const private_ = await person.create('contacts', { email: 'private@example.com' });
    await settle();

    await person.archive('contacts', gone.id);
    await settle();
    expect(readDirtyPayload((await rowFor(gone.id))!).hint).toBe('deleted');
    await person.restore('contacts', gone.id);
    await settle();
    expect(readDirtyPayload((await rowFor(gone.id))!).hint).toBe('restored');

    const survivor = await person.merge('contacts', primary.id, duplicate.id);
    await settle();
    const merged = readDirtyPayload((await rowFor(survivor.id))!);
    expect(merged.hint).toBe('merged');
    expect(merged.event.survivorId).toBe(survivor.id);
    expect([...(merged.event.mergedIds ?? [])].sort()).toEqual([primary.id, duplicate.id].sort());

    await person.gdprDelete({ objectId: private_.id });
    await settle();
    expect(readDirtyPayload((await rowFor(private_.id))!).hint).toBe('privacy_deleted');
  });

  it('answers 200 to events of a portal without an installation and stores nothing for it', async () => {
    // The app is installed in portal 3199 on HubSpot's side, but the bridge never saw that install.
    await harness.hubspot.control.createPortal(3199);
    await harness.hubspot.control.issueToken(3199);
    await harness.hubspot.control.clearDeliveries();
    await harness.hubspot.control.asUser(3199).create('contacts', { email: 'stray@example.com' });
    await settle();
    const deliveries = (await harness.hubspot.control.deliveries()).results;
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((delivery) => delivery.responseStatus === 200 && delivery.next === 'none')).toBe(
      true,
    );
    expect(await harness.testDb.db('webhook_events').where({ portal_id: '3199' })).toEqual([]);
    expect(harness.bridge.context.lines.join('\n')).toContain('portal 3199, which has no installation');
  });

  it('refuses unsigned, wrongly signed and stale requests with 401 and a clear reason', async () => {
    const body = JSON.stringify([
      {
        eventId: 1,
        subscriptionId: 1,
        portalId,
        occurredAt: 1,
        subscriptionType: 'object.creation',
        objectTypeId: '0-1',
        objectId: 5,
      },
    ]);
    for (const [signing, reason] of [
      ['none', 'missing_headers'],
      ['wrong_secret', 'mismatch'],
      ['stale', 'stale_timestamp'],
    ] as const) {
      const answer = await post(body, signing);
      expect(answer.status).toBe(401);
      const envelope = answer.body as unknown as Envelope;
      expect(envelope.error.code).toBe('invalid_signature');
      expect(envelope.error.details.reason).toBe(reason);
      expect(envelope.error.message).toMatch(/sign/i);
    }
    expect(
      await harness.testDb.db('webhook_events').where({ event_id: '1', portal_id: String(portalId) }),
    ).toEqual([]);
  });

  it('refuses malformed bodies with 400 saying what is wrong, and keeps everything stored before', async () => {
    const storedBefore = await harness.testDb.db('webhook_events').count({ n: '*' }).first();
    const notJson = await post('{"eventId": 1,');
    expect(notJson.status).toBe(400);
    expect((notJson.body as unknown as Envelope).error.code).toBe('invalid_json');

    const notArray = await post(JSON.stringify({ eventId: 1 }));
    expect(notArray.status).toBe(400);
    expect((notArray.body as unknown as Envelope).error.message).toContain('expected a JSON array');

    const missing = await post(
      JSON.stringify([
        {
          eventId: 7,
          subscriptionId: 1,
          portalId,
          occurredAt: 1,
          subscriptionType: 'object.creation',
          objectId: 5,
        },
        { subscriptionId: 1, portalId, occurredAt: 'yesterday', subscriptionType: 'object.creation' },
      ]),
    );
    expect(missing.status).toBe(400);
    const envelope = missing.body as unknown as Envelope;
    expect(envelope.error.code).toBe('invalid_events');
    expect(envelope.error.message).toContain('1.eventId');
    const paths = (envelope.error.details.problems as Array<{ path: string }>).map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['1.eventId', '1.occurredAt']));

    const huge = await post(JSON.stringify([{ padding: 'x'.repeat(600 * 1024) }]));
    expect(huge.status).toBe(413);
    expect((huge.body as unknown as Envelope).error.code).toBe('body_too_large');

    // Nothing was stored from the refused requests, and nothing stored before is gone.
    expect(await harness.testDb.db('webhook_events').count({ n: '*' }).first()).toEqual(storedBefore);
  });

  it('still stores and marks when the stored settings no longer read, rather than refuse the delivery', async () => {
    await harness.testDb.db('settings').insert({
      installation_id: installationId,
      version: 99,
      document: JSON.stringify({ schemaVersion: 1, objects: 'damaged' }),
      created_by: 'test',
      created_at: Date.now(),
    });
    await harness.hubspot.control.clearDeliveries();
    const contact = await harness.hubspot.control
      .asUser(portalId)
      .create('contacts', { email: 'odd@example.com' });
    await settle();
    const deliveries = (await harness.hubspot.control.deliveries()).results;
    expect(deliveries.every((delivery) => delivery.responseStatus === 200)).toBe(true);
    expect(await rowFor(contact.id)).toMatchObject({ source: 'webhook' });
    expect(harness.bridge.context.lines.join('\n')).toContain('marked without filtering');
    await harness.testDb.db('settings').where({ installation_id: installationId, version: 99 }).delete();
  });

  it('refuses a request signed for hubspot.fetch (identity in the query), whatever its body', async () => {
    const event = {
      eventId: 8101,
      subscriptionId: 1,
      portalId,
      appId: Number(TEST_HUBSPOT_APP.appId),
      occurredAt: Date.now(),
      subscriptionType: 'object.creation',
      objectTypeId: '0-1',
      objectId: 8101,
    };
    // What HubSpot's proxy signs when a card calls hubspot.fetch: the URL with the user's identity appended.
    const identity = `?userId=5000002&portalId=${portalId}&userEmail=rep%40acme.com&appId=${TEST_HUBSPOT_APP.appId}`;
    for (const query of [identity, `?portalId=${portalId}`, `?appid=${TEST_HUBSPOT_APP.appId}`]) {
      const answer = await post(JSON.stringify([event]), 'valid', query);
      expect(answer.status).toBe(403);
      expect((answer.body as unknown as Envelope).error.code).toBe('not_a_webhook_delivery');
    }
    const proxied = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/webhooks/hubspot`,
      method: 'POST',
      body: { events: [event] },
      portalId,
    });
    expect(proxied.status).toBe(403);
    expect(((await proxied.json()) as Envelope).error.code).toBe('not_a_webhook_delivery');
    expect(await harness.testDb.db('webhook_events').where({ event_id: '8101' })).toEqual([]);
  });

  it("stores only this app's events: another app's are dropped, counted and logged", async () => {
    const event = (eventId: number, appId: number | undefined) => ({
      eventId,
      subscriptionId: 1,
      portalId,
      ...(appId === undefined ? {} : { appId }),
      occurredAt: Date.now(),
      subscriptionType: 'object.creation',
      objectTypeId: '0-1',
      objectId: eventId,
    });
    const answer = await post(
      JSON.stringify([
        event(8201, Number(TEST_HUBSPOT_APP.appId)),
        event(8202, 990001),
        event(8203, undefined),
      ]),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ events: 3, stored: 1, skipped: { wrong_app: 2 } });
    const stored = await harness.testDb.db('webhook_events').whereIn('event_id', ['8201', '8202', '8203']);
    expect(stored.map((row: { event_id: string }) => row.event_id)).toEqual(['8201']);
    expect(await rowFor('8201')).toMatchObject({ source: 'webhook' });
    expect(await rowFor('8202')).toBeNull();
    expect(harness.bridge.context.lines.join('\n')).toContain(
      'dropped 2 webhook event(s) for another HubSpot app',
    );
  });
});
