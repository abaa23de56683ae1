/**
 * The gate every API call of the sync passes before it goes out, so that rate limits and API budgets
 * hold (the sync layer implements it over the database, so limits hold across worker processes), and
 * through which each answer's limit information comes back.
 */
export type Provider = 'hubspot' | 'salesforce';
export type CallKind = 'read' | 'search' | 'write';

export interface CallGate {
  /** Resolves when the call may go out; rejects (e.g. with a budget error) when it must not. */
  acquire(provider: Provider, kind: CallKind): Promise<void>;
  /** Salesforce's `Sforce-Limit-Info` after a call: the org's daily usage and allocation. */
  observeSalesforceUsage?(used: number, limit: number): void;
}

/** No limits: for tools and tests that count calls some other way. */
export const openGate: CallGate = { acquire: async () => undefined };
