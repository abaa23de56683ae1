/**
 * The worker loop and the batch's answers to things that are not a record's fault: a spent API budget puts
 * the records back without counting an attempt, a connection that cannot be had makes them wait, a paused
 * installation's records wait; the loop wakes on notifyDirty and gives back its claims on stop.
 */
import { BudgetExhausted, type CallGate } from '../../../src/connectors/gate';
import * as dirty from '../../../src/db/dirty';
import * as links from '../../../src/db/links';
import { err } from '../../../src/domain/result';
import { claimBatch } from '../../../src/queue/claim';
import { syncInstallationBatch } from '../../../src/sync/batch';
import { notifyDirty } from '../../../src/queue/wake';
import { startSyncWorker } from '../../../src/sync/worker';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { startHubSpot, startSalesforce } from '../../support/syncEmulators';
import { createHarness, totalCalls, type Harness } from '../../support/syncHarness';

let hubspotEmulator: HubSpotEmulator;
let salesforceEmulator: SalesforceEmulator;

beforeAll(async () => {
  hubspotEmulator = await startHubSpot();
  salesforceEmulator = await startSalesforce();
});
afterAll(async () => {
  await hubspotEmulator.close();
  await salesforceEmulator.close();
});

describe.each(testDialects)('the sync worker (%s)', (dialect) => {
  let h: Harness;
  afterEach(() => h.destroy());

  async function claimAll() {
    return claimBatch(h.testDb.db, {
      workerId: 'w',
      now: h.clock.now(),
      maxBatchSize: 100,
      leaseMs: 60_000,
      maxAttempts: 8,
    });
  }

  async function markContact(): Promise<string> {
    const contact = await hubspotEmulator.control
      .asUser(h.portalId)
      .create('contacts', { email: `w${Date.now()}@w.example`, lastname: 'W', company: 'W' });
    await h.markHubspot(contact.id);
    return contact.id;
  }

  it('puts records back without counting an attempt when the API budget is spent', async () => {
    const freesAtMs = Date.now() + 3_600_000;
    const gate: CallGate = {
      acquire: async (provider) => {
        if (provider === 'salesforce') throw new BudgetExhausted('salesforce', freesAtMs, 'daily share used');
      },
    };
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator, { gate });
    const id = await markContact();
    const summary = await syncInstallationBatch(h.deps, h.installationId, await claimAll());
    expect(summary).toMatchObject({ deferred: 1, failed: 0 });
    const row = await dirty.findByRecord(h.testDb.db, h.installationId, {
      side: 'hubspot',
      objectType: 'contacts',
      recordId: id,
    });
    expect(row).toMatchObject({
      state: 'pending',
      attempts: 0,
      nextAttemptAt: freesAtMs,
      lastErrorCode: 'budget_exhausted',
    });
    expect(await h.testDb.db('failures')).toEqual([]);
  });

  it('lets records wait when the installation has no usable connection, or is paused', async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator);
    await markContact();
    await h.resetCalls();
    const unreachable = {
      ...h.deps,
      clients: {
        clientsFor: async () => err({ code: 'salesforce_needs_reauth', message: 'Reconnect Salesforce.' }),
      },
    };
    expect(await syncInstallationBatch(unreachable, h.installationId, await claimAll())).toMatchObject({
      deferred: 1,
    });
    const [row] = await dirty.list(h.testDb.db, h.installationId);
    expect(row).toMatchObject({ attempts: 0, lastErrorCode: 'salesforce_needs_reauth' });

    // Claimed just before an admin paused the installation (a paused installation's rows are not claimed).
    h.clock.advance(120_000);
    const claimed = await claimAll();
    await h.testDb.db('installations').where({ id: h.installationId }).update({ paused_by_admin: true });
    expect(await syncInstallationBatch(h.deps, h.installationId, claimed)).toMatchObject({
      deferred: 1,
    });
    expect(totalCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it('keeps the rows of a batch that outlasts its lease: no other worker can claim them meanwhile', async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator);
    const id = await markContact();
    const record = { side: 'hubspot' as const, objectType: 'contacts' as const, recordId: id };
    // Reading the contact takes 4 s, well past the 1.5 s lease the batch is claimed with.
    await hubspotEmulator.control.addFault({
      match: 'POST /crm/v3/objects/*/batch/read',
      kind: 'slow',
      delayMs: 4_000,
    });
    const batches: string[] = [];
    const worker = startSyncWorker(
      { db: h.testDb.db, clients: h.deps.clients, now: () => Date.now() },
      {
        workerId: 'slow',
        leaseMs: 1_500,
        idleMs: 60_000,
        onBatch: (installationId) => batches.push(installationId),
      },
    );
    try {
      for (let waited = 0; waited < 200; waited += 1) {
        if ((await dirty.findByRecord(h.testDb.db, h.installationId, record))?.state === 'claimed') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const claimedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(batches).toEqual([]);
      // A second of the lease it was claimed with has passed: the heartbeat kept the row the batch's own.
      const other = { workerId: 'other', maxBatchSize: 10, leaseMs: 60_000, maxAttempts: 8 };
      expect(await claimBatch(h.testDb.db, { ...other, now: Date.now() })).toEqual([]);
      expect(Date.now() - claimedAt).toBeGreaterThan(1_500);
      for (let waited = 0; waited < 400 && batches.length === 0; waited += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(batches).toEqual([h.installationId]);
      expect(await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', id)).not.toBeNull();
      expect(await dirty.findByRecord(h.testDb.db, h.installationId, record)).toBeNull();
    } finally {
      await worker.stop();
      await hubspotEmulator.control.clearFaults();
    }
  });

  it('claims, syncs, sleeps, wakes on notifyDirty, and gives back its claims on stop', async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator);
    const batches: string[] = [];
    const worker = startSyncWorker(
      { db: h.testDb.db, clients: h.deps.clients, now: () => Date.now() },
      { idleMs: 60_000, workerId: 'loop', onBatch: (installationId) => batches.push(installationId) },
    );
    try {
      // Let it find the queue empty and go to sleep first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const id = await markContact();
      // The worker sleeps for a minute when idle; the mark's notification wakes it.
      notifyDirty();
      for (let waited = 0; waited < 200 && batches.length === 0; waited += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(batches).toContain(h.installationId);
      for (let waited = 0; waited < 200; waited += 1) {
        if (await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', id)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', id)).not.toBeNull();
    } finally {
      await worker.stop();
    }
    // A claim left behind (as by a batch cut short) is given back on stop, its attempt not counted.
    await h.markHubspot('424242');
    const [claimed] = await claimBatch(h.testDb.db, {
      workerId: 'loop',
      now: Date.now(),
      maxBatchSize: 1,
      leaseMs: 60_000,
      maxAttempts: 8,
    });
    expect(claimed?.attempts).toBe(1);
    const again = startSyncWorker(
      { db: h.testDb.db, clients: h.deps.clients },
      { workerId: 'loop', idleMs: 60_000 },
    );
    await again.stop();
    const row = await dirty.findById(h.testDb.db, claimed?.id as number);
    expect(row?.state).toBe('pending');
  });
});
