import * as deleteExpiries from '../../../src/db/deleteExpiries';
import * as deleteHolds from '../../../src/db/deleteHolds';
import * as linkLifecycle from '../../../src/db/linkLifecycle';
import * as links from '../../../src/db/links';
import { contactLink, context, insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('delete_holds and delete_expiries on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  async function link() {
    const created = await links.create(testDb.db, contactLink(installationId), context(1_000));
    if (!created.ok) throw new Error(created.reason);
    return created.link;
  }

  const holdOf = (linked: links.Link) => ({
    installationId,
    linkId: linked.id,
    deletedSide: 'hubspot' as const,
    hubspotObjectType: linked.hubspotObjectType,
    hubspotId: linked.hubspotId,
    salesforceObjectType: linked.salesforceObjectType,
    salesforceId: linked.salesforceId,
  });

  it('holds a link once until it is settled, and releases or discards only what is held', async () => {
    const [first, second, third] = [await link(), await link(), await link()];
    await deleteHolds.hold(testDb.db, holdOf(first), 10);
    await deleteHolds.hold(testDb.db, holdOf(first), 11);
    await deleteHolds.hold(testDb.db, holdOf(second), 12);
    await deleteHolds.hold(testDb.db, holdOf(third), 13);
    expect(await deleteHolds.countHeld(testDb.db, installationId)).toBe(3);
    const held = await deleteHolds.listHeld(testDb.db, installationId);
    expect(held.map((hold) => [hold.linkId, hold.heldAt])).toEqual([
      [first.id, 10],
      [second.id, 12],
      [third.id, 13],
    ]);

    const released = await deleteHolds.decide(testDb.db, installationId, 'released', {
      now: 20,
      actor: 'hubspot-user:7',
      ids: [held[0]!.id],
    });
    expect(released).toMatchObject([{ linkId: first.id, state: 'released', decidedBy: 'hubspot-user:7' }]);
    const discarded = await deleteHolds.decide(testDb.db, installationId, 'discarded', {
      now: 21,
      actor: 'x',
    });
    expect(discarded.map((hold) => hold.linkId).sort()).toEqual([second.id, third.id].sort());
    expect(await deleteHolds.countHeld(testDb.db, installationId)).toBe(0);
    // Nothing is held any more: deciding again decides nothing.
    expect(await deleteHolds.decide(testDb.db, installationId, 'released', { now: 22, actor: 'x' })).toEqual(
      [],
    );

    // Decided holds stay until the engine settles them; then the link can be held afresh.
    const unsettled = await deleteHolds.unsettledForLinks(testDb.db, installationId, [first.id, second.id]);
    expect([...unsettled.values()].map((hold) => hold.state).sort()).toEqual(['discarded', 'released']);
    await deleteHolds.settle(testDb.db, [unsettled.get(first.id)!.id], 30);
    await deleteHolds.hold(testDb.db, holdOf(first), 40);
    expect((await deleteHolds.listHeld(testDb.db, installationId)).map((hold) => hold.linkId)).toEqual([
      first.id,
    ]);
  });

  it('lists tombstones whose grace period ended once per tombstone', async () => {
    const [early, late, active] = [await link(), await link(), await link()];
    await linkLifecycle.change(
      testDb.db,
      installationId,
      early.id,
      { kind: 'tombstone', deletedSide: 'hubspot' },
      context(100),
    );
    await linkLifecycle.change(
      testDb.db,
      installationId,
      late.id,
      { kind: 'tombstone', deletedSide: 'salesforce' },
      context(500),
    );
    const due = async (by: number) =>
      (await deleteExpiries.listDue(testDb.db, installationId, by, 10)).map((row) => row.id);
    expect(await due(99)).toEqual([]);
    expect(await due(100)).toEqual([early.id]);
    expect(await due(1_000)).toEqual([early.id, late.id]);
    expect(await due(1_000)).not.toContain(active.id);

    const decision = {
      installationId,
      linkId: early.id,
      tombstonedAt: 100,
      outcome: 'kept' as const,
      reason: 'kept',
      decidedAt: 1_000,
    };
    expect(await deleteExpiries.record(testDb.db, decision)).toBe(true);
    expect(await deleteExpiries.record(testDb.db, { ...decision, outcome: 'archived' })).toBe(false);
    expect(await due(1_000)).toEqual([late.id]);
    expect(await deleteExpiries.findForTombstone(testDb.db, early.id, 100)).toMatchObject({
      outcome: 'kept',
    });
    // The same link tombstoned again later is judged again.
    await linkLifecycle.change(testDb.db, installationId, early.id, { kind: 'restore' }, context(2_000));
    await linkLifecycle.change(
      testDb.db,
      installationId,
      early.id,
      { kind: 'tombstone', deletedSide: 'hubspot' },
      context(3_000),
    );
    expect(await due(3_000)).toEqual([late.id, early.id]);
  });
});
