import * as processHeartbeats from '../../../src/db/processHeartbeats';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('process_heartbeats on %s', (dialect) => {
  let testDb: TestDb;
  beforeEach(async () => {
    testDb = await createTestDb(dialect);
  });
  afterEach(async () => testDb.destroy());

  const beat = (
    id: string,
    role: processHeartbeats.ProcessRole,
    beatAt: number,
    metrics: string | null = null,
  ) =>
    processHeartbeats.beat(testDb.db, {
      id,
      role,
      hostname: 'host-a',
      pid: 42,
      startedAt: 1_000,
      beatAt,
      metrics,
    });

  it('keeps one row per process, replaced by each beat', async () => {
    await beat('host-a:42:aa', 'worker', 2_000, '[]');
    await beat('host-a:42:aa', 'worker', 7_000, '[{"name":"x"}]');
    await beat('host-a:43:bb', 'server', 6_000);
    expect(await processHeartbeats.listSince(testDb.db, 0)).toEqual([
      {
        id: 'host-a:42:aa',
        role: 'worker',
        hostname: 'host-a',
        pid: 42,
        startedAt: 1_000,
        beatAt: 7_000,
        metrics: '[{"name":"x"}]',
      },
      expect.objectContaining({ id: 'host-a:43:bb', role: 'server', beatAt: 6_000, metrics: null }),
    ]);
    expect((await processHeartbeats.listSince(testDb.db, 6_500)).map((row) => row.id)).toEqual([
      'host-a:42:aa',
    ]);
  });

  it('tells the latest beat of the roles asked about', async () => {
    expect(await processHeartbeats.latestBeat(testDb.db, processHeartbeats.workerRoles)).toBeNull();
    await beat('server', 'server', 9_000);
    await beat('sync', 'sync-worker', 9_500);
    expect(await processHeartbeats.latestBeat(testDb.db, processHeartbeats.workerRoles)).toBeNull();
    await beat('worker', 'worker', 4_000);
    await beat('all', 'all', 5_000);
    expect(await processHeartbeats.latestBeat(testDb.db, processHeartbeats.workerRoles)).toBe(5_000);
  });

  it('removes a stopped process, and prunes the rows of processes that stopped beating', async () => {
    await beat('gone', 'worker', 1_000);
    await beat('old', 'worker', 2_000);
    await beat('live', 'worker', 9_000);
    await processHeartbeats.remove(testDb.db, 'gone');
    expect(await processHeartbeats.pruneBefore(testDb.db, 5_000)).toBe(1);
    expect((await processHeartbeats.listSince(testDb.db, 0)).map((row) => row.id)).toEqual(['live']);
  });

  it('refuses a role it does not know', async () => {
    await expect(beat('x', 'scheduler' as processHeartbeats.ProcessRole, 1)).rejects.toThrow(/role/);
  });
});
