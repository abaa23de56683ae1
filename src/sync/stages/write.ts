/**
 * Carrying out a round's plans:
 *
 * - A plan that moves its link (a Lead converted, a merge) moves it before anything is written; the unit
 *   goes another round, which reads the records the link now names.
 * - A plan touching a record another unit of the round touches goes another round once that one is
 *   recorded; the records a plan links to are locked, or the unit waits.
 * - Salesforce is written first (a create without an upsert key is linked the moment its id is known), then
 *   HubSpot, composed after Salesforce answered so it can carry a new record's id (see ../writes.ts).
 * - A write that got no answer in time may still land: the round waits for it to end before its records
 *   are touched again (see ../inDoubt.ts).
 */
import * as links from '../../db/links';
import type { SyncPlan } from '../../domain/planner';
import type { Side } from '../../domain/records';
import { contended } from '../../domain/settlement';
import { composeHubspot, composeSalesforce } from '../compose';
import { BRIDGE_ACTOR, type BatchContext } from '../context';
import { abandonedWrites, DEFAULT_ABANDONED_WRITE_WAIT_MS, waitForAbandoned } from '../inDoubt';
import type { RecordLocks } from '../locks';
import { applyMove, movesLink } from '../moves';
import type { Unit } from '../unit';
import { endLostCreates, writeHubspot, writeSalesforce, type UnitWrites, type WriteOutcome } from '../writes';
import type { Verdict } from './conclude';
import { touchedKeys, type Planned } from './plan';

/** A unit whose writes were sent, and what each side answered. */
export interface Written {
  readonly unit: Unit;
  /** As planned, less any field Salesforce refused as a whole request (failed, without a shadow). */
  readonly plan: SyncPlan;
  readonly outcomes: Partial<Record<Side, WriteOutcome>>;
  /** The link recorded the moment a create without an upsert key answered. */
  readonly earlyLinkId: string | null;
  /** The sides whose write got no answer in time and has since ended: whether it landed is read next round. */
  readonly inDoubt: readonly Side[];
}

/** A record created in Salesforce without an upsert key is linked the moment its id is known. */
async function recordEarlyLink(
  context: BatchContext,
  writes: UnitWrites,
  salesforceId: string,
): Promise<string | null> {
  const change = writes.plan.linkChanges.find((candidate) => candidate.kind === 'link_created');
  if (change?.kind !== 'link_created' || change.hubspot.id === null) return null;
  const hubspotId = change.hubspot.id;
  const created = await links.create(
    context.db,
    {
      installationId: context.installationId,
      hubspotObjectType: change.hubspot.objectType,
      hubspotId,
      salesforceObjectType: change.salesforce.type,
      salesforceId,
      origin: 'created_in_salesforce',
    },
    {
      now: context.now(),
      actor: BRIDGE_ACTOR,
      reason: 'created in Salesforce',
      correlationId: context.correlationId,
    },
  );
  if (created.ok) return created.link.id;
  context.logger.error(
    { installationId: context.installationId, hubspotId, salesforceId },
    `created Salesforce ${change.salesforce.type} ${salesforceId} but could not link it: ${created.reason}`,
  );
  return null;
}

/** The side a plan created a record on, when that create succeeded. */
export function createdIn(written: Pick<Written, 'plan' | 'outcomes'>): Side | null {
  for (const change of written.plan.linkChanges) {
    if (change.kind === 'link_created' && written.outcomes[change.created]?.ok) return change.created;
  }
  return null;
}

export async function write(
  context: BatchContext,
  planned: readonly Planned[],
  locks: RecordLocks,
): Promise<{ written: Written[]; ended: Verdict[] }> {
  const ended: Verdict[] = [];
  const toWrite: UnitWrites[] = [];
  const touched = new Set<string>();
  for (const { unit, plan } of planned) {
    if (movesLink(plan)) {
      const moved = await applyMove(context, unit, plan);
      ended.push(
        moved.kind === 'moved'
          ? { kind: 'again', entry: { items: unit.items, linkId: moved.linkId } }
          : moved.kind === 'ended'
            ? { kind: 'settle', unit, settlement: { kind: 'complete' } }
            : { kind: 'settle', unit, settlement: { kind: 'fail', error: moved.error } },
      );
      continue;
    }
    const keys = touchedKeys(context.installationId, unit, plan);
    if (keys.some((key) => touched.has(key))) {
      // Another unit of this round touches one of these records: go again once it is recorded.
      ended.push({ kind: 'again', entry: { items: unit.items } });
      continue;
    }
    if (!(await locks.tryLock(keys))) {
      const message = 'Another sync of a record involved is under way.';
      ended.push({
        kind: 'settle',
        unit,
        settlement: contended(context.now(), context.policy.contendedRetryMs, message),
      });
      continue;
    }
    for (const key of keys) touched.add(key);
    toWrite.push({
      unit,
      plan,
      salesforce: composeSalesforce(context, unit, plan),
      hubspot: null,
      outcomes: {},
    });
  }

  const earlyLinks = new Map<string, string | null>();
  await writeSalesforce(context, toWrite, async (writes, id) => {
    earlyLinks.set(writes.unit.key, await recordEarlyLink(context, writes, id));
  });
  for (const writes of toWrite) {
    // A record just created in Salesforce is synced as a link in the next round (its defaults, such as the
    // owner, are read back then); the HubSpot side is written once, there.
    writes.hubspot = createdIn(writes) === 'salesforce' ? null : composeHubspot(context, writes);
  }
  await writeHubspot(context, toWrite);
  // A write that got no answer in time may still land: nothing writes its records until it has ended.
  const abandonedEnded = await waitForAbandoned(
    toWrite.flatMap((writes) => abandonedWrites(writes.outcomes).map((call) => call.ended)),
    context.policy.abandonedWriteWaitMs ?? DEFAULT_ABANDONED_WRITE_WAIT_MS,
    context.logger,
    context.installationId,
  );
  await endLostCreates(context, toWrite, abandonedEnded);
  const written = toWrite.map((writes): Written => ({
    unit: writes.unit,
    plan: writes.plan,
    outcomes: { ...writes.outcomes },
    earlyLinkId: earlyLinks.get(writes.unit.key) ?? null,
    inDoubt: abandonedEnded ? abandonedWrites(writes.outcomes).map((call) => call.side) : [],
  }));
  return { written, ended };
}
