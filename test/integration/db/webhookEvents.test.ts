import * as webhookEvents from '../../../src/db/webhookEvents';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

// The shape HubSpot sends (see the platform reference, webhooks).
const event = (overrides: Record<string, unknown> = {}) => {
  const body = {
    eventId: 4101286121,
    subscriptionId: 7562680,
    portalId: 247187887,
    appId: 50780459,
    occurredAt: 1787843156000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 541935488729,
    propertyName: 'email',
    propertyValue: 'maria@example.com',
    changeSource: 'CRM_UI',
    ...overrides,
  };
  return {
    portalId: body.portalId as number,
    eventId: body.eventId as number,
    subscriptionId: body.subscriptionId as number,
    occurredAt: body.occurredAt as number,
    subscriptionType: body.subscriptionType as string,
    objectId: body.objectId as number,
    attemptNumber: body.attemptNumber as number,
    payload: body,
  };
};

describe.each(testDialects)('webhook events on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    await testDb.db('webhook_events').delete();
    installationId = await insertInstallation(testDb.db);
  });

  it('stores new events with their payload and returns only those not seen before', async () => {
    const first = await webhookEvents.insertNew(
      testDb.db,
      installationId,
      [event(), event({ eventId: 2 })],
      10_000,
    );
    expect(first.map((stored) => stored.eventId).sort()).toEqual(['2', '4101286121']);
    expect(first.find((stored) => stored.eventId === '4101286121')).toMatchObject({
      portalId: '247187887',
      subscriptionId: '7562680',
      objectId: '541935488729',
      payload: { propertyName: 'email', propertyValue: 'maria@example.com' },
      processedAt: null,
    });
    // A redelivery (attemptNumber 1) of the first, and a new event.
    const second = await webhookEvents.insertNew(
      testDb.db,
      installationId,
      [event({ attemptNumber: 1 }), event({ eventId: 3 })],
      11_000,
    );
    expect(second.map((stored) => stored.eventId)).toEqual(['3']);
  });

  it('treats the same eventId with another subscription or time as a different event', async () => {
    await webhookEvents.insertNew(testDb.db, installationId, [event()], 1);
    const others = await webhookEvents.insertNew(
      testDb.db,
      installationId,
      [event({ subscriptionId: 1 }), event({ occurredAt: 1787843156001 })],
      2,
    );
    expect(others).toHaveLength(2);
  });

  it('handles a full delivery of 100 events in one call', async () => {
    const batch = Array.from({ length: 100 }, (_, n) => event({ eventId: 1_000 + n }));
    expect(await webhookEvents.insertNew(testDb.db, installationId, batch, 1)).toHaveLength(100);
    expect(await webhookEvents.insertNew(testDb.db, installationId, batch, 2)).toHaveLength(0);
  });

  it('tracks processing and deletes old processed events only', async () => {
    const stored = await webhookEvents.insertNew(
      testDb.db,
      installationId,
      [event(), event({ eventId: 2 })],
      1_000,
    );
    await webhookEvents.markProcessed(testDb.db, installationId, [stored[0]!.id], 1_500);
    expect(
      (await webhookEvents.listUnprocessed(testDb.db, installationId)).map((unprocessed) => unprocessed.id),
    ).toEqual([stored[1]!.id]);
    expect(await webhookEvents.deleteProcessedBefore(testDb.db, 2_000)).toBe(1);
    expect(await webhookEvents.listUnprocessed(testDb.db, installationId)).toHaveLength(1);
  });

  it('refuses events without the dedup key', async () => {
    await expect(
      webhookEvents.insertNew(testDb.db, installationId, [{ ...event(), eventId: 'abc' }], 1),
    ).rejects.toThrow(/webhookEvents.insertNew/);
  });
});
