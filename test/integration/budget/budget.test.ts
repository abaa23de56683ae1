import type { BudgetExhausted } from '../../../src/connectors/gate';
import { isBudgetExhausted } from '../../../src/connectors/gate';
import * as apiLimitReports from '../../../src/db/apiLimitReports';
import * as settingsTable from '../../../src/db/settings';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import {
  Budget,
  DEFAULT_SALESFORCE_DAILY_ALLOCATION,
  HUBSPOT_CALL_WINDOW_MS,
  HUBSPOT_SEARCH_WINDOW_MS,
  SALESFORCE_ORG_RECHECK_MS,
} from '../../../src/budget/budget';
import { recordingLogger } from '../../fakes/recordingLogger';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const DAY_MS = 86_400_000;
// Noon UTC, so a day's window has room on both sides.
const NOON = Date.UTC(2026, 10, 22, 12, 0, 0);

/** A clock that only moves when the budget sleeps: every wait is counted and none takes real time. */
function fakeTime(start = NOON) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

async function saveBudget(
  db: TestDb['db'],
  installationId: string,
  apiBudget: { salesforceDailyPercent?: number; hubspotCallsPer10s?: number },
) {
  await settingsTable.save(
    db,
    installationId,
    {
      document: { ...(defaultSettingsInput as Record<string, unknown>), apiBudget },
      createdBy: 'admin',
      baseVersion: 0,
    },
    NOON,
  );
}

describe.each(testDialects)('the API budget on %s', (dialect) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());

  it('keeps HubSpot calls under the per-second share of the 10-second limit, waiting for the next window', async () => {
    const installationId = await insertInstallation(testDb.db);
    await saveBudget(testDb.db, installationId, { hubspotCallsPer10s: 22 });
    const time = fakeTime();
    const budget = new Budget({ db: testDb.db, now: time.now, sleep: time.sleep });
    const gate = budget.gateFor(installationId);
    const startedAt = time.now();
    const windowsUsed = new Map<number, number>();
    for (let call = 0; call < 7; call += 1) {
      await gate.acquire('hubspot', 'read');
      const window = Math.floor(time.now() / HUBSPOT_CALL_WINDOW_MS);
      windowsUsed.set(window, (windowsUsed.get(window) ?? 0) + 1);
    }
    // 22 per 10 s → 2 per second: seven calls need four windows, and no window took more than two.
    expect([...windowsUsed.values()]).toEqual([2, 2, 2, 1]);
    expect(time.sleeps).toHaveLength(3);
    expect(time.now() - startedAt).toBeLessThanOrEqual(3 * HUBSPOT_CALL_WINDOW_MS);
  });

  it('spaces HubSpot searches to at most four in any second, and counts them as calls too', async () => {
    const installationId = await insertInstallation(testDb.db);
    const time = fakeTime();
    const budget = new Budget({ db: testDb.db, now: time.now, sleep: time.sleep });
    const gate = budget.gateFor(installationId);
    const at: number[] = [];
    for (let search = 0; search < 6; search += 1) {
      await gate.acquire('hubspot', 'search');
      at.push(time.now());
    }
    for (let index = 0; index < at.length; index += 1) {
      const inOneSecond = at.filter((t) => t >= at[index]! && t < at[index]! + 1_000).length;
      expect(inOneSecond).toBeLessThanOrEqual(4);
    }
    expect(new Set(at.map((t) => Math.floor(t / HUBSPOT_SEARCH_WINDOW_MS))).size).toBe(6);
    const counted = await testDb
      .db('api_usage')
      .where({ installation_id: installationId, provider: 'hubspot', window_ms: HUBSPOT_CALL_WINDOW_MS })
      .sum({ calls: 'calls' })
      .first();
    expect(Number((counted as { calls: number | string }).calls)).toBe(6);
  });

  it('refuses a HubSpot call it would have to wait too long for', async () => {
    const installationId = await insertInstallation(testDb.db);
    await saveBudget(testDb.db, installationId, { hubspotCallsPer10s: 11 });
    const time = fakeTime();
    const budget = new Budget({ db: testDb.db, now: time.now, sleep: time.sleep, maxWaitMs: 0 });
    const gate = budget.gateFor(installationId);
    await gate.acquire('hubspot', 'write');
    const refusal = await gate.acquire('hubspot', 'write').catch((error: unknown) => error);
    expect(isBudgetExhausted(refusal)).toBe(true);
    expect((refusal as BudgetExhausted).provider).toBe('hubspot');
    expect((refusal as BudgetExhausted).freesAtMs).toBe(
      Math.floor(time.now() / HUBSPOT_CALL_WINDOW_MS) * HUBSPOT_CALL_WINDOW_MS + HUBSPOT_CALL_WINDOW_MS,
    );
  });

  it('stops Salesforce calls at the daily share of the allocation Salesforce reported, until the next day', async () => {
    const installationId = await insertInstallation(testDb.db);
    await saveBudget(testDb.db, installationId, { salesforceDailyPercent: 2 });
    const time = fakeTime();
    const logger = recordingLogger();
    const budget = new Budget({ db: testDb.db, now: time.now, sleep: time.sleep, logger });
    const gate = budget.gateFor(installationId);
    // Before Salesforce has said anything, the smallest allocation is assumed.
    expect((await budget.status(installationId)).salesforce.dailyShare).toBe(
      (DEFAULT_SALESFORCE_DAILY_ALLOCATION * 2) / 100,
    );
    await gate.acquire('salesforce', 'read');
    gate.observeSalesforceUsage?.(120, 500);
    await gate.settled();
    // 2 % of 500 is 10 calls a day; one is spent.
    for (let call = 1; call < 10; call += 1) await gate.acquire('salesforce', 'read');
    const refusals = await Promise.all(
      [1, 2, 3].map(() => gate.acquire('salesforce', 'write').catch((e) => e)),
    );
    for (const refusal of refusals) {
      expect(isBudgetExhausted(refusal)).toBe(true);
      expect((refusal as BudgetExhausted).freesAtMs).toBe(Date.UTC(2026, 10, 23));
      expect((refusal as BudgetExhausted).reason).toContain('share of the Salesforce org');
    }
    // One log line for the wait, not one per refused call.
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);

    const status = await budget.status(installationId);
    expect(status).toMatchObject({
      state: 'waiting',
      salesforce: { dailyShare: 10, usedToday: 10, org: { used: 120, limit: 500 } },
      waits: [
        { provider: 'salesforce', reason: 'salesforce_share_spent', resumesAt: Date.UTC(2026, 10, 23) },
      ],
    });
    expect(await budget.canSync(installationId)).toBe(false);

    time.advance(DAY_MS);
    expect(await budget.canSync(installationId)).toBe(true);
    await expect(gate.acquire('salesforce', 'read')).resolves.toBeUndefined();
  });

  it('stops when the whole org nears its allocation, and looks again a while later', async () => {
    const installationId = await insertInstallation(testDb.db);
    const time = fakeTime();
    const budget = new Budget({ db: testDb.db, now: time.now, sleep: time.sleep });
    await apiLimitReports.report(testDb.db, {
      installationId,
      provider: 'salesforce',
      used: 96_000,
      limit: 100_000,
      observedAt: time.now(),
    });
    const refusal = await budget
      .gateFor(installationId)
      .acquire('salesforce', 'read')
      .catch((e: unknown) => e);
    expect(isBudgetExhausted(refusal)).toBe(true);
    expect((refusal as BudgetExhausted).freesAtMs).toBe(NOON + SALESFORCE_ORG_RECHECK_MS);
    expect(await budget.status(installationId)).toMatchObject({
      state: 'waiting',
      waits: [{ reason: 'salesforce_org_limit', resumesAt: NOON + SALESFORCE_ORG_RECHECK_MS }],
    });
    // HubSpot is not affected.
    await expect(budget.gateFor(installationId).acquire('hubspot', 'read')).resolves.toBeUndefined();

    time.advance(SALESFORCE_ORG_RECHECK_MS);
    expect(await budget.canSync(installationId)).toBe(true);
    await expect(budget.gateFor(installationId).acquire('salesforce', 'read')).resolves.toBeUndefined();
  });

  it('counts across budget instances, as separate worker processes would', async () => {
    const installationId = await insertInstallation(testDb.db);
    await saveBudget(testDb.db, installationId, { salesforceDailyPercent: 1 });
    const time = fakeTime();
    const workers = [1, 2, 3].map(() => new Budget({ db: testDb.db, now: time.now, sleep: time.sleep }));
    await apiLimitReports.report(testDb.db, {
      installationId,
      provider: 'salesforce',
      used: 0,
      limit: 1_000,
      observedAt: time.now(),
    });
    // 1 % of 1,000: ten calls a day between all of them.
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        workers[n % 3]!.gateFor(installationId)
          .acquire('salesforce', 'read')
          .then(() => 'ok')
          .catch((e: unknown) => (isBudgetExhausted(e) ? 'refused' : String(e))),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(20);
  });
});
