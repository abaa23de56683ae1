import { createDb, type Db } from '../../../src/db/knex';
import {
  RefreshCoordinator,
  type RefreshGuard,
  type RefreshTiming,
} from '../../../src/auth/refreshCoordinator';
import { CredentialsError } from '../../../src/auth/errors';
import * as leases from '../../../src/db/tokenRefreshLeases';
import { err, ok } from '../../../src/domain/result';
import { createTestDb, testDialects, type TestDb } from '../../support/db';
import { testClock, testContext } from '../../support/bridge-context';
import { makeInstallation } from '../../support/installations';

const timing: RefreshTiming = {
  leaseTtlMs: 30_000,
  pollIntervalMs: 50,
  maxWaitMs: 5_000,
  refreshDeadlineMs: 5_000,
};

/**
 * A fake provider whose token lives in a column of the installation row, refreshed by bumping a counter; it
 * stores the new token only where its guard still holds, as the credentials module does.
 */
function tokenJob(db: Db, installationId: string, calls: { count: number }, gate?: Promise<void>) {
  const read = async () => {
    const row = await db('installations').where({ id: installationId }).first();
    return row.hubspot_user_id as string | null;
  };
  return {
    installationId,
    provider: 'hubspot' as const,
    current: async () => ok(await read()),
    refresh: async (guard: RefreshGuard) => {
      calls.count += 1;
      await gate;
      const token = `token-${calls.count}`;
      const stored = await db.transaction(async (trx) => {
        if (!(await guard.holds(trx))) return false;
        await trx('installations').where({ id: installationId }).update({ hubspot_user_id: token });
        return true;
      });
      return stored ? ok(token) : err(new CredentialsError('refresh_busy', 'lease lost'));
    },
  };
}

describe.each(testDialects)('token refresh coordination on %s', (dialect) => {
  let testDb: TestDb;
  let secondProcessDb: Db;

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    // A second, independent connection pool: what another server or worker process would have.
    secondProcessDb = createDb(testDb.url);
  });
  afterAll(async () => {
    await secondProcessDb.destroy();
    await testDb.destroy();
  });

  it('refreshes once for many callers in two processes', async () => {
    const ctx = testContext(testDb.db);
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await testDb.db('installations').where({ id: installation.id }).update({ hubspot_user_id: null });
    const calls = { count: 0 };
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const processA = new RefreshCoordinator(testDb.db, Date.now, timing);
    const processB = new RefreshCoordinator(secondProcessDb, Date.now, timing);
    const results = [
      processA.run(tokenJob(testDb.db, installation.id, calls, gate)),
      processA.run(tokenJob(testDb.db, installation.id, calls, gate)),
      processB.run(tokenJob(secondProcessDb, installation.id, calls, gate)),
      processB.run(tokenJob(secondProcessDb, installation.id, calls, gate)),
    ];
    // Let every caller reach the lease before the one refresh finishes.
    await new Promise((resolve) => setTimeout(resolve, 100));
    open();
    const settled = await Promise.all(results);
    expect(calls.count).toBe(1);
    expect(settled).toEqual(settled.map(() => ({ ok: true, value: 'token-1' })));
    expect(await leases.find(testDb.db, installation.id, 'hubspot')).toBeNull();
  });

  it('takes over the lease of a process that died mid-refresh, once it expires', async () => {
    const clock = testClock();
    const ctx = testContext(testDb.db, { clock });
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await testDb.db('installations').where({ id: installation.id }).update({ hubspot_user_id: null });
    await leases.tryAcquire(testDb.db, {
      installationId: installation.id,
      provider: 'hubspot',
      holder: 'dead-process',
      now: clock.now(),
      ttlMs: 1_000,
    });
    const calls = { count: 0 };
    const coordinator = new RefreshCoordinator(testDb.db, clock.now, timing, async (ms) => clock.advance(ms));
    expect(await coordinator.run(tokenJob(testDb.db, installation.id, calls))).toEqual({
      ok: true,
      value: 'token-1',
    });
    expect(calls.count).toBe(1);
  });

  it('gives up with a retryable error while another live process holds the lease too long', async () => {
    const clock = testClock();
    const ctx = testContext(testDb.db, { clock });
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await testDb.db('installations').where({ id: installation.id }).update({ hubspot_user_id: null });
    await leases.tryAcquire(testDb.db, {
      installationId: installation.id,
      provider: 'hubspot',
      holder: 'slow-process',
      now: clock.now(),
      ttlMs: 3_600_000,
    });
    const calls = { count: 0 };
    const coordinator = new RefreshCoordinator(testDb.db, clock.now, timing, async (ms) => clock.advance(ms));
    const result = await coordinator.run(tokenJob(testDb.db, installation.id, calls));
    expect(calls.count).toBe(0);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(CredentialsError);
      expect(result.error).toMatchObject({ code: 'refresh_busy', retryable: true, category: 'transient' });
    }
  });

  it('does not refresh when the token became valid while waiting for the lease', async () => {
    const ctx = testContext(testDb.db);
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await testDb
      .db('installations')
      .where({ id: installation.id })
      .update({ hubspot_user_id: 'refreshed-elsewhere' });
    const calls = { count: 0 };
    const coordinator = new RefreshCoordinator(testDb.db, Date.now, timing);
    expect(await coordinator.run(tokenJob(testDb.db, installation.id, calls))).toEqual({
      ok: true,
      value: 'refreshed-elsewhere',
    });
    expect(calls.count).toBe(0);
  });

  it('abandons a refresh that never settles: callers get a retryable error, and the next caller starts afresh', async () => {
    const ctx = testContext(testDb.db);
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await testDb.db('installations').where({ id: installation.id }).update({ hubspot_user_id: null });
    const coordinator = new RefreshCoordinator(testDb.db, Date.now, { ...timing, refreshDeadlineMs: 200 });
    const hung = { count: 0 };
    const never = new Promise<void>(() => undefined);
    const [first, second] = await Promise.all([
      coordinator.run(tokenJob(testDb.db, installation.id, hung, never)),
      coordinator.run(tokenJob(testDb.db, installation.id, hung, never)),
    ]);
    expect(hung.count).toBe(1);
    for (const result of [first, second]) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
      // The deadline ended it (the job never settles): no wall-clock bound, which a loaded machine stretches.
      if (!result.ok) expect(result.error.message).toContain('did not finish within 200 ms');
    }
    // The lease was given up, not left to expire: the next caller refreshes at once.
    expect(await leases.find(testDb.db, installation.id, 'hubspot')).toBeNull();
    const working = { count: 0 };
    expect(await coordinator.run(tokenJob(testDb.db, installation.id, working))).toEqual({
      ok: true,
      value: 'token-1',
    });
    expect(working.count).toBe(1);
  });

  it('renews the lease while a long refresh runs, so no other process refreshes at the same time', async () => {
    const ctx = testContext(testDb.db);
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await testDb.db('installations').where({ id: installation.id }).update({ hubspot_user_id: null });
    const short = { ...timing, leaseTtlMs: 400 };
    const calls = { count: 0 };
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const processA = new RefreshCoordinator(testDb.db, Date.now, short);
    const processB = new RefreshCoordinator(secondProcessDb, Date.now, short);
    const first = processA.run(tokenJob(testDb.db, installation.id, calls, gate));
    // Three lease lifetimes later, A is still refreshing and B comes along.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const lease = await leases.find(testDb.db, installation.id, 'hubspot');
    expect(lease?.expiresAt).toBeGreaterThan(Date.now());
    const second = processB.run(tokenJob(secondProcessDb, installation.id, calls, gate));
    await new Promise((resolve) => setTimeout(resolve, 500));
    open();
    expect(await Promise.all([first, second])).toEqual([
      { ok: true, value: 'token-1' },
      { ok: true, value: 'token-1' },
    ]);
    expect(calls.count).toBe(1);
  });

  it('drops what an abandoned refresh gets when it finally answers', async () => {
    const ctx = testContext(testDb.db);
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await testDb.db('installations').where({ id: installation.id }).update({ hubspot_user_id: null });
    const coordinator = new RefreshCoordinator(testDb.db, Date.now, { ...timing, refreshDeadlineMs: 100 });
    const calls = { count: 0 };
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const abandoned = await coordinator.run(tokenJob(testDb.db, installation.id, calls, gate));
    expect(abandoned.ok).toBe(false);
    open();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const row = await testDb.db('installations').where({ id: installation.id }).first();
    expect(row.hubspot_user_id).toBeNull();
  });
});
