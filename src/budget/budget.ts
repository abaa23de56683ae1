/**
 * API limits and budgets per installation, enforced in the database so they hold across any number of
 * worker and server processes. Every connector call of the sync, the polls and the settings checks passes
 * the installation's gate first.
 *
 * HubSpot (per portal, rolling windows on HubSpot's side: 110 calls per 10 s for a public app, 5 searches
 * per second). We count in fixed windows, which can be filled at the end of one window and again at the
 * start of the next; the window sizes below are chosen so that no rolling interval can exceed the limit:
 * - every call: 1-second windows of floor(callsPer10s / 11), since a rolling 10 s touches at most 11 of them;
 * - searches additionally: one per 350 ms window, since a rolling second touches at most 4 of them.
 * A full window frees up within a second, so a HubSpot call waits for it instead of failing.
 *
 * Salesforce (per org, a rolling 24 h allocation shared by every integration and user of the org): the
 * installation may spend `apiBudget.salesforceDailyPercent` of the allocation per UTC day, the allocation
 * being learned from the `Sforce-Limit-Info` header of each answer. Independently, when the org as a whole
 * is within 5 % of its allocation (other integrations spend it too) the bridge stops, so the org's own users
 * keep working. Both waits last hours, so the call is refused with BudgetExhausted (src/connectors/gate.ts)
 * carrying the time it frees up: the worker releases the installation's rows without counting an attempt, `canSync` keeps the
 * installation out of claims, and `status` says why on the health page.
 */
import {
  BudgetExhausted,
  type CallBudget,
  type CallKind,
  type InstallationGate,
  type Provider,
} from '../connectors/gate';
import * as apiLimitReports from '../db/apiLimitReports';
import * as apiUsage from '../db/apiUsage';
import type { Queryable } from '../db/support';
import type { Settings } from '../domain/settings/schema';
import { silentLogger, type Logger } from '../logger';
import { silentMetrics, type Metrics } from '../metrics';
import { settingsFor } from '../settings/installationSettings';

export const HUBSPOT_CALL_WINDOW_MS = 1_000;
export const HUBSPOT_SEARCH_WINDOW_MS = 350;
export const HUBSPOT_SEARCHES_PER_WINDOW = 1;
export const SALESFORCE_WINDOW_MS = 86_400_000;
/** Until the first answer tells the org's real allocation: the smallest one (Developer Edition). */
export const DEFAULT_SALESFORCE_DAILY_ALLOCATION = 15_000;
/** The part of the org's allocation the bridge never touches, so the org's own users keep working. */
export const SALESFORCE_ORG_RESERVE_RATIO = 0.05;
/** How long an org-wide stop lasts before one call may go out to learn the org's new usage. */
export const SALESFORCE_ORG_RECHECK_MS = 15 * 60_000;

export const budgetReasons = [
  'hubspot_rate_limit',
  'salesforce_share_spent',
  'salesforce_org_limit',
] as const;
export type BudgetReason = (typeof budgetReasons)[number];

export interface BudgetWait {
  provider: Provider;
  reason: BudgetReason;
  /** A sentence for the admin: what is spent and when sync resumes. */
  message: string;
  resumesAt: number;
}

export interface BudgetStatus {
  /** `waiting`: sync of this installation is held until the earliest `resumesAt`. */
  state: 'available' | 'waiting';
  waits: BudgetWait[];
  hubspot: { callsPerSecond: number; searchesPerSecond: number };
  salesforce: {
    /** Calls this installation may make per UTC day, and how many it made today. */
    dailyShare: number;
    usedToday: number;
    /** The org's own figures as last reported by Salesforce (all integrations), or null before any call. */
    org: { used: number; limit: number; observedAt: number } | null;
  };
}

export interface BudgetOptions {
  db: Queryable;
  now: () => number;
  logger?: Logger;
  /** Injected so tests can count waits; defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** The longest a call waits for a short window to free up before it is refused (default 15 s). */
  maxWaitMs?: number;
  /** Told of every call that goes out, waits and refusals; default none. */
  metrics?: Metrics;
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export function hubspotCallsPerSecond(settings: Settings): number {
  return Math.max(1, Math.floor(settings.apiBudget.hubspotCallsPer10s / 11));
}

export function salesforceDailyShare(settings: Settings, allocation: number | null): number {
  const total = allocation && allocation > 0 ? allocation : DEFAULT_SALESFORCE_DAILY_ALLOCATION;
  return Math.max(1, Math.floor((total * settings.apiBudget.salesforceDailyPercent) / 100));
}

export class Budget implements CallBudget {
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;
  private readonly metrics: Metrics;
  /** Which waits were already logged, so a spent budget makes one log line, not one per call. */
  private readonly announced = new Map<string, number>();

  constructor(private readonly options: BudgetOptions) {
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? defaultSleep;
    this.maxWaitMs = options.maxWaitMs ?? 15_000;
    this.metrics = options.metrics ?? silentMetrics;
  }

  /** The gate every connector of this installation uses; make one per batch or poll run. */
  gateFor(installationId: string): InstallationGate {
    const pending = new Set<Promise<void>>();
    let cached: { settings: Settings; readAt: number } | null = null;
    const settings = async (): Promise<Settings> => {
      const now = this.options.now();
      if (!cached || now - cached.readAt > 5_000) {
        cached = { settings: await settingsFor(this.options.db, installationId), readAt: now };
      }
      return cached.settings;
    };
    return {
      acquire: async (provider: Provider, kind: CallKind) => {
        const current = await settings();
        if (provider === 'hubspot') await this.acquireHubSpot(installationId, kind, current);
        else await this.acquireSalesforce(installationId, current);
        this.metrics.apiCall(provider, kind);
      },
      observeSalesforceUsage: (used: number, limit: number) => {
        const stored = apiLimitReports
          .report(this.options.db, {
            installationId,
            provider: 'salesforce',
            used,
            limit,
            observedAt: this.options.now(),
          })
          .catch((error: unknown) => {
            this.logger.warn(
              { installationId, err: error },
              `could not store the Salesforce usage report: ${String(error)}`,
            );
          })
          .finally(() => pending.delete(stored));
        pending.add(stored);
      },
      settled: async () => {
        await Promise.all([...pending]);
      },
    };
  }

  /** Whether the installation may start a batch now: false while a Salesforce budget is spent. */
  async canSync(installationId: string): Promise<boolean> {
    return (await this.status(installationId)).state === 'available';
  }

  async status(installationId: string): Promise<BudgetStatus> {
    const { db } = this.options;
    const now = this.options.now();
    const settings = await settingsFor(db, installationId);
    const report = await apiLimitReports.latest(db, installationId, 'salesforce');
    const dailyShare = salesforceDailyShare(settings, report?.limit ?? null);
    const usedToday = await apiUsage.usage(db, {
      installationId,
      provider: 'salesforce',
      windowMs: SALESFORCE_WINDOW_MS,
      now,
    });
    const waits: BudgetWait[] = [];
    const orgWait = this.orgWait(report, now);
    if (orgWait) waits.push(orgWait);
    if (usedToday >= dailyShare) waits.push(this.shareWait(settings, dailyShare, now));
    return {
      state: waits.length > 0 ? 'waiting' : 'available',
      waits,
      hubspot: {
        callsPerSecond: hubspotCallsPerSecond(settings),
        searchesPerSecond: (HUBSPOT_SEARCHES_PER_WINDOW * 1000) / HUBSPOT_SEARCH_WINDOW_MS,
      },
      salesforce: {
        dailyShare,
        usedToday,
        org: report ? { used: report.used, limit: report.limit, observedAt: report.observedAt } : null,
      },
    };
  }

  private async acquireHubSpot(installationId: string, kind: CallKind, settings: Settings): Promise<void> {
    if (kind === 'search') {
      await this.takeShortWindow(installationId, HUBSPOT_SEARCH_WINDOW_MS, HUBSPOT_SEARCHES_PER_WINDOW);
    }
    await this.takeShortWindow(installationId, HUBSPOT_CALL_WINDOW_MS, hubspotCallsPerSecond(settings));
  }

  /** Takes one call from a short HubSpot window, waiting for the next window while this one is full. */
  private async takeShortWindow(installationId: string, windowMs: number, limit: number): Promise<void> {
    const startedAt = this.options.now();
    for (;;) {
      const now = this.options.now();
      const taken = await apiUsage.tryConsume(this.options.db, {
        installationId,
        provider: 'hubspot',
        windowMs,
        calls: 1,
        limit,
        now,
      });
      if (taken.ok) return;
      if (taken.retryAt - startedAt > this.maxWaitMs) {
        this.metrics.apiBudgetRefusal('hubspot', 'hubspot_rate_limit');
        throw new BudgetExhausted(
          'hubspot',
          taken.retryAt,
          `HubSpot calls for this portal are at the rate limit; waited ${now - startedAt} ms without a free slot`,
        );
      }
      this.metrics.apiBudgetWait('hubspot');
      await this.sleep(Math.max(1, taken.retryAt - now));
    }
  }

  private async acquireSalesforce(installationId: string, settings: Settings): Promise<void> {
    const { db } = this.options;
    const now = this.options.now();
    const report = await apiLimitReports.latest(db, installationId, 'salesforce');
    const orgWait = this.orgWait(report, now);
    if (orgWait) this.refuse(installationId, orgWait);
    const dailyShare = salesforceDailyShare(settings, report?.limit ?? null);
    const taken = await apiUsage.tryConsume(db, {
      installationId,
      provider: 'salesforce',
      windowMs: SALESFORCE_WINDOW_MS,
      calls: 1,
      limit: dailyShare,
      now,
    });
    if (!taken.ok) this.refuse(installationId, this.shareWait(settings, dailyShare, now));
  }

  private orgWait(report: apiLimitReports.ApiLimitReport | null, now: number): BudgetWait | null {
    if (!report || report.limit <= 0) return null;
    const ceiling = report.limit * (1 - SALESFORCE_ORG_RESERVE_RATIO);
    const resumesAt = report.observedAt + SALESFORCE_ORG_RECHECK_MS;
    if (report.used < ceiling || now >= resumesAt) return null;
    return {
      provider: 'salesforce',
      reason: 'salesforce_org_limit',
      message:
        `The Salesforce org has used ${report.used} of its ${report.limit} daily API calls (all integrations ` +
        `together), leaving less than ${SALESFORCE_ORG_RESERVE_RATIO * 100} % for its own users. Sync waits and ` +
        `checks again at ${new Date(resumesAt).toISOString()}.`,
      resumesAt,
    };
  }

  private shareWait(settings: Settings, dailyShare: number, now: number): BudgetWait {
    const resumesAt = apiUsage.windowStartOf(now, SALESFORCE_WINDOW_MS) + SALESFORCE_WINDOW_MS;
    return {
      provider: 'salesforce',
      reason: 'salesforce_share_spent',
      message:
        `The bridge used its share of the Salesforce org's API calls for today ` +
        `(${dailyShare} calls, ${settings.apiBudget.salesforceDailyPercent} % of the allocation). Sync resumes at ` +
        `${new Date(resumesAt).toISOString()}; raise the share in the settings to resume sooner.`,
      resumesAt,
    };
  }

  private refuse(installationId: string, wait: BudgetWait): never {
    this.metrics.apiBudgetRefusal(wait.provider, wait.reason);
    const key = `${installationId}:${wait.reason}`;
    if (this.announced.get(key) !== wait.resumesAt) {
      this.announced.set(key, wait.resumesAt);
      this.logger.warn({ installationId, reason: wait.reason, resumesAt: wait.resumesAt }, wait.message);
    }
    throw new BudgetExhausted(wait.provider, wait.resumesAt, wait.message);
  }
}
