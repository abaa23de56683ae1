import * as auditEntries from '../../../src/db/auditEntries';
import { pruneExpired, REDACTED_PAYLOAD } from '../../../src/db/personalData';
import * as webhookEvents from '../../../src/db/webhookEvents';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const DAY = 86_400_000;

describe.each(testDialects)('personal data retention on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  const line = (occurredAt: number, after: string) => ({
    installationId,
    action: 'field_written',
    fieldKey: 'jobtitle',
    direction: 'to_salesforce' as const,
    before: null,
    after,
    reason: 'two_way',
    actor: 'bridge',
    occurredAt,
  });
  const event = (eventId: number, value: string) => ({
    portalId: '77',
    eventId: String(eventId),
    subscriptionId: '1',
    occurredAt: eventId,
    subscriptionType: 'contact.propertyChange',
    objectId: '501',
    payload: { propertyName: 'jobtitle', propertyValue: value },
  });

  it('drops values older than their retention, keeps the lines and the events, and leaves others alone', async () => {
    const other = await insertInstallation(testDb.db);
    await auditEntries.append(testDb.db, [line(10 * DAY, 'Old title'), line(40 * DAY, 'New title')]);
    await auditEntries.append(testDb.db, [{ ...line(10 * DAY, 'Elsewhere'), installationId: other }]);
    await webhookEvents.insertNew(testDb.db, installationId, [event(1, 'Old title')], 10 * DAY);
    await webhookEvents.insertNew(testDb.db, installationId, [event(2, 'New title')], 40 * DAY);

    const removed = await pruneExpired(testDb.db, installationId, {
      auditValuesBefore: 30 * DAY,
      webhookPayloadsBefore: 30 * DAY,
    });
    expect(removed).toEqual({ auditValues: 1, webhookPayloads: 1 });
    const lines = await testDb.db('audit_entries').orderBy('id');
    expect(lines.map((row: { after_value: string | null }) => row.after_value)).toEqual([
      null,
      JSON.stringify('New title'),
      JSON.stringify('Elsewhere'),
    ]);
    const events = await testDb.db('webhook_events').where({ installation_id: installationId }).orderBy('id');
    expect(events.map((row: { payload: string }) => row.payload)).toEqual([
      REDACTED_PAYLOAD,
      JSON.stringify(event(2, 'New title').payload),
    ]);
    // A second pass finds nothing more to remove.
    expect(
      await pruneExpired(testDb.db, installationId, {
        auditValuesBefore: 30 * DAY,
        webhookPayloadsBefore: 30 * DAY,
      }),
    ).toEqual({ auditValues: 0, webhookPayloads: 0 });
  });
});
