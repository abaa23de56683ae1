import * as apiLimitReports from '../../../src/db/apiLimitReports';
import * as apiUsage from '../../../src/db/apiUsage';
import { createDb } from '../../../src/db/knex';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

describe.each(testDialects)('API usage on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    installationId = await insertInstallation(testDb.db);
  });

  const tenSeconds = { provider: 'hubspot' as const, windowMs: 10_000 };

  it('counts calls per fixed window', async () => {
    expect(await apiUsage.record(testDb.db, { installationId, ...tenSeconds, calls: 3, now: 20_000 })).toBe(
      3,
    );
    expect(await apiUsage.record(testDb.db, { installationId, ...tenSeconds, calls: 2, now: 29_999 })).toBe(
      5,
    );
    expect(await apiUsage.record(testDb.db, { installationId, ...tenSeconds, calls: 1, now: 30_000 })).toBe(
      1,
    );
    expect(await apiUsage.usage(testDb.db, { installationId, ...tenSeconds, now: 25_000 })).toBe(5);
    expect(
      await apiUsage.usage(testDb.db, {
        installationId,
        provider: 'salesforce',
        windowMs: 10_000,
        now: 25_000,
      }),
    ).toBe(0);
  });

  it('refuses calls beyond the limit without counting them, and says when the window reopens', async () => {
    expect(
      await apiUsage.tryConsume(testDb.db, {
        installationId,
        ...tenSeconds,
        calls: 8,
        limit: 10,
        now: 41_000,
      }),
    ).toEqual({ ok: true, used: 8 });
    expect(
      await apiUsage.tryConsume(testDb.db, {
        installationId,
        ...tenSeconds,
        calls: 3,
        limit: 10,
        now: 42_000,
      }),
    ).toEqual({ ok: false, used: 8, retryAt: 50_000 });
    expect(
      await apiUsage.tryConsume(testDb.db, {
        installationId,
        ...tenSeconds,
        calls: 2,
        limit: 10,
        now: 43_000,
      }),
    ).toEqual({ ok: true, used: 10 });
    expect(
      await apiUsage.tryConsume(testDb.db, {
        installationId,
        ...tenSeconds,
        calls: 11,
        limit: 10,
        now: 50_000,
      }),
    ).toEqual({ ok: false, used: 0, retryAt: 60_000 });
    expect(
      await apiUsage.tryConsume(testDb.db, {
        installationId,
        ...tenSeconds,
        calls: 1,
        limit: 10,
        now: 50_000,
      }),
    ).toEqual({ ok: true, used: 1 });
  });

  it('never grants more than the limit to workers racing on separate connection pools', async () => {
    const workers =
      dialect === 'postgres'
        ? Array.from({ length: 4 }, () => createDb(testDb.url, { maxConnections: 3 }))
        : [testDb.db];
    try {
      const attempts = Array.from({ length: 60 }, (_, n) =>
        apiUsage.tryConsume(workers[n % workers.length]!, {
          installationId,
          provider: 'salesforce',
          windowMs: 86_400_000,
          calls: 1,
          limit: 25,
          now: 1_000 + n,
        }),
      );
      const results = await Promise.all(attempts);
      expect(results.filter((result) => result.ok)).toHaveLength(25);
      expect(
        await apiUsage.usage(testDb.db, {
          installationId,
          provider: 'salesforce',
          windowMs: 86_400_000,
          now: 1_000,
        }),
      ).toBe(25);
    } finally {
      if (dialect === 'postgres') await Promise.all(workers.map((worker) => worker.destroy()));
    }
  });

  it('prunes windows that ended', async () => {
    await apiUsage.record(testDb.db, { installationId, ...tenSeconds, calls: 1, now: 100_000 });
    await apiUsage.record(testDb.db, { installationId, ...tenSeconds, calls: 1, now: 200_000 });
    expect(await apiUsage.prune(testDb.db, 150_000)).toBeGreaterThanOrEqual(1);
    expect(await apiUsage.usage(testDb.db, { installationId, ...tenSeconds, now: 100_000 })).toBe(0);
    expect(await apiUsage.usage(testDb.db, { installationId, ...tenSeconds, now: 200_000 })).toBe(1);
  });

  it('keeps the newest Sforce-Limit-Info report even when reports arrive out of order', async () => {
    expect(await apiLimitReports.latest(testDb.db, installationId, 'salesforce')).toBeNull();
    await apiLimitReports.report(testDb.db, {
      installationId,
      provider: 'salesforce',
      used: 10_018,
      limit: 100_000,
      observedAt: 2_000,
    });
    await apiLimitReports.report(testDb.db, {
      installationId,
      provider: 'salesforce',
      used: 9_000,
      limit: 100_000,
      observedAt: 1_000,
    });
    expect(await apiLimitReports.latest(testDb.db, installationId, 'salesforce')).toEqual({
      provider: 'salesforce',
      used: 10_018,
      limit: 100_000,
      observedAt: 2_000,
    });
    await apiLimitReports.report(testDb.db, {
      installationId,
      provider: 'salesforce',
      used: 10_500,
      limit: 100_000,
      observedAt: 3_000,
    });
    expect((await apiLimitReports.latest(testDb.db, installationId, 'salesforce'))?.used).toBe(10_500);
  });
});
