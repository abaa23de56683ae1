/**
 * Alerts: conditions of an installation an operator must hear about, decided from facts read elsewhere.
 * `conditionsOf` says which alerts should be open now; `reconcile` compares that with the alerts that are
 * open and says which to open, which to update and which to resolve. Both are pure: time is an argument.
 *
 *   (none) ──condition holds──► open ──condition still holds (message may change)──► open
 *                                 └──condition ends──► resolved
 *
 * Adding one means a fact in `AlertFacts`, a branch in `conditionsOf` and its reader in src/ops/alerts.ts.
 */

export const alertKinds = [
  'salesforce_needs_reauth',
  'salesforce_api_budget',
  'sync_failure_rate',
  'sync_stalled',
  'mass_delete_brake',
  'reconciliation_drift',
] as const;
export type AlertKind = (typeof alertKinds)[number];

export const alertSeverities = ['critical', 'warning'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

/** The Salesforce API budget share above which the budget alert opens. */
export const BUDGET_ALERT_RATIO = 0.6;
/** The window and the share of failing syncs above which the failure-rate alert opens. */
export const FAILURE_RATE_WINDOW_MS = 60 * 60_000;
export const FAILURE_RATE_ALERT_RATIO = 0.01;
/** How long work may wait with nothing synced before the stall alert opens. */
export const STALL_AFTER_MS = 30 * 60_000;
/**
 * The drift alert opens when the latest finished reconciliation found more than this share of the linked
 * pairs (or, for a small installation, more than DRIFT_ALERT_MIN_FINDINGS findings) that change detection
 * had missed: a sign that webhooks or polls lose changes.
 */
export const DRIFT_ALERT_RATIO = 0.01;
export const DRIFT_ALERT_MIN_FINDINGS = 10;

/** What the alert readers found about one installation, at `now`. */
export interface AlertFacts {
  now: number;
  /** The Salesforce side needs a new login: its refresh token was refused. */
  salesforceNeedsReauth: boolean;
  /** Sync is meant to run: both sides connected and confirmed, not paused by an admin, budget not spent. */
  syncExpected: boolean;
  /** Null when the installation has no Salesforce connection to spend a budget on. */
  salesforceBudget: {
    /** The installation's own daily share, and what it spent today (UTC). */
    shareUsed: number;
    share: number;
    /** The org's allocation and usage (every integration), as Salesforce last reported; null before any call. */
    org: { used: number; limit: number } | null;
  } | null;
  /** Records synced and records whose latest sync failed (and still fail), within FAILURE_RATE_WINDOW_MS. */
  recent: { synced: number; failed: number };
  /** When the oldest change still waiting (due or being synced) was first marked; null when none waits. */
  oldestWaitingMarkedAt: number | null;
  /** When any record of the installation last synced, or null. */
  lastSyncedAt: number | null;
  /** Deletes the mass-delete brake holds for an admin, and when the oldest was held (0 and null: none). */
  heldDeletes?: { count: number; oldestHeldAt: number | null };
  /** The latest finished reconciliation: what it found by kind, when it finished, and the active links. */
  reconciliation?: { finishedAt: number; counts: Record<string, number>; linked: number } | null;
}

/** An alert that should be open: its kind, how bad, a sentence for the operator, and the numbers behind it. */
export interface AlertCondition {
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  details: Record<string, number | string | null>;
}

const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;
const minutes = (ms: number) => `${Math.floor(ms / 60_000)} minutes`;

export function conditionsOf(facts: AlertFacts): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  if (facts.salesforceNeedsReauth) {
    conditions.push({
      kind: 'salesforce_needs_reauth',
      severity: 'critical',
      message:
        'Salesforce refused the refresh token: sync is stopped until an admin reconnects Salesforce from the app (Reconnect).',
      details: {},
    });
  }
  const budget = facts.salesforceBudget;
  if (budget) {
    const shareRatio = budget.share > 0 ? budget.shareUsed / budget.share : 0;
    const orgRatio = budget.org && budget.org.limit > 0 ? budget.org.used / budget.org.limit : 0;
    if (shareRatio > BUDGET_ALERT_RATIO || orgRatio > BUDGET_ALERT_RATIO) {
      const parts: string[] = [];
      if (shareRatio > BUDGET_ALERT_RATIO)
        parts.push(
          `the installation used ${budget.shareUsed} of its ${budget.share} Salesforce API calls today (${percent(shareRatio)})`,
        );
      if (budget.org && orgRatio > BUDGET_ALERT_RATIO)
        parts.push(
          `the Salesforce org used ${budget.org.used} of its ${budget.org.limit} daily API calls (${percent(orgRatio)})`,
        );
      conditions.push({
        kind: 'salesforce_api_budget',
        severity: Math.max(shareRatio, orgRatio) >= 0.9 ? 'critical' : 'warning',
        message: `Salesforce API budget above ${percent(BUDGET_ALERT_RATIO)}: ${parts.join('; ')}. Sync stops when it is spent.`,
        details: {
          shareUsed: budget.shareUsed,
          share: budget.share,
          orgUsed: budget.org?.used ?? null,
          orgLimit: budget.org?.limit ?? null,
        },
      });
    }
  }
  const attempted = facts.recent.synced + facts.recent.failed;
  if (facts.recent.failed > 0 && facts.recent.failed / attempted > FAILURE_RATE_ALERT_RATIO) {
    const ratio = facts.recent.failed / attempted;
    conditions.push({
      kind: 'sync_failure_rate',
      severity: 'warning',
      message: `${percent(ratio)} of syncs failed in the last hour (${facts.recent.failed} of ${attempted} records): their cards and the health tab say why.`,
      details: { synced: facts.recent.synced, failed: facts.recent.failed },
    });
  }
  const held = facts.heldDeletes;
  if (held && held.count > 0) {
    conditions.push({
      kind: 'mass_delete_brake',
      severity: 'critical',
      message: `The mass-delete brake holds ${held.count} ${held.count === 1 ? 'delete' : 'deletes'}: nothing is marked or archived for them, and later deletes wait too, until an admin releases or discards them on the settings page (Deletes). Other changes keep syncing.`,
      details: { held: held.count, oldestHeldAt: held.oldestHeldAt },
    });
  }
  const reconciliation = facts.reconciliation;
  if (reconciliation) {
    const found = Object.values(reconciliation.counts).reduce((sum, count) => sum + count, 0);
    const threshold = Math.max(DRIFT_ALERT_MIN_FINDINGS, reconciliation.linked * DRIFT_ALERT_RATIO);
    if (found > threshold) {
      const kinds = Object.entries(reconciliation.counts)
        .filter(([, count]) => count > 0)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ');
      conditions.push({
        kind: 'reconciliation_drift',
        severity: 'warning',
        message: `The last reconciliation found ${found} records that change detection had missed (${kinds}), more than ${percent(DRIFT_ALERT_RATIO)} of ${reconciliation.linked} linked pairs: they are queued and sync, but webhooks or polls are losing changes. Check webhook delivery (/metrics: webhook intake) and the polls' log.`,
        details: { found, linked: reconciliation.linked, finishedAt: reconciliation.finishedAt },
      });
    }
  }
  const waiting = facts.oldestWaitingMarkedAt;
  const syncedLately = facts.lastSyncedAt !== null && facts.now - facts.lastSyncedAt < STALL_AFTER_MS;
  if (facts.syncExpected && waiting !== null && facts.now - waiting >= STALL_AFTER_MS && !syncedLately) {
    conditions.push({
      kind: 'sync_stalled',
      severity: 'critical',
      message: `Nothing synced for ${minutes(facts.lastSyncedAt === null ? facts.now - waiting : facts.now - facts.lastSyncedAt)} while changes wait (the oldest for ${minutes(facts.now - waiting)}): check that a worker runs (/readyz) and its log.`,
      details: { oldestWaitingMarkedAt: waiting, lastSyncedAt: facts.lastSyncedAt },
    });
  }
  return conditions;
}

/** An alert as stored, as far as reconciling goes. */
export interface OpenAlertRef {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
}

export interface AlertChanges {
  open: AlertCondition[];
  /** Still holding, with a new message or severity (the numbers moved). */
  update: Array<{ id: string; condition: AlertCondition }>;
  resolve: OpenAlertRef[];
}

/**
 * What to do so that exactly the conditions that hold are open. A kind no reader evaluates (`evaluated`
 * leaves it out) is neither opened nor resolved.
 */
export function reconcile(
  open: readonly OpenAlertRef[],
  conditions: readonly AlertCondition[],
  evaluated: readonly AlertKind[] = alertKinds,
): AlertChanges {
  const changes: AlertChanges = { open: [], update: [], resolve: [] };
  for (const condition of conditions) {
    const current = open.find((alert) => alert.kind === condition.kind);
    if (!current) changes.open.push(condition);
    else if (current.message !== condition.message || current.severity !== condition.severity)
      changes.update.push({ id: current.id, condition });
  }
  for (const alert of open) {
    if (!evaluated.includes(alert.kind)) continue;
    if (!conditions.some((condition) => condition.kind === alert.kind)) changes.resolve.push(alert);
  }
  return changes;
}

/** When the next delivery attempt goes, after `attempts` failed ones: 30 s doubling up to an hour, jittered. */
export function deliveryRetryDelayMs(attempts: number, random: number): number {
  const base = Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

/** Attempts before a delivery is given up (about 8 hours of retries). */
export const MAX_DELIVERY_ATTEMPTS = 12;
