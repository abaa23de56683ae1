/**
 * How a unit's claimed dirty rows end, decided without I/O (the queue carries it out: src/queue/settle.ts).
 *
 * - `complete`: the record synced (or had nothing to sync); its open failures are resolved.
 * - `fail`: an attempt failed. Retryable: every row retries with backoff (at least the provider's
 *   Retry-After), until the attempts run out and it becomes a dead letter. Permanent: the first row becomes
 *   a failure with its sentence, the rest complete.
 * - `defer`: the work may not run now (budget spent, connection unusable, another worker holds the record,
 *   a create that may still land); the rows wait until `dueAt` without counting an attempt.
 * - `carry`: recorded, but the rows stay claimed: the next round of the batch goes on with them.
 */
import { makeFailure, type CallFailure, type FailureCategory, type SyncFailure } from './failures';
import type { JsonValue } from './json';
import type { SyncPlan } from './planner';

/** A failed attempt, as the connector or the engine classified it. */
export interface AttemptError {
  /** Whether trying again later can succeed (429, 5xx, timeouts, lock contention). */
  readonly retryable: boolean;
  readonly category: string;
  readonly code: string;
  /** A sentence a person can act on; shown on the card if the record ends up in failures. */
  readonly message: string;
  readonly details?: Readonly<Record<string, JsonValue>>;
  /** The provider's Retry-After, in ms: the next attempt waits at least this long. */
  readonly retryAfterMs?: number | null;
}

/** Why work was put back without counting an attempt. */
export interface DeferReason {
  readonly code: string;
  readonly message: string;
}

/** A record to mark dirty as the rows complete (a merged-away contact's survivor syncs instead). */
export interface AlsoMark {
  readonly side: 'hubspot' | 'salesforce';
  readonly objectType: string;
  readonly recordId: string;
}

export type Settlement =
  | { readonly kind: 'complete'; readonly alsoMark?: AlsoMark }
  | { readonly kind: 'fail'; readonly error: AttemptError }
  | { readonly kind: 'defer'; readonly dueAt: number; readonly reason: DeferReason }
  | { readonly kind: 'carry' };

function toJson(value: unknown): Record<string, JsonValue> {
  return JSON.parse(JSON.stringify(value ?? {})) as Record<string, JsonValue>;
}

export function attemptErrorOf(failure: SyncFailure): AttemptError {
  return {
    retryable: failure.retryable,
    category: failure.category,
    code: failure.code,
    message: failure.message,
    details: toJson({ ...failure.details, side: failure.side, fieldKey: failure.fieldKey }),
  };
}

/**
 * What a unit's plan and the refusals of its writes mean for its rows, once no call failed as a whole: a
 * refusal retrying can fix (a locked row) retries; a permanent one (validation, required field, picklist,
 * duplicate), or a failure the plan itself found, becomes a failure row with its sentence.
 */
export function settlementForRefusals(plan: SyncPlan, refusals: readonly SyncFailure[]): Settlement {
  const retryable = refusals.find((failure) => failure.retryable);
  if (retryable) return { kind: 'fail', error: attemptErrorOf(retryable) };
  const permanent = [...refusals, ...plan.failures].find((failure) => !failure.retryable);
  if (permanent) return { kind: 'fail', error: attemptErrorOf(permanent) };
  return { kind: 'complete' };
}

/** Another sync of a record involved is under way: look again shortly. */
export function contended(nowMs: number, retryMs: number, message: string): Settlement {
  return { kind: 'defer', dueAt: nowMs + retryMs, reason: { code: 'record_busy', message } };
}

/**
 * How a failure that is not one record's fault settles the records it touched:
 *
 * - the account cannot be served for a while (its API budget is spent, or HubSpot is migrating it between
 *   data hosting locations): the records wait until it frees up (or the Retry-After), without counting an
 *   attempt, so a long wait never turns into failures;
 * - the connection to either system is unusable (revoked or expired authorization): the records wait and
 *   look again after `blockedRetryMs` (the installation's status says what to do);
 * - a whole call failed (429, HubSpot's 423 lock, 5xx, timeout, network): every record in it retries with
 *   backoff, honouring the wait the provider asked for;
 * - anything else is a bug or a surprise: retried a bounded number of times, then a dead letter.
 */
export function settlementForCallFailure(
  failure: CallFailure,
  nowMs: number,
  options: { blockedRetryMs: number },
): Settlement {
  if (failure.hold?.kind === 'budget_exhausted') {
    return {
      kind: 'defer',
      dueAt: Math.max(failure.hold.untilMs, nowMs),
      reason: { code: 'budget_exhausted', message: failure.hold.reason },
    };
  }
  if (failure.hold?.kind === 'migration_in_progress') {
    return {
      kind: 'defer',
      dueAt: nowMs + (failure.retryAfterMs ?? 0),
      reason: {
        code: 'hubspot_migration_in_progress',
        message:
          'HubSpot is moving this account between data hosting locations; sync resumes when it is done.',
      },
    };
  }
  const { side, code } = failure;
  const category: FailureCategory =
    failure.retryable || failure.category === 'auth' ? failure.category : 'unknown';
  if (category === 'auth') {
    return {
      kind: 'defer',
      dueAt: nowMs + options.blockedRetryMs,
      reason: { code, message: makeFailure('auth', code, { side }).message },
    };
  }
  const detail = failure.message;
  return {
    kind: 'fail',
    error: {
      retryable: true,
      category,
      code,
      message: makeFailure(category, code, { side, detail }).message,
      details: { detail },
      ...(failure.retryAfterMs !== null ? { retryAfterMs: failure.retryAfterMs } : {}),
    },
  };
}
