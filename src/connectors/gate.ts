/**
 * The gate every API call of the sync passes before it goes out, so that rate limits and API budgets
 * hold (the sync layer implements it over the database, so limits hold across worker processes), and
 * through which each answer's limit information comes back.
 */
import { isRetryable, makeCallFailure, type CallFailure, type FailureCategory } from '../domain/failures';

export type Provider = 'hubspot' | 'salesforce';
export type CallKind = 'read' | 'search' | 'write';

export interface CallGate {
  /**
   * Resolves when the call may go out. Rejects with BudgetExhausted when the installation's budget is
   * spent: the caller then stops that installation's work until `freesAtMs`, without counting a failure.
   */
  acquire(provider: Provider, kind: CallKind): Promise<void>;
  /** Salesforce's `Sforce-Limit-Info` after a call: the org's daily usage and allocation. */
  observeSalesforceUsage?(used: number, limit: number): void;
}

/** A gate for one installation; `settled()` resolves once every usage report it was given is stored. */
export interface InstallationGate extends CallGate {
  settled(): Promise<void>;
}

/** What a caller of the APIs needs from a budget (src/budget/budget.ts): the gate of an installation. */
export interface CallBudget {
  gateFor(installationId: string): InstallationGate;
}

/**
 * The installation may not spend another call now. Not a failure of any record: the work waits until
 * `freesAtMs` (epoch ms), and the reason is shown in the installation's status.
 */
export class BudgetExhausted extends Error {
  readonly code = 'budget_exhausted' as const;
  readonly category: FailureCategory = 'rate_limited';
  readonly retryable = isRetryable(this.category);

  constructor(
    readonly provider: Provider,
    /** When a call may go out again, epoch ms. */
    readonly freesAtMs: number,
    /** Why, for the installation's status: "Salesforce daily API share (25 %) used up". */
    readonly reason: string,
  ) {
    super(`${provider} API budget exhausted until ${new Date(freesAtMs).toISOString()}: ${reason}`);
    this.name = 'BudgetExhausted';
  }
}

/** Whether an error is a BudgetExhausted, also across module copies (jest isolates modules per file). */
export function isBudgetExhausted(error: unknown): error is BudgetExhausted {
  return (
    error instanceof BudgetExhausted ||
    (error instanceof Error &&
      error.name === 'BudgetExhausted' &&
      typeof (error as { freesAtMs?: unknown }).freesAtMs === 'number')
  );
}

/** The call failure of a spent budget: the installation's records wait until it frees up, counting no attempt. */
export function budgetCallFailure(error: BudgetExhausted): CallFailure {
  return makeCallFailure({
    side: error.provider,
    category: error.category,
    code: error.code,
    message: error.message,
    hold: { kind: 'budget_exhausted', untilMs: error.freesAtMs, reason: error.reason },
  });
}

/** No limits: for tools and tests that count calls some other way. */
export const openGate: CallGate = { acquire: async () => undefined };
