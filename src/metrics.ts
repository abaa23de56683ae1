/**
 * What the layers report for the operators' metrics: the port they take (the queue as it settles rows, the
 * sync as it writes, the budget as calls go out, the credentials as tokens are refreshed), and one that
 * records nothing. src/ops/metrics.ts keeps the real counts in a Prometheus registry; `/metrics` serves them
 * (docs/operations.md).
 */

/** How a claimed dirty row ended. */
export const settledOutcomes = ['synced', 'retrying', 'failed', 'deferred', 'lease_lost'] as const;
export type SettledOutcome = (typeof settledOutcomes)[number];

/** A change the sync just wrote to the other side: how it was detected, and when it was last marked. */
export interface WrittenChange {
  /** The dirty row's mark source: `webhook`, `poll`, `reconcile`, `manual`, … */
  readonly source: string;
  readonly lastMarkedAt: number;
}

export type ApiProvider = 'hubspot' | 'salesforce';

export interface Metrics {
  /**
   * A claimed dirty row settled: `synced` (its change carried over, or nothing to carry), `retrying` (a
   * failed attempt with attempts left), `failed` (a failure row a person sees), `deferred` (put back without
   * counting an attempt), `lease_lost` (another worker took it over). `category` for failed attempts.
   */
  rowSettled(row: { objectType: string; outcome: SettledOutcome; category?: string }): void;
  /**
   * Changes whose record the sync just wrote (created or updated) on the other side. A change counts once,
   * at its first write, however many rounds its unit goes.
   */
  changesWritten(changes: readonly WrittenChange[], writtenAtMs: number): void;
  /** An API call passed the budget's gate and goes out. */
  apiCall(provider: ApiProvider, kind: string): void;
  /** A call waited for the next rate-limit window. */
  apiBudgetWait(provider: ApiProvider): void;
  /** A call was refused because the installation's budget is spent (`reason` from src/budget/budget.ts). */
  apiBudgetRefusal(provider: ApiProvider, reason: string): void;
  /** A token refresh this process ran: `refreshed`, or the CredentialsError code it ended with. */
  tokenRefresh(provider: ApiProvider, outcome: string): void;
}

/** Metrics that go nowhere (tools, and tests that do not read them). */
export const silentMetrics: Metrics = {
  rowSettled: () => undefined,
  changesWritten: () => undefined,
  apiCall: () => undefined,
  apiBudgetWait: () => undefined,
  apiBudgetRefusal: () => undefined,
  tokenRefresh: () => undefined,
};
