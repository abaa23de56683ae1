import * as auditEntries from '../../../src/db/auditEntries';
import * as links from '../../../src/db/links';
import { contactLink, context, hubspotContact, insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('audit entries on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  let linkId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
    const created = await links.create(testDb.db, contactLink(installationId), context(1_000));
    if (!created.ok) throw new Error(created.reason);
    linkId = created.link.id;
  });

  const write = (n: number) => ({
    installationId,
    linkId,
    action: 'field_written',
    fieldKey: 'email',
    direction: 'to_salesforce' as const,
    rule: 'hubspot',
    before: `old${n}@x.co`,
    after: `new${n}@x.co`,
    reason: 'HubSpot owns email',
    actor: 'bridge',
    correlationId: 'sync-1',
    occurredAt: 1_000 + n,
  });

  it('appends a sync’s entries and pages through a link’s history, newest first', async () => {
    await auditEntries.append(
      testDb.db,
      Array.from({ length: 120 }, (_, n) => write(n)),
    );
    const first = await auditEntries.listForLink(testDb.db, installationId, linkId, { limit: 50 });
    expect(first).toHaveLength(50);
    expect(first[0]).toMatchObject({
      before: 'old119@x.co',
      after: 'new119@x.co',
      rule: 'hubspot',
      direction: 'to_salesforce',
      record: null,
    });
    const second = await auditEntries.listForLink(testDb.db, installationId, linkId, {
      limit: 50,
      beforeId: first.at(-1)!.id,
    });
    expect(second[0]?.after).toBe('new69@x.co');
    expect(await auditEntries.listForCorrelation(testDb.db, installationId, 'sync-1')).toHaveLength(120);
  });

  it('keeps "no value" apart from a blank, and records decisions about unlinked records', async () => {
    const record = hubspotContact();
    await auditEntries.append(testDb.db, [
      {
        installationId,
        record,
        action: 'match_pending',
        direction: 'none',
        reason: 'two Salesforce Contacts have this email',
        actor: 'bridge',
        occurredAt: 5,
      },
      {
        installationId,
        linkId,
        action: 'field_written',
        fieldKey: 'phone',
        direction: 'to_hubspot',
        rule: 'salesforce',
        before: '+1555',
        after: null,
        reason: 'cleared in Salesforce',
        actor: 'bridge',
        occurredAt: 6,
      },
    ]);
    const [pending] = await auditEntries.listForRecord(testDb.db, installationId, record);
    expect(pending).toMatchObject({
      action: 'match_pending',
      linkId: null,
      record,
      before: undefined,
      after: undefined,
    });
    const [cleared] = await auditEntries.listForLink(testDb.db, installationId, linkId);
    expect(cleared).toMatchObject({ before: '+1555', after: null });
    const other = await insertInstallation(testDb.db);
    expect(await auditEntries.listForLink(testDb.db, other, linkId)).toEqual([]);
  });

  it("names the HubSpot user behind a person's action, and no one behind the bridge's own", async () => {
    const record = hubspotContact();
    await auditEntries.append(testDb.db, [
      write(1),
      auditEntries.personEntry({
        installationId,
        person: { userId: '5000002', email: 'rep@acme.com' },
        action: 'sync_now_requested',
        reason: 'sync_now',
        linkId,
        record,
        occurredAt: 10,
      }),
    ]);
    const [person, bridge] = await auditEntries.listForLink(testDb.db, installationId, linkId);
    expect(person).toMatchObject({
      action: 'sync_now_requested',
      direction: 'none',
      rule: null,
      record,
      actor: 'hubspot-user:5000002',
      actorUserId: '5000002',
      actorEmail: 'rep@acme.com',
    });
    expect(bridge).toMatchObject({ actor: 'bridge', actorUserId: null, actorEmail: null });
  });

  it('refuses an entry without a reason', async () => {
    await expect(auditEntries.append(testDb.db, [{ ...write(1), reason: '' }])).rejects.toThrow(
      /auditEntries.append/,
    );
  });
});
