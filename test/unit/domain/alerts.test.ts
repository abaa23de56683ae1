import {
  conditionsOf,
  deliveryRetryDelayMs,
  reconcile,
  STALL_AFTER_MS,
  type AlertFacts,
} from '../../../src/domain/alerts';

const now = 1_800_000_000_000;
const quiet: AlertFacts = {
  now,
  salesforceNeedsReauth: false,
  syncExpected: true,
  salesforceBudget: { shareUsed: 10, share: 1_000, org: { used: 100, limit: 15_000 } },
  recent: { synced: 500, failed: 0 },
  oldestWaitingMarkedAt: null,
  lastSyncedAt: now - 60_000,
};

const kindsOf = (facts: Partial<AlertFacts>) => conditionsOf({ ...quiet, ...facts }).map((c) => c.kind);

describe('alert conditions', () => {
  it.each<[string, Partial<AlertFacts>, string[]]>([
    ['nothing wrong', {}, []],
    [
      'a refused refresh token',
      { salesforceNeedsReauth: true, syncExpected: false },
      ['salesforce_needs_reauth'],
    ],
    ['the share at 60 % exactly', { salesforceBudget: { shareUsed: 600, share: 1_000, org: null } }, []],
    [
      'the share above 60 %',
      { salesforceBudget: { shareUsed: 601, share: 1_000, org: null } },
      ['salesforce_api_budget'],
    ],
    [
      "the org's usage above 60 %",
      { salesforceBudget: { shareUsed: 0, share: 1_000, org: { used: 9_100, limit: 15_000 } } },
      ['salesforce_api_budget'],
    ],
    ['1 % of syncs failing', { recent: { synced: 99, failed: 1 } }, []],
    ['more than 1 % failing', { recent: { synced: 98, failed: 2 } }, ['sync_failure_rate']],
    ['a failure with nothing synced', { recent: { synced: 0, failed: 1 } }, ['sync_failure_rate']],
    [
      'work waiting 29 minutes',
      { oldestWaitingMarkedAt: now - STALL_AFTER_MS + 60_000, lastSyncedAt: null },
      [],
    ],
    [
      'work waiting 30 minutes, never synced',
      { oldestWaitingMarkedAt: now - STALL_AFTER_MS, lastSyncedAt: null },
      ['sync_stalled'],
    ],
    [
      'work waiting 30 minutes, last sync 31 minutes ago',
      { oldestWaitingMarkedAt: now - STALL_AFTER_MS, lastSyncedAt: now - STALL_AFTER_MS - 60_000 },
      ['sync_stalled'],
    ],
    ['work waiting 30 minutes but syncing lately', { oldestWaitingMarkedAt: now - 2 * STALL_AFTER_MS }, []],
    [
      'work waiting while sync is not expected (paused, disconnected, budget spent)',
      { oldestWaitingMarkedAt: now - 2 * STALL_AFTER_MS, lastSyncedAt: null, syncExpected: false },
      [],
    ],
  ])('%s', (_name, facts, kinds) => {
    expect(kindsOf(facts)).toEqual(kinds);
  });

  it('calls a budget at 90 % critical, and names both figures', () => {
    const [budget] = conditionsOf({
      ...quiet,
      salesforceBudget: { shareUsed: 950, share: 1_000, org: { used: 9_500, limit: 15_000 } },
    });
    expect(budget).toMatchObject({ kind: 'salesforce_api_budget', severity: 'critical' });
    expect(budget?.message).toContain('used 950 of its 1000 Salesforce API calls today (95%)');
    expect(budget?.message).toContain('used 9500 of its 15000 daily API calls (63.3%)');
  });
});

describe('reconcile', () => {
  const [reauth] = conditionsOf({ ...quiet, salesforceNeedsReauth: true });
  const [failing] = conditionsOf({ ...quiet, recent: { synced: 50, failed: 5 } });
  const openRef = (id: string, condition: NonNullable<typeof reauth>) => ({
    id,
    kind: condition.kind,
    severity: condition.severity,
    message: condition.message,
  });

  it('opens what holds, keeps what is open and unchanged, updates what changed, resolves what ended', () => {
    const [moved] = conditionsOf({ ...quiet, recent: { synced: 50, failed: 10 } });
    expect(reconcile([], [reauth!])).toEqual({ open: [reauth], update: [], resolve: [] });
    expect(reconcile([openRef('a', reauth!)], [reauth!])).toEqual({ open: [], update: [], resolve: [] });
    expect(reconcile([openRef('b', failing!)], [moved!])).toEqual({
      open: [],
      update: [{ id: 'b', condition: moved }],
      resolve: [],
    });
    expect(reconcile([openRef('a', reauth!)], [])).toEqual({
      open: [],
      update: [],
      resolve: [openRef('a', reauth!)],
    });
  });

  it('opens the brake alert while deletes are held, naming how many', () => {
    expect(kindsOf({ heldDeletes: { count: 0, oldestHeldAt: null } })).toEqual([]);
    const [brake] = conditionsOf({ ...quiet, heldDeletes: { count: 14, oldestHeldAt: 1_000 } });
    expect(brake).toMatchObject({
      kind: 'mass_delete_brake',
      severity: 'critical',
      details: { held: 14, oldestHeldAt: 1_000 },
    });
    expect(brake?.message).toContain('14 deletes');
  });

  it('opens the drift alert when the last reconciliation found more than 1 % of the linked pairs (at least 10)', () => {
    const run = (counts: Record<string, number>, linked: number) => ({
      ...quiet,
      reconciliation: { finishedAt: 5_000, counts, linked },
    });
    expect(kindsOf({ reconciliation: null })).toEqual([]);
    // A small installation: ten findings are within what a day brings.
    expect(conditionsOf(run({ hubspot_deleted: 4, salesforce_changed: 6 }, 200))).toEqual([]);
    expect(conditionsOf(run({ hubspot_deleted: 18, salesforce_changed: 0 }, 2_000))).toEqual([]);
    const [drift] = conditionsOf(
      run({ hubspot_deleted: 12, salesforce_changed: 9, unlinked_match: 0 }, 2_000),
    );
    expect(drift).toMatchObject({
      kind: 'reconciliation_drift',
      severity: 'warning',
      details: { found: 21, linked: 2_000, finishedAt: 5_000 },
    });
    expect(drift?.message).toContain('hubspot_deleted 12, salesforce_changed 9');
    expect(drift?.message).not.toContain('unlinked_match');
  });

  it('leaves alone a kind nobody evaluates', () => {
    const brake = {
      id: 'c',
      kind: 'mass_delete_brake' as const,
      severity: 'critical' as const,
      message: 'x',
    };
    expect(reconcile([brake], [], ['salesforce_needs_reauth']).resolve).toEqual([]);
  });
});

describe('delivery backoff', () => {
  it('doubles from 30 s up to an hour, within ±20 %', () => {
    expect([1, 2, 3, 4, 8, 12].map((attempt) => deliveryRetryDelayMs(attempt, 0.5))).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000,
    ]);
    expect(deliveryRetryDelayMs(1, 0)).toBe(24_000);
    expect(deliveryRetryDelayMs(1, 1)).toBe(36_000);
  });
});
