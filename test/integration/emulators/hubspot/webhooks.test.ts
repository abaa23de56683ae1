import { Signature, type Client } from '@hubspot/api-client';
import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { BRIDGE, sdk, startEmulator, startReceiver, type ReceivedRequest, type Receiver } from './support';

type WebhookEvent = Record<string, unknown> & {
  eventId: number;
  subscriptionId: number;
  subscriptionType: string;
};

let emulator: HubSpotEmulator;
let client: Client;
let receiver: Receiver;
let portalId: number;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  portalId = emulator.defaultPortalId;
  client = sdk(emulator, (await emulator.control.issueToken(portalId)).accessToken);
});
afterEach(() => receiver?.close());

const events = (requests: ReceivedRequest[]): WebhookEvent[] =>
  requests.flatMap((request) => JSON.parse(request.body) as WebhookEvent[]);

async function subscribe(
  subscriptions: Array<{ subscriptionType: string; objectType?: string; propertyName?: string }>,
  appId = BRIDGE.appId,
) {
  const settings = await emulator.control.setWebhooks(appId, { targetUrl: receiver.url, subscriptions });
  return new Map(
    settings.subscriptions.map((subscription) => [
      subscription.subscriptionType + (subscription.propertyName ?? ''),
      subscription.id,
    ]),
  );
}

async function settle(): Promise<WebhookEvent[]> {
  await emulator.control.waitForWebhooksIdle();
  return events(receiver.requests);
}

describe('deliveries', () => {
  it('POSTs signed JSON arrays: v1 and v3 signatures verified with the SDK, timestamp header, real fields', async () => {
    receiver = await startReceiver();
    const ids = await subscribe([
      { subscriptionType: 'contact.creation' },
      { subscriptionType: 'contact.propertyChange', propertyName: 'email' },
      { subscriptionType: 'object.propertyChange', objectType: 'contacts', propertyName: 'firstname' },
    ]);
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'w@example.com', firstname: 'W', lastname: 'X' },
      associations: [],
    });
    const received = await settle();
    const request = receiver.requests[0] as ReceivedRequest;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    const timestamp = Number(request.headers['x-hubspot-request-timestamp']);
    expect(
      Signature.isValid({
        signature: String(request.headers['x-hubspot-signature']),
        clientSecret: BRIDGE.clientSecret,
        requestBody: request.body,
        signatureVersion: 'v1',
      }),
    ).toBe(true);
    expect(request.headers['x-hubspot-signature-version']).toBe('v1');
    expect(
      Signature.isValid({
        signature: String(request.headers['x-hubspot-signature-v3']),
        clientSecret: BRIDGE.clientSecret,
        requestBody: request.body,
        url: receiver.url,
        method: 'POST',
        signatureVersion: 'v3',
        timestamp,
      }),
    ).toBe(true);
    expect(received).toHaveLength(3);
    const bySubscription = new Map(received.map((event) => [event.subscriptionId, event]));
    expect(bySubscription.get(ids.get('contact.creation') ?? 0)).toEqual({
      eventId: expect.any(Number),
      subscriptionId: ids.get('contact.creation'),
      portalId,
      appId: BRIDGE.appId,
      occurredAt: expect.any(Number),
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: Number(created.id),
      changeFlag: 'CREATED',
      changeSource: 'INTEGRATION',
      sourceId: String(BRIDGE.appId),
    });
    expect(bySubscription.get(ids.get('contact.propertyChangeemail') ?? 0)).toMatchObject({
      propertyName: 'email',
      propertyValue: 'w@example.com',
      changeSource: 'INTEGRATION',
    });
    expect(bySubscription.get(ids.get('object.propertyChangefirstname') ?? 0)).toMatchObject({
      subscriptionType: 'object.propertyChange',
      objectTypeId: '0-1',
      propertyName: 'firstname',
      propertyValue: 'W',
    });
  });

  it('tells users, other apps and this app apart by changeSource and sourceId', async () => {
    receiver = await startReceiver();
    await subscribe([{ subscriptionType: 'contact.propertyChange', propertyName: 'jobtitle' }]);
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'src@example.com' },
      associations: [],
    });
    const portal = await emulator.control.portal(portalId);
    const rep = portal.users[1];
    await emulator.control
      .asUser(portalId, rep?.email)
      .update('contacts', created.id, { jobtitle: 'From the UI' });
    const other = await emulator.control.issueToken(portalId, { clientId: 'other-integration' });
    await sdk(emulator, other.accessToken).crm.contacts.basicApi.update(created.id, {
      properties: { jobtitle: 'From another app' },
    });
    await client.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: 'From the bridge' } });
    await client.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: 'From the bridge' } });
    const received = (await settle()).sort((a, b) => a.eventId - b.eventId);
    expect(received.map((event) => [event.propertyValue, event.changeSource, event.sourceId])).toEqual([
      ['From the UI', 'CRM_UI', `userId:${rep?.userId}`],
      ['From another app', 'INTEGRATION', '990001'],
      ['From the bridge', 'INTEGRATION', String(BRIDGE.appId)],
    ]);
  });

  it('sends deletion, restore, merge, association and privacy events', async () => {
    receiver = await startReceiver();
    await subscribe([
      { subscriptionType: 'contact.deletion' },
      { subscriptionType: 'contact.restore' },
      { subscriptionType: 'contact.merge' },
      { subscriptionType: 'contact.associationChange' },
      { subscriptionType: 'object.associationChange', objectType: 'companies' },
      { subscriptionType: 'contact.privacyDeletion' },
    ]);
    const company = await client.crm.companies.basicApi.create({
      properties: { name: 'Acme' },
      associations: [],
    });
    const a = await client.crm.contacts.basicApi.create({
      properties: { email: 'a@acme.com' },
      associations: [],
    });
    const b = await client.crm.contacts.basicApi.create({
      properties: { email: 'b@acme.com' },
      associations: [],
    });
    await client.crm.associations.v4.basicApi.createDefault('contacts', a.id, 'companies', company.id);
    await client.crm.contacts.basicApi.archive(b.id);
    await emulator.control.asUser(portalId).restore('contacts', b.id);
    const merged = await client.crm.contacts.basicApi.merge({ primaryObjectId: a.id, objectIdToMerge: b.id });
    await client.crm.contacts.basicApi.purge({ objectId: merged.id });
    const received = await settle();
    const of = (type: string) => received.filter((event) => event.subscriptionType === type);
    expect(of('contact.associationChange')).toEqual([
      expect.objectContaining({
        associationType: 'CONTACT_TO_COMPANY',
        fromObjectId: Number(a.id),
        toObjectId: Number(company.id),
        associationRemoved: false,
        isPrimaryAssociation: false,
        changeSource: 'INTEGRATION',
      }),
    ]);
    expect(of('object.associationChange')).toEqual([
      expect.objectContaining({
        associationType: 'COMPANY_TO_CONTACT',
        fromObjectTypeId: '0-2',
        toObjectTypeId: '0-1',
        associationTypeId: 280,
        associationCategory: 'HUBSPOT_DEFINED',
        fromObjectId: Number(company.id),
        toObjectId: Number(a.id),
      }),
    ]);
    expect(of('contact.associationChange')[0]).not.toHaveProperty('objectId');
    expect(of('contact.deletion').map((event) => [event.objectId, event.changeFlag])).toEqual([
      [Number(b.id), 'DELETED'],
      [Number(merged.id), 'DELETED'],
    ]);
    expect(of('contact.restore')).toEqual([
      expect.objectContaining({ objectId: Number(b.id), changeSource: 'CRM_UI' }),
    ]);
    expect(of('contact.merge')).toEqual([
      expect.objectContaining({
        objectId: Number(merged.id),
        primaryObjectId: Number(a.id),
        mergedObjectIds: [Number(b.id)],
        newObjectId: Number(merged.id),
        numberOfPropertiesMoved: expect.any(Number),
      }),
    ]);
    expect(of('contact.privacyDeletion')).toEqual([expect.objectContaining({ objectId: Number(merged.id) })]);
  });

  it('puts at most 100 events in one request', async () => {
    receiver = await startReceiver();
    await subscribe([{ subscriptionType: 'contact.creation' }]);
    for (const chunk of [0, 1]) {
      await client.crm.contacts.batchApi.create({
        inputs: Array.from({ length: 75 }, (_, index) => ({
          properties: { email: `bulk${chunk}-${index}@example.com` },
          associations: [],
        })),
      });
    }
    const received = await settle();
    expect(received).toHaveLength(150);
    expect(new Set(received.map((event) => event.eventId)).size).toBe(150);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of receiver.requests)
      expect((JSON.parse(request.body) as unknown[]).length).toBeLessThanOrEqual(100);
  });

  it('keeps at most maxConcurrentRequests deliveries of an app in flight', async () => {
    receiver = await startReceiver(
      () => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 20)),
    );
    await emulator.control.updateSettings({ webhooks: { maxEventsPerRequest: 1 } });
    await emulator.control.setWebhooks(BRIDGE.appId, {
      targetUrl: receiver.url,
      maxConcurrentRequests: 2,
      subscriptions: [{ subscriptionType: 'contact.creation' }],
    });
    await client.crm.contacts.batchApi.create({
      inputs: Array.from({ length: 6 }, (_, index) => ({
        properties: { email: `c${index}@example.com` },
        associations: [],
      })),
    });
    expect(await settle()).toHaveLength(6);
    expect(receiver.requests).toHaveLength(6);
    expect(receiver.maxInFlight()).toBeLessThanOrEqual(2);
  });

  it('delivers nothing to apps that are not installed, and signs other apps with their own secret', async () => {
    receiver = await startReceiver();
    await subscribe([{ subscriptionType: 'deal.creation' }]);
    await subscribe([{ subscriptionType: 'deal.creation' }], emulator.otherIntegration.appId);
    await emulator.control.uninstall(BRIDGE.appId, portalId);
    await emulator.control.asUser(portalId).create('deals', { dealname: 'Quiet' });
    const received = await settle();
    expect(received.map((event) => event.appId)).toEqual([emulator.otherIntegration.appId]);
    const request = receiver.requests[0] as ReceivedRequest;
    expect(
      Signature.isValid({
        signature: String(request.headers['x-hubspot-signature']),
        clientSecret: 'other-integration-secret',
        requestBody: request.body,
      }),
    ).toBe(true);
  });
});

describe('retries', () => {
  it('retries failed deliveries on the compressed schedule with a growing attemptNumber, all in the log', async () => {
    receiver = await startReceiver((_request, index) => (index < 2 ? { status: 500 } : { status: 200 }));
    await emulator.control.updateSettings({ webhooks: { retryTimeScale: 0.001, retryJitterRatio: 0 } });
    await subscribe([{ subscriptionType: 'company.creation' }]);
    await client.crm.companies.basicApi.create({ properties: { name: 'Retry Co' }, associations: [] });
    const received = await settle();
    expect(received.map((event) => event.attemptNumber)).toEqual([0, 1, 2]);
    expect(new Set(received.map((event) => event.eventId)).size).toBe(1);
    const log = (await emulator.control.deliveries({ appId: BRIDGE.appId })).results;
    expect(
      log.map((entry) => [entry.attemptNumber, entry.outcome, entry.responseStatus, entry.next]),
    ).toEqual([
      [0, 'failed', 500, 'retry'],
      [1, 'failed', 500, 'retry'],
      [2, 'delivered', 200, 'none'],
    ]);
    expect(await emulator.control.webhookStatus()).toMatchObject({ delivered: 1, failed: 2, dropped: 0 });
  });

  it('counts an unanswered delivery as failed after the timeout, and gives up on 4xx when told to', async () => {
    receiver = await startReceiver((_request, index) => (index === 0 ? 'hang' : { status: 400 }));
    await emulator.control.updateSettings({
      webhooks: { timeoutMs: 300, retryTimeScale: 0, retryClientErrors: false },
    });
    await subscribe([{ subscriptionType: 'deal.creation' }]);
    await client.crm.deals.basicApi.create({ properties: { dealname: 'Slow' }, associations: [] });
    await emulator.control.waitForWebhooksIdle();
    const log = (await emulator.control.deliveries()).results;
    expect(log.map((entry) => [entry.outcome, entry.responseStatus, entry.next])).toEqual([
      ['failed', null, 'retry'],
      ['failed', 400, 'dropped'],
    ]);
    expect(log[0]?.error).toContain('300 ms');
  });

  it('stops after the last scheduled retry', async () => {
    receiver = await startReceiver(() => ({ status: 503 }));
    await emulator.control.updateSettings({
      webhooks: { retryScheduleMs: [10, 10], retryTimeScale: 1, retryJitterRatio: 0 },
    });
    await subscribe([{ subscriptionType: 'contact.creation' }]);
    await client.crm.contacts.basicApi.create({
      properties: { email: 'never@example.com' },
      associations: [],
    });
    await emulator.control.waitForWebhooksIdle();
    expect(events(receiver.requests).map((event) => event.attemptNumber)).toEqual([0, 1, 2]);
    expect((await emulator.control.deliveries()).results.at(-1)?.next).toBe('dropped');
  });
  it('loses the deliveries it is told to drop for good, unsent and logged as dropped, and delivers the next', async () => {
    receiver = await startReceiver();
    const ids = await subscribe([{ subscriptionType: 'contact.deletion' }]);
    const [kept, lost] = await Promise.all(
      ['kept@example.com', 'lost@example.com'].map((email) =>
        client.crm.contacts.basicApi.create({ properties: { email }, associations: [] }),
      ),
    );
    await emulator.control.dropWebhookDeliveries(BRIDGE.appId, 1);
    await client.crm.contacts.basicApi.archive(lost!.id);
    await emulator.control.waitForWebhooksIdle();
    await client.crm.contacts.basicApi.archive(kept!.id);
    const received = await settle();
    expect(received.map((event) => [event.subscriptionId, event.objectId])).toEqual([
      [ids.get('contact.deletion'), Number(kept!.id)],
    ]);
    const log = (await emulator.control.deliveries({ appId: BRIDGE.appId })).results;
    expect(log.map((entry) => [entry.outcome, entry.responseStatus, entry.next])).toEqual([
      ['failed', null, 'dropped'],
      ['delivered', 204, 'none'],
    ]);
    expect(JSON.parse(log[0]!.body)).toEqual([expect.objectContaining({ objectId: Number(lost!.id) })]);
    expect(await emulator.control.webhookStatus()).toMatchObject({ delivered: 1, dropped: 1 });
  });
});
