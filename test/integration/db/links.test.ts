import * as conflicts from '../../../src/db/conflicts';
import * as linkEvents from '../../../src/db/linkEvents';
import * as linkLifecycle from '../../../src/db/linkLifecycle';
import * as links from '../../../src/db/links';
import * as shadows from '../../../src/db/shadows';
import { contactLink, context, hubspotId, insertInstallation, salesforceId } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('links on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  async function createLink(overrides: Parameters<typeof contactLink>[1] = {}, now = 1000) {
    const result = await links.create(
      testDb.db,
      contactLink(installationId, overrides),
      context(now, 'matched by email'),
    );
    if (!result.ok) throw new Error(result.reason);
    return result.link;
  }

  it('creates an active link, finds it from either side, and records the creation', async () => {
    const link = await createLink({ origin: 'created_in_salesforce' });
    expect(link).toMatchObject({
      state: 'active',
      origin: 'created_in_salesforce',
      createdAt: 1000,
      lastSyncedAt: null,
    });
    expect((await links.findActiveByHubspot(testDb.db, installationId, 'contacts', link.hubspotId))?.id).toBe(
      link.id,
    );
    expect((await links.findActiveBySalesforce(testDb.db, installationId, link.salesforceId))?.id).toBe(
      link.id,
    );
    const history = await linkEvents.listForLink(testDb.db, installationId, link.id);
    expect(history).toMatchObject([
      { event: 'created', fromState: null, toState: 'active', reason: 'matched by email' },
    ]);
  });

  it('allows only one active link per HubSpot record and per Salesforce record', async () => {
    const first = await createLink();
    const sameHubspot = await links.create(
      testDb.db,
      contactLink(installationId, { hubspotId: first.hubspotId }),
      context(2000),
    );
    expect(sameHubspot).toMatchObject({
      ok: false,
      code: 'active_link_exists',
      existing: [{ id: first.id }],
    });
    const sameSalesforce = await links.create(
      testDb.db,
      contactLink(installationId, { salesforceId: first.salesforceId }),
      context(2000),
    );
    expect(sameSalesforce).toMatchObject({
      ok: false,
      code: 'active_link_exists',
      existing: [{ id: first.id }],
    });
  });

  it('keeps tenants apart: another installation may link the same ids and cannot see these links', async () => {
    const link = await createLink();
    const other = await insertInstallation(testDb.db);
    const result = await links.create(
      testDb.db,
      contactLink(other, { hubspotId: link.hubspotId, salesforceId: link.salesforceId }),
      context(2000),
    );
    expect(result.ok).toBe(true);
    expect(await links.findById(testDb.db, other, link.id)).toBeNull();
  });

  it('refuses a Salesforce type that cannot pair with the HubSpot type, and ids in the wrong form', async () => {
    await expect(
      links.create(testDb.db, contactLink(installationId, { salesforceObjectType: 'Account' }), context(1)),
    ).rejects.toThrow(/cannot link/);
    await expect(
      links.create(testDb.db, contactLink(installationId, { salesforceId: '003000000000001' }), context(1)),
    ).rejects.toThrow(/18-character/);
  });

  it('tombstones and restores, and a tombstone frees the record for no one else until it is restored', async () => {
    const link = await createLink();
    const tombstoned = await linkLifecycle.change(
      testDb.db,
      installationId,
      link.id,
      { kind: 'tombstone', deletedSide: 'salesforce' },
      context(2000, 'deleted in Salesforce'),
    );
    expect(tombstoned).toMatchObject({
      ok: true,
      link: { state: 'tombstoned', tombstonedSide: 'salesforce', tombstonedAt: 2000 },
    });
    expect(await links.findActiveByHubspot(testDb.db, installationId, 'contacts', link.hubspotId)).toBeNull();
    const history = await links.listForRecord(testDb.db, installationId, {
      side: 'hubspot',
      objectType: 'contacts',
      recordId: link.hubspotId,
    });
    expect(history.map((found) => found.state)).toEqual(['tombstoned']);

    const restored = await linkLifecycle.change(
      testDb.db,
      installationId,
      link.id,
      { kind: 'restore' },
      context(3000, 'undeleted'),
    );
    expect(restored).toMatchObject({ ok: true, link: { state: 'active' } });
    const events = await linkEvents.listForLink(testDb.db, installationId, link.id);
    expect(events.map((entry) => `${entry.fromState}->${entry.toState}`)).toEqual([
      'null->active',
      'active->tombstoned',
      'tombstoned->active',
    ]);
  });

  it('refuses to restore a tombstone when the record was linked again meanwhile', async () => {
    const link = await createLink();
    await linkLifecycle.change(
      testDb.db,
      installationId,
      link.id,
      { kind: 'tombstone', deletedSide: 'hubspot' },
      context(2000),
    );
    const relinked = await createLink({ salesforceId: link.salesforceId });
    const restored = await linkLifecycle.change(
      testDb.db,
      installationId,
      link.id,
      { kind: 'restore' },
      context(3000),
    );
    expect(restored).toMatchObject({
      ok: false,
      code: 'active_link_exists',
      existing: [{ id: relinked.id }],
    });
    expect((await links.findById(testDb.db, installationId, link.id))?.state).toBe('tombstoned');
  });

  it('rejects illegal moves and changes nothing', async () => {
    const link = await createLink();
    expect(
      await linkLifecycle.change(testDb.db, installationId, link.id, { kind: 'restore' }, context(2000)),
    ).toMatchObject({
      ok: false,
      code: 'illegal_transition',
      reason: 'an active link cannot be restored',
    });
    expect(
      await linkLifecycle.change(testDb.db, installationId, 'no-such-link', { kind: 'purge' }, context(2000)),
    ).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await linkEvents.listForLink(testDb.db, installationId, link.id)).toHaveLength(1);
  });

  it('merges a link into the surviving link and refuses a merge into a dead one', async () => {
    const loser = await createLink();
    const survivor = await createLink();
    const merged = await linkLifecycle.change(
      testDb.db,
      installationId,
      loser.id,
      { kind: 'merge', survivorLinkId: survivor.id },
      context(2000, 'HubSpot merge'),
    );
    expect(merged).toMatchObject({ ok: true, link: { state: 'merged', mergedIntoLinkId: survivor.id } });
    const events = await linkEvents.listForLink(testDb.db, installationId, loser.id);
    expect(events.at(-1)).toMatchObject({ event: 'merged', relatedLinkId: survivor.id });

    const third = await createLink();
    const intoDead = await linkLifecycle.change(
      testDb.db,
      installationId,
      third.id,
      { kind: 'merge', survivorLinkId: loser.id },
      context(3000),
    );
    expect(intoDead).toMatchObject({
      ok: false,
      code: 'illegal_transition',
      reason: 'the surviving link must be active',
    });
  });

  it('supersedes a Lead link by a Contact link on conversion, atomically', async () => {
    const lead = await createLink({ salesforceObjectType: 'Lead', salesforceId: salesforceId('00Q') });
    const contactId = salesforceId('003');
    const result = await linkLifecycle.supersede(
      testDb.db,
      installationId,
      lead.id,
      { salesforceObjectType: 'Contact', salesforceId: contactId },
      context(2000, 'lead converted'),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.superseded).toMatchObject({ state: 'superseded', supersededByLinkId: result.successor.id });
    expect(result.successor).toMatchObject({
      state: 'active',
      origin: 'converted',
      hubspotId: lead.hubspotId,
      salesforceId: contactId,
    });
    expect((await links.findActiveByHubspot(testDb.db, installationId, 'contacts', lead.hubspotId))?.id).toBe(
      result.successor.id,
    );
  });

  it('refuses to supersede a Contact link, and rolls back when the converted Contact is already linked', async () => {
    const contact = await createLink();
    const refused = await linkLifecycle.supersede(
      testDb.db,
      installationId,
      contact.id,
      { salesforceObjectType: 'Contact', salesforceId: salesforceId('003') },
      context(2000),
    );
    expect(refused).toMatchObject({ ok: false, code: 'illegal_transition' });

    const lead = await createLink({ salesforceObjectType: 'Lead', salesforceId: salesforceId('00Q') });
    const collision = await linkLifecycle.supersede(
      testDb.db,
      installationId,
      lead.id,
      { salesforceObjectType: 'Contact', salesforceId: contact.salesforceId },
      context(2000),
    );
    expect(collision).toMatchObject({
      ok: false,
      code: 'active_link_exists',
      existing: [{ id: contact.id }],
    });
    expect((await links.findById(testDb.db, installationId, lead.id))?.state).toBe('active');
  });

  it("ends a Lead link as a duplicate of another record's link to its converted Contact, and refuses the rest", async () => {
    const holder = await createLink();
    const lead = await createLink({ salesforceObjectType: 'Lead', salesforceId: salesforceId('00Q') });
    const refused = await linkLifecycle.endAsDuplicate(
      testDb.db,
      installationId,
      holder.id,
      lead.id,
      context(2000),
    );
    expect(refused).toMatchObject({ ok: false, code: 'illegal_transition' });

    const ended = await linkLifecycle.endAsDuplicate(
      testDb.db,
      installationId,
      lead.id,
      holder.id,
      context(2000, 'lead converted'),
    );
    expect(ended).toMatchObject({
      ok: true,
      link: { state: 'duplicate', supersededByLinkId: holder.id, stateChangedAt: 2000 },
    });
    expect(await links.findActiveByHubspot(testDb.db, installationId, 'contacts', lead.hubspotId)).toBeNull();
    expect((await links.findById(testDb.db, installationId, holder.id))?.state).toBe('active');
    expect(await linkEvents.listForLink(testDb.db, installationId, lead.id)).toMatchObject([
      { event: 'created' },
      { event: 'duplicate', fromState: 'active', toState: 'duplicate', relatedLinkId: holder.id },
    ]);
    // Ended for good: it neither ends twice nor comes back.
    expect(
      await linkLifecycle.endAsDuplicate(testDb.db, installationId, lead.id, holder.id, context(3000)),
    ).toMatchObject({ ok: false, code: 'illegal_transition' });
    expect(
      await linkLifecycle.change(testDb.db, installationId, lead.id, { kind: 'restore' }, context(3000)),
    ).toMatchObject({ ok: false, code: 'illegal_transition' });
  });

  it('works inside a caller transaction, where a refused create does not abort the transaction', async () => {
    const existing = await createLink();
    await testDb.db.transaction(async (trx) => {
      const clash = await links.create(
        trx,
        contactLink(installationId, { hubspotId: existing.hubspotId }),
        context(2000),
      );
      expect(clash.ok).toBe(false);
      const fine = await links.create(trx, contactLink(installationId), context(2000));
      expect(fine.ok).toBe(true);
      await links.markSynced(trx, installationId, [existing.id], 2500);
    });
    expect((await links.findById(testDb.db, installationId, existing.id))?.lastSyncedAt).toBe(2500);
  });

  it('purges: the link stays (to block re-creation) but its stored values go', async () => {
    const link = await createLink({ hubspotId: hubspotId() });
    await shadows.upsert(testDb.db, installationId, link.id, [{ fieldKey: 'email', value: 'a@b.co' }], 1500);
    await conflicts.open(
      testDb.db,
      {
        installationId,
        linkId: link.id,
        fieldKey: 'email',
        hubspotValue: 'a@b.co',
        salesforceValue: 'c@d.co',
      },
      1600,
    );
    const purged = await linkLifecycle.change(
      testDb.db,
      installationId,
      link.id,
      { kind: 'purge' },
      context(2000, 'GDPR delete'),
    );
    expect(purged).toMatchObject({ ok: true, link: { state: 'purged' } });
    expect((await shadows.forLink(testDb.db, installationId, link.id)).size).toBe(0);
    expect(await conflicts.listOpen(testDb.db, installationId, { linkId: link.id })).toEqual([]);
    expect(
      await links.listForRecord(testDb.db, installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: link.hubspotId,
      }),
    ).toMatchObject([{ id: link.id, state: 'purged' }]);
  });
});
