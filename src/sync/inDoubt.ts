/**
 * Writes in doubt: a write call abandoned at its deadline (no answer in time) is still on its way and may
 * land at any moment, or never. Two things follow.
 *
 * - Nothing may write its records again until it has ended: a write sent after it could be overtaken by it,
 *   and the older values would undo the newer ones with nobody the wiser (the shadow would say the newer
 *   values synced). So the round waits for the abandoned calls to end, holding the records, up to
 *   `abandonedWriteWaitMs`.
 * - Once it has ended, whether it landed is read, not guessed: the unit goes another round, which reads both
 *   records afresh, and a value found on the written side exactly as it was sent is taken as synced (its
 *   shadow is recorded, with an audit line). Otherwise the bridge's own late write would look like a change
 *   made in that system, and could win over a newer edit on the other side.
 *
 *   sent ──deadline──► in doubt ──call ends──► next round: read both sides
 *                         │                      ├─ value as sent → landed: shadow, audit line, plan on
 *                         │                      └─ otherwise → plan as usual (it did not land, or was changed)
 *                         └──wait runs out──► retried later with backoff (logged)
 *
 * The functions that decide are pure; `waitForAbandoned` only waits.
 */
import { abandonedCallOf } from '../connectors/timeout';
import type { AuditEntry, FieldPlan, SyncPlan } from '../domain/planner';
import type { Side } from '../domain/records';
import {
  canonicalEquals,
  displayCanonical,
  type CanonicalValue,
  type ObservedJson,
} from '../domain/transforms/canonical';
import type { Logger } from '../logger';
import type { WriteOutcome } from './writes';

/** How long a round waits, by default, for write calls abandoned at their deadline to end. */
export const DEFAULT_ABANDONED_WRITE_WAIT_MS = 30_000;

/** A field value a write in doubt carried, and the sides it must be found on to count as landed. */
export interface SentInDoubt {
  readonly key: string;
  readonly value: CanonicalValue;
  readonly sides: readonly Side[];
}

const SIDES: readonly Side[] = ['hubspot', 'salesforce'];

/** The sides whose write call was abandoned at its deadline, with the end of each call. */
export function abandonedWrites(
  outcomes: Partial<Record<Side, WriteOutcome>>,
): Array<{ side: Side; ended: Promise<void> }> {
  return SIDES.flatMap((side) => {
    const outcome = outcomes[side];
    if (!outcome || outcome.ok || !('callError' in outcome)) return [];
    const ended = abandonedCallOf(outcome.callError);
    return ended ? [{ side, ended }] : [];
  });
}

/**
 * The shadows a plan would have recorded had its writes on `inDoubt` answered: each with the sides to find
 * it on. A shadow that also needs a write that failed outright is left out (that write did not happen).
 */
export function sentInDoubt(
  plan: Pick<SyncPlan, 'shadowUpdates'>,
  outcomes: Partial<Record<Side, WriteOutcome>>,
  inDoubt: readonly Side[],
): SentInDoubt[] {
  return plan.shadowUpdates.flatMap((update) => {
    const sides = update.requiresWrites.filter((side) => inDoubt.includes(side));
    if (sides.length === 0) return [];
    const othersWritten = update.requiresWrites.every(
      (side) => inDoubt.includes(side) || outcomes[side]?.ok === true,
    );
    return othersWritten ? [{ key: update.key, value: update.value, sides }] : [];
  });
}

function holds(observed: ObservedJson | null, value: CanonicalValue): boolean {
  if (observed === null) return false;
  if (typeof observed === 'object' && !Array.isArray(observed)) return false;
  return canonicalEquals(observed as CanonicalValue, value);
}

/** Of the values sent in doubt, those the records now hold exactly as sent: they landed. */
export function landedValues(
  fields: readonly FieldPlan[],
  sent: readonly SentInDoubt[],
): Record<string, CanonicalValue> {
  const landed: Record<string, CanonicalValue> = {};
  for (const item of sent) {
    const field = fields.find((candidate) => candidate.key === item.key);
    if (field && item.sides.every((side) => holds(field[side], item.value))) landed[item.key] = item.value;
  }
  return landed;
}

/**
 * The plan, planned with the landed values as shadows, plus what it must record about them: their shadows
 * (the plan's own shadow for a field, when its write succeeds, is recorded after and wins) and one audit
 * line per side they landed on.
 */
export function recordingLanded(
  plan: SyncPlan,
  landed: Readonly<Record<string, CanonicalValue>>,
  sent: readonly SentInDoubt[],
): SyncPlan {
  const keys = Object.keys(landed);
  if (keys.length === 0) return plan;
  const audit: AuditEntry[] = sent
    .filter((item) => item.key in landed)
    .flatMap((item) => {
      const field = plan.fields.find((candidate) => candidate.key === item.key);
      return item.sides.map((side): AuditEntry => ({
        action: 'field_written',
        fieldKey: item.key,
        direction: side === 'hubspot' ? 'to_hubspot' : 'to_salesforce',
        rule: field?.rule ?? null,
        before: null,
        after: item.value,
        reason: 'answered_late',
        message: `${field?.label ?? item.key}: "${displayCanonical(item.value)}" was written to ${
          side === 'hubspot' ? 'HubSpot' : 'Salesforce'
        }; the answer came after the deadline.`,
      }));
    });
  return {
    ...plan,
    shadowUpdates: [
      ...keys.map((key) => ({ key, value: landed[key] as CanonicalValue, requiresWrites: [] })),
      ...plan.shadowUpdates,
    ],
    audit: [...audit, ...plan.audit],
  };
}

/**
 * Waits until every abandoned call has ended, or `waitMs` has passed. True when all ended: their records
 * may be read and written again.
 */
export async function waitForAbandoned(
  calls: ReadonlyArray<Promise<void>>,
  waitMs: number,
  logger: Logger,
  installationId: string,
): Promise<boolean> {
  if (calls.length === 0) return true;
  logger.info(
    { installationId, calls: calls.length, waitMs },
    `waiting for ${calls.length} write call(s) that got no answer in time to end, before their records are written again`,
  );
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  try {
    const ended = await Promise.race([Promise.all(calls).then(() => true as const), expired]);
    if (!ended) {
      logger.warn(
        { installationId, calls: calls.length, waitMs },
        `${calls.length} write call(s) that got no answer in time had not ended after ${waitMs} ms; their records are retried later, and a write that lands after that may need a Sync now`,
      );
    }
    return ended;
  } finally {
    clearTimeout(timer);
  }
}
