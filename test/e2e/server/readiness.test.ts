/**
 * `/readyz` over real HTTP: ready while the database answers, every migration is applied and a worker
 * beats; otherwise 503 with the reason: no worker, a stale heartbeat, a migration not applied, a closed
 * database.
 */
import { migrations } from '../../../migrations';
import { migrateLatest } from '../../../src/db/migrate';
import { startProcessHeartbeat, type ProcessHeartbeat } from '../../../src/ops/processHeartbeat';
import { WORKER_STALE_AFTER_MS } from '../../../src/ops/readiness';
import { testClock, type TestClock } from '../../support/bridge-context';
import { startBridge, type RunningBridge } from '../../support/bridge-server';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

interface Answer {
  status: number;
  body: {
    status?: string;
    checks?: Record<string, unknown>;
    error?: {
      code: string;
      message: string;
      details: { reasons: string[]; checks: Record<string, unknown> };
    };
  };
}

describe.each(testDialects)('/readyz (%s)', (dialect) => {
  let testDb: TestDb;
  let clock: TestClock;
  let bridge: RunningBridge;
  let heartbeat: ProcessHeartbeat | undefined;
  beforeEach(async () => {
    testDb = await createTestDb(dialect);
    clock = testClock();
    bridge = await startBridge({
      db: testDb.db,
      hubspotBaseUrl: 'http://127.0.0.1:9',
      salesforceBaseUrl: 'http://127.0.0.1:9',
      clock,
    });
  });
  afterEach(async () => {
    await heartbeat?.stop();
    heartbeat = undefined;
    await bridge.close();
    await testDb.destroy();
  });

  async function readyz(): Promise<Answer> {
    const response = await fetch(`${bridge.baseUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  /** A worker process's heartbeat that beats only when told to, so the test decides when it goes stale. */
  async function workerBeats(): Promise<ProcessHeartbeat> {
    heartbeat = startProcessHeartbeat(bridge.context, { role: 'worker', everyMs: 3_600_000 });
    await heartbeat.beat();
    return heartbeat;
  }

  it('is ready while a worker beats, and not once its heartbeat is stale', async () => {
    const alone = await readyz();
    expect(alone.status).toBe(503);
    expect(alone.body.error).toMatchObject({
      code: 'not_ready',
      message: expect.stringMatching(/No worker is running/),
      details: {
        checks: { database: { ok: true }, migrations: { ok: true, pending: [] }, worker: { ok: false } },
      },
    });

    const beating = await workerBeats();
    expect(await readyz()).toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: {
          database: { ok: true },
          migrations: { ok: true, pending: [] },
          worker: { ok: true, lastBeatAt: clock.now(), ageMs: 0 },
        },
      },
    });

    clock.advance(WORKER_STALE_AFTER_MS + 1_000);
    const stale = await readyz();
    expect(stale.status).toBe(503);
    expect(stale.body.error?.details.reasons).toEqual([
      `The last worker heartbeat was ${(WORKER_STALE_AFTER_MS + 1_000) / 1000} s ago (more than ${WORKER_STALE_AFTER_MS / 1000} s).`,
    ]);

    await beating.beat();
    expect((await readyz()).status).toBe(200);
    // A worker that stops cleanly is gone at once.
    await beating.stop();
    expect((await readyz()).status).toBe(503);
  });

  it('is not ready while a migration is not applied', async () => {
    await workerBeats();
    expect((await readyz()).status).toBe(200);
    // The newest migration rolled back, as `npm run migrate -- down` would, or as a newer release finds it.
    const newest = migrations[migrations.length - 1];
    if (!newest) throw new Error('no migrations');
    await newest.down(testDb.db);
    await testDb.db('knex_migrations').where({ name: newest.name }).delete();
    const behind = await readyz();
    expect(behind.status).toBe(503);
    expect(behind.body.error?.details.checks).toMatchObject({
      database: { ok: true },
      migrations: { ok: false, pending: [newest.name] },
    });
    expect(behind.body.error?.message).toContain(`1 migration(s) not applied: ${newest.name}`);

    await migrateLatest(testDb.db);
    await heartbeat?.beat();
    expect((await readyz()).status).toBe(200);
  });

  it('is not ready when the database is closed', async () => {
    await workerBeats();
    await heartbeat?.stop();
    heartbeat = undefined;
    await testDb.db.destroy();
    const closed = await readyz();
    expect(closed.status).toBe(503);
    expect(closed.body.error).toMatchObject({
      code: 'not_ready',
      message: 'The database does not respond.',
      details: { checks: { database: { ok: false } } },
    });
  });
});
