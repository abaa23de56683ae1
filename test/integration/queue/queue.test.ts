import * as dirty from '../../../src/db/dirty';
import * as failures from '../../../src/db/failures';
import { nominalDelayMs, type BackoffPolicy } from '../../../src/queue/backoff';
import { claimBatch, type ClaimOptions } from '../../../src/queue/claim';
import { extendLease, recoverExpiredLeases, releaseClaims } from '../../../src/queue/leases';
import { complete, fail, type AttemptError } from '../../../src/queue/settle';
import { recordingLogger } from '../../fakes/recordingLogger';
import { hubspotContact, insertInstallation, salesforceContact, setPaused } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const backoff: BackoffPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000 };
const maxAttempts = 4;
const rateLimited: AttemptError = {
  retryable: true,
  category: 'rate_limited',
  code: 'HTTP_429',
  message: 'HubSpot asked us to slow down.',
};
const invalid: AttemptError = {
  retryable: false,
  category: 'validation',
  code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  message: 'Salesforce refused the phone number: fix it in HubSpot.',
  details: { field: 'Phone' },
};

describe.each(testDialects)('the dirty queue on %s', (dialect) => {
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
      leaseMs: 30_000,
      maxAttempts,
      ...overrides,
    });
  const mark = (record = hubspotContact('501'), now = 1_000, extra: Partial<dirty.MarkInput> = {}) =>
    dirty.mark(testDb.db, { installationId, record, source: 'webhook', ...extra }, now);
  const onlyClaim = async (now: number, overrides: Partial<ClaimOptions> = {}) => {
    const batch = await claim(now, overrides);
    expect(batch).toHaveLength(1);
    return batch[0]!;
  };

  it('coalesces a burst of marks into one row; the latest mark decides the payload', async () => {
    for (let n = 1; n <= 50; n += 1)
      await mark(hubspotContact('501'), 1_000 + n, { source: 'poll', payload: { email: `v${n}@x.co` } });
    let item = await mark(hubspotContact('501'), 2_000, { source: 'poll', payload: { email: 'last@x.co' } });
    expect(item).toMatchObject({
      generation: 51,
      payload: { email: 'last@x.co' },
      firstMarkedAt: 1_001,
      lastMarkedAt: 2_000,
    });
    // A webhook carries no record: the poll's copy is now older than what the worker can read, so it goes.
    item = await mark(hubspotContact('501'), 2_100, { source: 'webhook' });
    expect(item).toMatchObject({ generation: 52, payload: null, source: 'webhook' });
    expect(await dirty.list(testDb.db, installationId)).toHaveLength(1);
  });

  it("carries the trigger's correlation id to the claim; a mark without one keeps the last", async () => {
    await mark(hubspotContact('501'), 1_000, { correlationId: 'webhook-delivery-1' });
    let item = await mark(hubspotContact('501'), 1_100, { source: 'poll', correlationId: 'poll-run-2' });
    expect(item.correlationId).toBe('poll-run-2');
    // A mark the sync makes itself (a dependency) names no trigger: the one waiting stays.
    item = await mark(hubspotContact('501'), 1_200, { source: 'dependency' });
    expect(item.correlationId).toBe('poll-run-2');
    await mark(hubspotContact('502'), 1_200);
    const claimed = await claim(2_000);
    expect(claimed.map((row) => [row.record.recordId, row.correlationId])).toEqual([
      ['501', 'poll-run-2'],
      ['502', null],
    ]);
  });

  it('marks a page of records in multi-row statements, coalescing repeats and existing rows', async () => {
    await mark(hubspotContact('1'), 500, { payload: { email: 'before@x.co' } });
    const held = await onlyClaim(600);
    const page = Array.from({ length: 450 }, (_, n) => ({
      installationId,
      record: hubspotContact(String(n + 1)),
      source: 'poll' as const,
      payload: { email: `p${n + 1}@x.co` },
    }));
    // Record 2 appears twice in the page: the later input wins.
    page.push({
      installationId,
      record: hubspotContact('2'),
      source: 'poll',
      payload: { email: 'again@x.co' },
    });
    const marked = await dirty.markMany(testDb.db, page, 1_000);
    expect(marked).toHaveLength(450);
    expect(await dirty.findByRecord(testDb.db, installationId, hubspotContact('2'))).toMatchObject({
      generation: 1,
      payload: { email: 'again@x.co' },
    });
    // The row a worker holds gets a new generation and stays claimed, so its completion requeues it.
    expect(await dirty.findByRecord(testDb.db, installationId, hubspotContact('1'))).toMatchObject({
      state: 'claimed',
      generation: 2,
      payload: { email: 'p1@x.co' },
    });
    expect(await complete(testDb.db, held, 1_100)).toBe('requeued');
    expect(await dirty.markMany(testDb.db, [], 1_200)).toEqual([]);
  });

  it('keeps the earliest due time and lets "sync now" jump the queue', async () => {
    await mark(hubspotContact('501'), 1_000, { dueAt: 5_000 });
    expect((await mark(hubspotContact('501'), 1_100, { dueAt: 9_000 })).nextAttemptAt).toBe(5_000);
    expect((await mark(hubspotContact('501'), 1_200, { dueAt: 0 })).nextAttemptAt).toBe(0);
  });

  it('marks inside the caller transaction: rolled back with it', async () => {
    await expect(
      testDb.db.transaction(async (trx) => {
        await dirty.mark(trx, { installationId, record: hubspotContact('777'), source: 'webhook' }, 1_000);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await dirty.findByRecord(testDb.db, installationId, hubspotContact('777'))).toBeNull();
  });

  it('completes: deletes the row when nothing was marked meanwhile', async () => {
    await mark();
    const item = await onlyClaim(2_000);
    expect(item).toMatchObject({
      state: 'claimed',
      claimedBy: 'worker-a',
      attempts: 1,
      claimedUntil: 32_000,
    });
    expect(await claim(2_001, { workerId: 'worker-b' })).toEqual([]);
    expect(await complete(testDb.db, item, 3_000)).toBe('done');
    expect(await dirty.findByRecord(testDb.db, installationId, item.record)).toBeNull();
  });

  it('never loses a change marked while a worker holds the row', async () => {
    await mark(hubspotContact('501'), 1_000, { payload: { email: 'old@x.co' } });
    const item = await onlyClaim(2_000);
    const during = await mark(hubspotContact('501'), 2_500, { payload: { email: 'new@x.co' } });
    expect(during).toMatchObject({ state: 'claimed', generation: 2, attempts: 1, claimedBy: 'worker-a' });

    const logger = recordingLogger();
    expect(await complete(testDb.db, item, 3_000, logger)).toBe('requeued');
    expect(logger.messages()).toEqual([expect.stringContaining('a newer change arrived meanwhile')]);
    const again = await onlyClaim(3_000);
    expect(again).toMatchObject({ generation: 2, attempts: 1, payload: { email: 'new@x.co' } });
    expect(await complete(testDb.db, again, 4_000)).toBe('done');
  });

  it('backs off exponentially with jitter inside its bounds, honouring Retry-After', async () => {
    await mark();
    let now = 10_000;
    for (const [attempt, random] of [
      [1, 0],
      [2, 0.999999],
      [3, 0.5],
    ] as const) {
      const item = await onlyClaim(now);
      expect(item.attempts).toBe(attempt);
      const result = await fail(testDb.db, item, rateLimited, { now, maxAttempts, backoff, random });
      if (result.outcome !== 'retry_scheduled') throw new Error(result.outcome);
      const delay = result.nextAttemptAt - now;
      const nominal = nominalDelayMs(backoff, attempt);
      expect(delay).toBeGreaterThanOrEqual(nominal / 2);
      expect(delay).toBeLessThanOrEqual(nominal);
      expect(await claim(result.nextAttemptAt - 1)).toEqual([]);
      now = result.nextAttemptAt;
    }
    const item = await onlyClaim(now);
    const result = await fail(
      testDb.db,
      item,
      { ...rateLimited, retryAfterMs: 45_000 },
      { now, maxAttempts: 10, backoff, random: 0 },
    );
    expect(result).toEqual({ outcome: 'retry_scheduled', nextAttemptAt: now + 45_000 });
    expect(await dirty.findByRecord(testDb.db, installationId, item.record)).toMatchObject({
      state: 'pending',
      claimedBy: null,
      lastErrorCode: 'HTTP_429',
      lastError: 'HubSpot asked us to slow down.',
    });
  });

  it('dead-letters after the last attempt, with category and reason, and logs "attempt N of M"', async () => {
    await mark(salesforceContact(), 1_000);
    const logger = recordingLogger();
    let now = 2_000;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const item = await onlyClaim(now);
      const result = await fail(testDb.db, item, rateLimited, {
        now,
        maxAttempts,
        backoff,
        random: 0.5,
        logger,
      });
      if (attempt < maxAttempts) {
        expect(result.outcome).toBe('retry_scheduled');
        if (result.outcome === 'retry_scheduled') now = result.nextAttemptAt;
      } else {
        expect(result).toMatchObject({
          outcome: 'dead',
          failure: { kind: 'dead_letter', category: 'rate_limited', attempts: maxAttempts, state: 'open' },
        });
      }
    }
    expect(logger.messages()).toEqual([
      expect.stringContaining('attempt 1 of 4 failed'),
      expect.stringContaining('attempt 2 of 4 failed'),
      expect.stringContaining('attempt 3 of 4 failed'),
      expect.stringMatching(/attempt 4 of 4 failed .*no attempts left, moved to failures/),
    ]);
    expect(await claim(now + 10_000_000)).toEqual([]);
    expect(await failures.countUnresolved(testDb.db, installationId)).toBe(1);
  });

  it('quarantines a permanent error at once, keeping the details', async () => {
    const record = salesforceContact();
    await mark(record);
    const result = await fail(testDb.db, await onlyClaim(2_000), invalid, {
      now: 2_000,
      maxAttempts,
      backoff,
      random: 0,
    });
    expect(result).toMatchObject({
      outcome: 'dead',
      failure: { kind: 'quarantine', category: 'validation', attempts: 1 },
    });
    expect(await failures.findUnresolved(testDb.db, installationId, record)).toMatchObject({
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Salesforce refused the phone number: fix it in HubSpot.',
      details: { field: 'Phone' },
    });
    expect(await dirty.findByRecord(testDb.db, installationId, record)).toBeNull();
  });

  it('gives a failed attempt a fresh start when a newer change arrived during it', async () => {
    await mark();
    const item = await onlyClaim(2_000);
    await mark(hubspotContact('501'), 2_100);
    expect(await fail(testDb.db, item, invalid, { now: 2_200, maxAttempts, backoff, random: 0 })).toEqual({
      outcome: 'requeued',
      nextAttemptAt: 2_200,
    });
    expect(await onlyClaim(2_200)).toMatchObject({ attempts: 1, generation: 2 });
  });

  it('recovers expired leases: another worker takes over and the old holder is fenced off', async () => {
    await mark();
    const first = await onlyClaim(2_000, { leaseMs: 1_000 });
    expect(await claim(2_999, { workerId: 'worker-b' })).toEqual([]);
    const takeover = await onlyClaim(3_000, { workerId: 'worker-b' });
    expect(takeover).toMatchObject({ claimedBy: 'worker-b', attempts: 2 });
    expect(await complete(testDb.db, first, 3_100)).toBe('lease_lost');
    expect(
      await fail(testDb.db, first, rateLimited, { now: 3_100, maxAttempts, backoff, random: 0 }),
    ).toEqual({ outcome: 'lease_lost' });
    expect(await extendLease(testDb.db, first, 3_100, 1_000)).toBe(false);
    expect(await extendLease(testDb.db, takeover, 3_100, 60_000)).toBe(true);
    expect(await claim(40_000, { workerId: 'worker-c' })).toEqual([]);
    expect(await complete(testDb.db, takeover, 3_200)).toBe('done');
  });

  it('recovery requeues expired claims and dead-letters rows that exhausted their attempts by crashing', async () => {
    await mark(hubspotContact('601'));
    await mark(hubspotContact('602'));
    let now = 2_000;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      // The worker "dies" every time: it claims and never settles.
      const batch = await claim(now, { leaseMs: 1_000, maxBatchSize: attempt === maxAttempts ? 1 : 10 });
      expect(batch.length).toBeGreaterThan(0);
      now += 1_000;
    }
    const logger = recordingLogger();
    const result = await recoverExpiredLeases(testDb.db, { now, maxAttempts, logger });
    expect(result).toEqual({ requeued: 1, dead: 1 });
    expect(logger.messages()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/attempt 4 of 4; moved to failures/),
        expect.stringMatching(/attempt 3 of 4; queued again/),
      ]),
    );
    expect(await failures.findUnresolved(testDb.db, installationId, hubspotContact('601'))).toMatchObject({
      code: 'worker_lost',
      category: 'transient',
    });
    expect(await dirty.findByRecord(testDb.db, installationId, hubspotContact('602'))).toMatchObject({
      state: 'pending',
      lastErrorCode: 'lease_expired',
    });
  });

  it('fences a stale claim even when the same worker claims the row again with the same attempt number', async () => {
    await mark();
    const stale = await onlyClaim(2_000, { leaseMs: 1_000 });
    await recoverExpiredLeases(testDb.db, { now: 3_000, maxAttempts });
    await mark(hubspotContact('501'), 3_100); // resets attempts on the pending row
    const fresh = await onlyClaim(3_200);
    expect([fresh.claimedBy, fresh.attempts, fresh.generation]).toEqual([stale.claimedBy, stale.attempts, 2]);
    expect(await complete(testDb.db, { ...stale, generation: 2 }, 3_300)).toBe('lease_lost');
    expect(await complete(testDb.db, fresh, 3_300)).toBe('done');
  });

  it('gives back claims on shutdown without counting the attempt', async () => {
    await mark();
    await onlyClaim(2_000);
    expect(await releaseClaims(testDb.db, 'worker-a', 2_500)).toBe(1);
    expect(await onlyClaim(2_500)).toMatchObject({ attempts: 1 });
  });

  it('is fair: a noisy installation cannot starve the others', async () => {
    const quiet = [await insertInstallation(testDb.db), await insertInstallation(testDb.db)];
    for (let n = 0; n < 60; n += 1) await mark(hubspotContact(String(10_000 + n)), 1_000 + n);
    for (const [index, other] of quiet.entries()) {
      for (let n = 0; n < 3; n += 1) {
        await dirty.mark(
          testDb.db,
          { installationId: other, record: hubspotContact(String(20_000 + 10 * index + n)), source: 'poll' },
          5_000 + n,
        );
      }
    }
    const batch = await claim(10_000, { maxBatchSize: 10 });
    const per = (id: string) => batch.filter((item) => item.installationId === id).length;
    expect(batch).toHaveLength(10);
    expect([per(installationId), per(quiet[0]!), per(quiet[1]!)]).toEqual([4, 3, 3]);
    // Within an installation, the oldest due first.
    expect(
      batch.filter((item) => item.installationId === installationId).map((item) => item.record.recordId),
    ).toEqual(['10000', '10001', '10002', '10003']);
  });

  it('with more installations than slots, gives one row each to the longest-waiting installations', async () => {
    const many: string[] = [];
    for (let n = 0; n < 15; n += 1) {
      const id = await insertInstallation(testDb.db);
      many.push(id);
      // Installation n's oldest change is n ms older than installation n+1's.
      for (let k = 0; k < 2; k += 1) {
        await dirty.mark(
          testDb.db,
          { installationId: id, record: hubspotContact(String(30_000 + 10 * n + k)), source: 'poll' },
          1_000 + n + 100 * k,
        );
      }
    }
    const batch = await claim(10_000, { maxBatchSize: 10 });
    expect(batch.map((item) => item.installationId).sort()).toEqual(many.slice(0, 10).sort());
  });

  it('counts what waits, what is held and what is retrying', async () => {
    await mark(hubspotContact('801'), 1_000);
    await mark(hubspotContact('802'), 1_000, { dueAt: 50_000 });
    await mark(hubspotContact('803'), 1_000);
    const [held] = await claim(2_000, { maxBatchSize: 1 });
    await mark(hubspotContact('804'), 3_000);
    const [failing] = await claim(3_000, { maxBatchSize: 1 });
    await fail(testDb.db, failing!, rateLimited, { now: 3_000, maxAttempts, backoff, random: 0 });
    expect(held).toBeDefined();
    expect(await dirty.counts(testDb.db, installationId, 3_000)).toEqual({
      pending: 3,
      due: 1,
      claimed: 1,
      retrying: 1,
      oldestMarkedAt: 1_000,
    });
  });

  it('skips paused installations and those the caller cannot sync, and keeps their rows', async () => {
    const other = await insertInstallation(testDb.db);
    await mark(hubspotContact('701'));
    await dirty.mark(
      testDb.db,
      { installationId: other, record: hubspotContact('702'), source: 'poll' },
      1_000,
    );
    await setPaused(testDb.db, installationId, true);
    expect((await claim(2_000)).map((item) => item.installationId)).toEqual([other]);
    await mark(hubspotContact('703'), 2_100);
    expect(await claim(2_200)).toEqual([]);

    await setPaused(testDb.db, installationId, false);
    expect(await claim(2_300, { canSync: (id) => id !== installationId })).toEqual([]);
    const resumed = await claim(2_400, { canSync: async () => true });
    expect(resumed.map((item) => item.record.recordId).sort()).toEqual(['701', '703']);
  });

  it('counts the backlog (due or claimed rows) without reading it all', async () => {
    for (const [id, at] of [
      ['601', 1_000],
      ['602', 1_000],
      ['603', 1_000],
      ['604', 5_000],
      ['605', 1_000],
    ] as const)
      await mark(hubspotContact(id), at, { source: 'poll' });
    expect(await dirty.backlogAtLeast(testDb.db, installationId, 6_000, 5)).toBe(true);
    expect(await dirty.backlogAtLeast(testDb.db, installationId, 6_000, 6)).toBe(false);
    // At 2,000 the row marked at 5,000 is not due yet.
    expect(await dirty.backlogAtLeast(testDb.db, installationId, 2_000, 5)).toBe(false);
    await onlyClaim(1_500, { maxBatchSize: 1 });
    // A claimed row is not due (its lease holds) but is still the worker's to finish.
    expect(await dirty.backlogAtLeast(testDb.db, installationId, 2_000, 4)).toBe(true);
    expect(await dirty.backlogAtLeast(testDb.db, installationId, 1_200, 1)).toBe(true);
  });
});
