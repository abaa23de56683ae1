/**
 * How a failure that is not one record's fault settles the records it touched:
 *
 * - the installation's API budget is spent (BudgetExhausted), or HubSpot is migrating the account between
 *   data hosting locations (477): the records wait until it frees up (or the Retry-After), without
 *   counting an attempt, so a long wait never turns into failures;
 * - the connection to either system is unusable (revoked or expired authorization): the records wait and
 *   look again later (the installation's status says what to do);
 * - a whole call failed (429, HubSpot's 423 lock, 5xx, timeout, network): every record in it retries with
 *   backoff, honouring the wait the provider asked for (a 423 at least 2 s);
 * - anything else is a bug or a surprise: retried a bounded number of times, then a dead letter.
 *
 * And how a unit's write outcomes settle it: a refusal that retrying can fix (a locked row) retries, a
 * permanent one (validation, required field, picklist, duplicate) becomes a failure row with its sentence.
 */
import { isBudgetExhausted } from '../connectors/gate';
import { HubSpotError } from '../connectors/hubspot/errors';
import { SalesforceCallError } from '../connectors/salesforce/record-errors';
import { CallTimeout } from '../connectors/timeout';
import { makeFailure, type FailureCategory, type SyncFailure } from '../domain/failures';
import type { SyncPlan } from '../domain/planner';
import { attemptErrorOf, type Settlement } from './recordOutcome';
import type { UnitWrites } from './writes';

function hubspotCategory(error: HubSpotError): FailureCategory {
  return error.retryable || error.category === 'auth' ? error.category : 'unknown';
}

/** The settlement of records hit by an error that failed a whole call (or the whole batch). */
export function settlementForError(
  error: unknown,
  nowMs: number,
  options: { blockedRetryMs: number },
): Settlement {
  if (isBudgetExhausted(error)) {
    return {
      kind: 'defer',
      dueAt: Math.max(error.freesAtMs, nowMs),
      reason: { code: 'budget_exhausted', message: error.reason },
    };
  }
  if (error instanceof HubSpotError && error.code === 'migration_in_progress') {
    // The whole account is moving between data centres, for hours: no record's attempt should count.
    return {
      kind: 'defer',
      dueAt: nowMs + (error.retryAfterMs ?? 0),
      reason: {
        code: 'hubspot_migration_in_progress',
        message:
          'HubSpot is moving this account between data hosting locations; sync resumes when it is done.',
      },
    };
  }
  let side: 'hubspot' | 'salesforce' | null = null;
  let category: FailureCategory = 'unknown';
  let code = 'unexpected_error';
  let retryAfterMs: number | null = null;
  if (error instanceof HubSpotError) {
    side = 'hubspot';
    category = hubspotCategory(error);
    code = `hubspot_${error.code}`;
    retryAfterMs = error.retryAfterMs;
  } else if (error instanceof SalesforceCallError) {
    side = 'salesforce';
    category = error.retryable || error.category === 'auth' ? error.category : 'unknown';
    code = error.code;
    retryAfterMs = error.retryAfterMs;
  } else if (error instanceof CallTimeout) {
    category = 'transient';
    code = 'timeout';
  }
  const detail = error instanceof Error ? error.message : String(error);
  if (category === 'auth') {
    return {
      kind: 'defer',
      dueAt: nowMs + options.blockedRetryMs,
      reason: { code, message: makeFailure('auth', code, { side }).message },
    };
  }
  const failure = makeFailure(category, code, { side, detail });
  return {
    kind: 'fail',
    error: {
      retryable: true,
      category,
      code,
      message: failure.message,
      details: { detail },
      ...(retryAfterMs !== null ? { retryAfterMs } : {}),
    },
  };
}

/** What the unit's plan and write outcomes mean for its dirty rows (once nothing failed as a whole call). */
export function settlementForOutcomes(plan: SyncPlan, writes: Pick<UnitWrites, 'outcomes'>): Settlement {
  const refusals: SyncFailure[] = [];
  for (const outcome of Object.values(writes.outcomes)) {
    if (outcome && !outcome.ok && 'failure' in outcome) refusals.push(outcome.failure);
  }
  const retryable = refusals.find((failure) => failure.retryable);
  if (retryable) return { kind: 'fail', error: attemptErrorOf(retryable) };
  const permanent = [...refusals, ...plan.failures].find((failure) => !failure.retryable);
  if (permanent) return { kind: 'fail', error: attemptErrorOf(permanent) };
  return { kind: 'complete' };
}

/** The first whole-call failure among a unit's writes, if any. */
export function callErrorOf(writes: Pick<UnitWrites, 'outcomes'>): unknown {
  for (const outcome of Object.values(writes.outcomes)) {
    if (outcome && !outcome.ok && 'callError' in outcome) return outcome.callError;
  }
  return undefined;
}
