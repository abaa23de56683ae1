/**
 * The lease heartbeat on a real database: a batch's rows stay its own past the lease while it beats, rows it
 * settled or another worker took over are left alone, and nothing moves once it has stopped.
 */
import * as dirty from '../../../src/db/dirty';
import { claimBatch, type ClaimOptions } from '../../../src/queue/claim';
import { startLeaseHeartbeat } from '../../../src/queue/heartbeat';
import { recoverExpiredLeases } from '../../../src/queue/leases';
import { complete } from '../../../src/queue/settle';
import { recordingLogger } from '../../fakes/recordingLogger';
import { hubspotContact, insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 10) {
    if (await condition()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe.each(testDialects)('the lease heartbeat on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    await testDb.db('dirty').delete();
    installationId = await insertInstallation(testDb.db);
  });

  const claim = (now: number, overrides: Partial<ClaimOptions> = {}) =>
    claimBatch(testDb.db, {
      workerId: 'worker-a',
      now,
      maxBatchSize: 10,
      leaseMs: 1_000,
      maxAttempts: 8,
      ...overrides,
    });
  const mark = (id: string) =>
    dirty.mark(testDb.db, { installationId, record: hubspotContact(id), source: 'webhook' }, 1_000);
  const leaseEnds = async () =>
    (await testDb.db('dirty').orderBy('id').select('record_id', 'state', 'claimed_until')).map(
      (row: { record_id: string; state: string; claimed_until: number | string | null }) => [
        row.record_id,
        row.state,
        row.claimed_until === null ? null : Number(row.claimed_until),
      ],
    );

  it('keeps the rows of a batch past its lease, until they are settled or it stops', async () => {
    for (const id of ['1', '2', '3']) await mark(id);
    const batch = await claim(2_000);
    expect(batch).toHaveLength(3);
    expect(await complete(testDb.db, batch[0]!, 2_500)).toBe('done');

    let nowMs = 2_900;
    const heartbeat = startLeaseHeartbeat(testDb.db, batch, {
      leaseMs: 1_000,
      now: () => nowMs,
      everyMs: 10,
    });
    try {
      await until(async () => (await leaseEnds()).every(([, , end]) => end === 3_900), 'a beat');
      expect(await leaseEnds()).toEqual([
        ['2', 'claimed', 3_900],
        ['3', 'claimed', 3_900],
      ]);
      // Past the lease the batch was claimed with: no other worker gets its rows, recovery leaves them be.
      expect(await claim(3_500, { workerId: 'worker-b' })).toEqual([]);
      expect(await recoverExpiredLeases(testDb.db, { now: 3_500, maxAttempts: 8 })).toEqual({
        requeued: 0,
        dead: 0,
      });
      nowMs = 3_800;
      await until(async () => (await leaseEnds()).every(([, , end]) => end === 4_800), 'another beat');
    } finally {
      await heartbeat.stop();
    }
    nowMs = 10_000;
    await sleep(50);
    expect(await leaseEnds()).toEqual([
      ['2', 'claimed', 4_800],
      ['3', 'claimed', 4_800],
    ]);
    // The claims are still the batch's own: settling them is not refused.
    expect(await complete(testDb.db, batch[1]!, 4_000)).toBe('done');
    expect(await complete(testDb.db, batch[2]!, 4_000)).toBe('done');
  });

  it('leaves alone a row another worker took over after the lease ran out', async () => {
    await mark('1');
    const stalled = await claim(2_000);
    const takeover = await claim(5_000, { workerId: 'worker-b', leaseMs: 30_000 });
    expect(takeover).toHaveLength(1);
    const logger = recordingLogger();
    const heartbeat = startLeaseHeartbeat(testDb.db, stalled, {
      leaseMs: 1_000,
      now: () => 5_000,
      everyMs: 10,
      logger,
    });
    try {
      await until(() => logger.lines.length >= 2, 'two beats');
    } finally {
      await heartbeat.stop();
    }
    expect(logger.messages()[0]).toMatch(/extended the lease of 0 claimed records/);
    expect(await leaseEnds()).toEqual([['1', 'claimed', 35_000]]);
    expect(await complete(testDb.db, stalled[0]!, 5_100)).toBe('lease_lost');
    expect(await complete(testDb.db, takeover[0]!, 5_100)).toBe('done');
  });
});
