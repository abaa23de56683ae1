import {
  removeExpired,
  API_USAGE_RETENTION_MS,
  WEBHOOK_EVENT_RETENTION_MS,
} from '../../../src/changes/start';
import * as apiUsage from '../../../src/db/apiUsage';
import * as webhookEvents from '../../../src/db/webhookEvents';
import { recordingLogger } from '../../fakes/recordingLogger';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const NOW = Date.UTC(2026, 10, 22, 12);

describe.each(testDialects)('retention of what change detection stores on %s', (dialect) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());

  it('removes old usage windows and old processed events, and keeps the rest', async () => {
    const installationId = await insertInstallation(testDb.db);
    const count = (at: number) =>
      apiUsage.record(testDb.db, { installationId, provider: 'hubspot', windowMs: 1_000, calls: 1, now: at });
    await count(NOW - API_USAGE_RETENTION_MS - 5_000);
    await count(NOW - 60_000);
    const event = (eventId: number, receivedAt: number) =>
      webhookEvents.insertNew(
        testDb.db,
        installationId,
        [
          {
            portalId: 1,
            eventId,
            subscriptionId: 1,
            occurredAt: receivedAt,
            subscriptionType: 'object.creation',
            payload: { eventId },
          },
        ],
        receivedAt,
      );
    const [old] = await event(1, NOW - WEBHOOK_EVENT_RETENTION_MS - 1);
    const [oldUnprocessed] = await event(2, NOW - WEBHOOK_EVENT_RETENTION_MS - 1);
    const [recent] = await event(3, NOW - 1_000);
    await webhookEvents.markProcessed(testDb.db, installationId, [old!.id, recent!.id], NOW);

    expect(await removeExpired({ db: testDb.db, logger: recordingLogger() }, NOW)).toEqual({
      usage: 1,
      events: 1,
    });
    const left = await testDb.db('webhook_events').where({ installation_id: installationId }).select('id');
    expect(left.map((row: { id: number }) => Number(row.id)).sort()).toEqual(
      [oldUnprocessed!.id, recent!.id].sort(),
    );
    expect(
      await apiUsage.usage(testDb.db, {
        installationId,
        provider: 'hubspot',
        windowMs: 1_000,
        now: NOW - 60_000,
      }),
    ).toBe(1);
  });
});
