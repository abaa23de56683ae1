import * as scheduleLeases from '../../../src/db/scheduleLeases';
import { schedulePeriodic, type ScheduledJob } from '../../../src/queue/scheduler';
import { recordingLogger } from '../../fakes/recordingLogger';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

// Far from now: the cron never fires by itself unless a test asks for it.
const yearly = '0 0 1 1 *';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('the scheduler in one process', () => {
  const jobs: ScheduledJob[] = [];
  afterEach(async () => {
    await Promise.all(jobs.splice(0).map((job) => job.stop()));
  });

  it('never overlaps a run with itself', async () => {
    const release = gate();
    let runs = 0;
    const job = schedulePeriodic({
      name: 'poll',
      cron: yearly,
      run: async () => {
        runs += 1;
        await release.opened;
      },
    });
    jobs.push(job);
    const first = job.runNow();
    expect(job.isRunning()).toBe(true);
    expect(await job.runNow()).toBe('skipped_overlap');
    release.open();
    expect(await first).toBe('completed');
    expect(await job.runNow()).toBe('completed');
    expect(runs).toBe(2);
  });

  it('logs a failed run and keeps going', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const job = schedulePeriodic(
      {
        name: 'flaky',
        cron: yearly,
        run: async () => {
          calls += 1;
          if (calls === 1) throw new Error('HubSpot search returned 502');
        },
      },
      { logger },
    );
    jobs.push(job);
    expect(await job.runNow()).toBe('failed');
    expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'flaky failed: HubSpot search returned 502',
    ]);
    expect(await job.runNow()).toBe('completed');
  });

  it('runs on its cron schedule and, once stopped, waits for the run in progress', async () => {
    const started = gate();
    const release = gate();
    let finished = false;
    const job = schedulePeriodic({
      name: 'every-second',
      cron: '* * * * * *',
      run: async () => {
        started.open();
        await release.opened;
        finished = true;
      },
    });
    await started.opened;
    const stopping = job.stop();
    release.open();
    await stopping;
    expect(finished).toBe(true);
    expect(await job.runNow()).toBe('stopped');
  });

  it('refuses an invalid cron expression at once', () => {
    expect(() => schedulePeriodic({ name: 'bad', cron: 'every minute', run: async () => undefined })).toThrow(
      /invalid cron expression/,
    );
  });
});

describe.each(testDialects)('the scheduler across processes on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  const jobs: ScheduledJob[] = [];
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    installationId = await insertInstallation(testDb.db);
  });
  afterEach(async () => {
    await Promise.all(jobs.splice(0).map((job) => job.stop()));
  });
  afterAll(async () => testDb.destroy());

  it('runs a job in one process at a time, through its lease', async () => {
    const release = gate();
    const name = `poll:salesforce:${installationId}`;
    const make = (holder: string, run: () => Promise<void>) => {
      const job = schedulePeriodic(
        { name, cron: yearly, run },
        { lease: { db: testDb.db, holder, leaseMs: 60_000, installationId } },
      );
      jobs.push(job);
      return job;
    };
    const inA = make('worker-a', () => release.opened);
    const inB = make('worker-b', async () => undefined);
    const running = inA.runNow();
    // The run holds the lease once it has started; wait for that rather than for time to pass.
    while ((await scheduleLeases.find(testDb.db, name))?.holder !== 'worker-a')
      await new Promise((resolve) => setImmediate(resolve));
    expect(await inB.runNow()).toBe('skipped_lease_held');
    release.open();
    expect(await running).toBe('completed');
    expect(await inB.runNow()).toBe('completed');
  });

  it('makes one run per period between processes ticking together, with an interval on the lease', async () => {
    let clock = 1_000_000;
    let runs = 0;
    const make = (holder: string) => {
      const job = schedulePeriodic(
        { name: 'ops:alerts:test', cron: yearly, run: async () => void (runs += 1) },
        { clock: () => clock, lease: { db: testDb.db, holder, leaseMs: 60_000, intervalMs: 15_000 } },
      );
      jobs.push(job);
      return job;
    };
    const [inA, inB] = [make('worker-a'), make('worker-b')];
    expect(await inA.runNow()).toBe('completed');
    clock += 500;
    expect(await inB.runNow()).toBe('skipped_lease_held');
    clock += 30_000;
    expect(await inB.runNow()).toBe('completed');
    expect(runs).toBe(2);
  });

  it('takes over a lease whose holder died', async () => {
    const name = 'retention';
    expect(
      await scheduleLeases.tryAcquire(testDb.db, { name, holder: 'dead-worker', now: 1_000, leaseMs: 5_000 }),
    ).toBe(true);
    expect(
      await scheduleLeases.tryAcquire(testDb.db, { name, holder: 'worker-b', now: 5_999, leaseMs: 5_000 }),
    ).toBe(false);
    expect(
      await scheduleLeases.renew(testDb.db, { name, holder: 'dead-worker', now: 5_000, leaseMs: 5_000 }),
    ).toBe(true);
    expect(
      await scheduleLeases.tryAcquire(testDb.db, { name, holder: 'worker-b', now: 10_000, leaseMs: 5_000 }),
    ).toBe(true);
    expect(
      await scheduleLeases.renew(testDb.db, { name, holder: 'dead-worker', now: 10_001, leaseMs: 5_000 }),
    ).toBe(false);
    expect(await scheduleLeases.find(testDb.db, name)).toEqual({ holder: 'worker-b', heldUntil: 15_000 });
  });
  it('keeps an interval job free only an interval after its last run, so two processes cannot run it back to back', async () => {
    const name = 'poll:interval';
    const take = (holder: string, now: number) =>
      scheduleLeases.tryAcquire(testDb.db, { name, holder, now, leaseMs: 120_000, intervalMs: 60_000 });
    expect(await take('worker-a', 1_000)).toBe(true);
    await scheduleLeases.release(testDb.db, { name, holder: 'worker-a', now: 2_000 });
    // worker-b saw the job due before worker-a ran it; by the time it asks, the run has just ended.
    expect(await take('worker-b', 2_001)).toBe(false);
    expect(await take('worker-b', 61_999)).toBe(false);
    expect(await take('worker-b', 62_000)).toBe(true);
  });
});
