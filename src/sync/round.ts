/**
 * One round of an installation's batch (see syncBatch.ts for the whole): read, test for echoes, read the
 * rest, plan, move links, write, record. Returns the work that must go another round.
 */
import { holdsEvery } from '../connectors/hubspot/objects';
import * as links from '../db/links';
import type { SyncPlan } from '../domain/planner';
import type { Side } from '../domain/records';
import { composeHubspot, composeSalesforce } from './compose';
import { BRIDGE_ACTOR, type BatchContext } from './context';
import { matchesShadows } from './echo';
import {
  abandonedWrites,
  DEFAULT_ABANDONED_WRITE_WAIT_MS,
  landedValues,
  recordingLanded,
  sentInDoubt,
  waitForAbandoned,
} from './inDoubt';
import type { RecordLocks } from './locks';
import { applyMove, movesLink } from './moves';
import { needsHistory, planUnit, touchedKeys } from './planning';
import { readCandidates, readHubspotHistory, readSides } from './reads';
import { LinkRace, recordUnit, type Settlement } from './recordOutcome';
import { callErrorOf, settlementForError, settlementForOutcomes } from './settlements';
import { purgeForPrivacy, settleUnit, type SettledTracker } from './tracker';
import { dirtySides, domainLink, forgetStaleCarried, type Unit, type WorkEntry } from './units';
import { endLostCreates, writeHubspot, writeSalesforce, type UnitWrites } from './writes';

export interface RoundState {
  readonly round: number;
  readonly locks: RecordLocks;
  readonly tracker: SettledTracker;
}

const BOTH: readonly Side[] = ['hubspot', 'salesforce'];

function contended(context: BatchContext): Settlement {
  return {
    kind: 'defer',
    dueAt: context.now() + context.policy.contendedRetryMs,
    reason: { code: 'record_busy', message: 'Another sync of a record involved is under way.' },
  };
}

/** How often a record whose earlier create may still land looks again. */
const LOST_CREATE_RECHECK_MS = 30_000;

function lostCreateWait(context: BatchContext, sentAt: number): Settlement {
  return {
    kind: 'defer',
    dueAt: context.now() + LOST_CREATE_RECHECK_MS,
    reason: {
      code: 'create_in_doubt',
      message: `The create sent to Salesforce at ${new Date(sentAt).toISOString()} got no answer yet; the record is not created again until that call has ended, and then only if it made nothing.`,
    },
  };
}

/** The changed sides hold what was last synced: nothing can flow, and the other side is not read. */
function isEcho(context: BatchContext, unit: Unit): boolean {
  if (!unit.link || unit.link.state !== 'active' || unit.hint !== null || unit.requestedByPerson)
    return false;
  if (Object.keys(unit.resolutions).length > 0) return false;
  const link = domainLink(unit.link);
  for (const side of dirtySides(unit)) {
    const changed =
      side === 'hubspot'
        ? unit.hubspot && { side: 'hubspot' as const, record: unit.hubspot }
        : unit.salesforce && { side: 'salesforce' as const, record: unit.salesforce };
    if (!changed) return false;
    const same = matchesShadows({
      settings: context.settings,
      link,
      changed,
      shadows: unit.shadows,
      owners: context.metadata.owners,
    });
    if (!same) return false;
  }
  return true;
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

/**
 * Plans a unit; when a write of the previous round got no answer in time, the values found landed exactly
 * as sent count as synced (their shadows), and the unit is planned with them (see inDoubt.ts).
 */
function planKnowingLanded(context: BatchContext, unit: Unit): SyncPlan | null {
  const plan = planUnit(context, unit);
  if (!plan || unit.sentInDoubt.length === 0) return plan;
  const landed = landedValues(plan.fields, unit.sentInDoubt);
  if (Object.keys(landed).length === 0) return plan;
  unit.shadows = { ...unit.shadows, ...landed };
  return recordingLanded(planUnit(context, unit) ?? plan, landed, unit.sentInDoubt);
}

async function planAll(context: BatchContext, units: readonly Unit[], state: RoundState) {
  const planned: Array<{ unit: Unit; plan: SyncPlan }> = [];
  for (const unit of units) {
    if (unit.hint === 'privacy_deleted' && unit.hubspot === null) {
      await purgeForPrivacy(context, unit, state.tracker);
      continue;
    }
    const survivor = !unit.link && unit.subject.side === 'hubspot' ? unit.hubspot : null;
    if (survivor && survivor.id !== unit.subject.recordId) {
      // Merged into another contact: that one syncs instead.
      await settleUnit(
        context,
        unit,
        { kind: 'complete', alsoMark: { side: 'hubspot', objectType: 'contacts', recordId: survivor.id } },
        state.tracker,
      );
      continue;
    }
    const plan = planKnowingLanded(context, unit);
    if (plan?.salesforceWrite?.kind === 'create' && unit.lostCreate?.mayStillLand) {
      // Creating again now could make a second record next to the one that create may still make.
      await settleUnit(context, unit, lostCreateWait(context, unit.lostCreate.sentAt), state.tracker);
      continue;
    }
    if (plan) planned.push({ unit, plan });
    else await settleUnit(context, unit, { kind: 'complete' }, state.tracker);
  }
  const needing = planned.filter((entry) => needsHistory(entry.unit, entry.plan));
  if (needing.length > 0) {
    await readHubspotHistory(
      context,
      needing.map((entry) => entry.unit),
    );
    for (const entry of needing) entry.plan = planKnowingLanded(context, entry.unit) ?? entry.plan;
  }
  return planned;
}

/** The side a plan created a record on, when that create succeeded. */
function createdIn(writes: UnitWrites): Side | null {
  for (const change of writes.plan.linkChanges) {
    if (change.kind === 'link_created' && writes.outcomes[change.created]?.ok) return change.created;
  }
  return null;
}

function knownAfter(context: BatchContext, writes: UnitWrites, created: Side | null): WorkEntry['known'] {
  const { unit } = writes;
  if (created === 'salesforce') return unit.hubspot ? { hubspot: unit.hubspot } : {};
  if (created === 'hubspot') {
    const outcome = writes.outcomes.hubspot;
    // HubSpot's answer holds what was written and its own properties, not necessarily every one the sync
    // reads: a property it leaves out is unknown, not blank, so such a record is read again next round.
    const answered = outcome?.ok ? outcome.record : undefined;
    const record = answered && holdsEvery(answered, context.hubspotProperties) ? answered : undefined;
    return {
      ...(record ? { hubspot: record } : {}),
      ...(unit.salesforce ? { salesforce: unit.salesforce } : {}),
    };
  }
  return {};
}

export async function runRound(
  context: BatchContext,
  units: readonly Unit[],
  state: RoundState,
): Promise<WorkEntry[]> {
  const next: WorkEntry[] = [];
  await readSides(
    context,
    units.flatMap((unit) => {
      if (!unit.link) return [{ unit, side: unit.subject.side }];
      return (state.round === 1 ? [...dirtySides(unit)] : BOTH).map((side) => ({ unit, side }));
    }),
  );
  const remaining: Unit[] = [];
  for (const unit of units) {
    if (state.round === 1 && isEcho(context, unit)) {
      await settleUnit(context, unit, { kind: 'complete' }, state.tracker);
      state.tracker.summary.echoes += 1;
    } else {
      remaining.push(unit);
    }
  }
  for (const unit of remaining) forgetStaleCarried(unit);
  await readSides(
    context,
    remaining.filter((unit) => unit.link).flatMap((unit) => BOTH.map((side) => ({ unit, side }))),
  );
  await readCandidates(
    context,
    remaining.filter((unit) => !unit.link),
  );

  const toWrite: UnitWrites[] = [];
  const touched = new Set<string>();
  for (const { unit, plan } of await planAll(context, remaining, state)) {
    if (movesLink(plan)) {
      const moved = await applyMove(context, unit, plan);
      if (moved.kind === 'moved') next.push({ items: unit.items, linkId: moved.linkId });
      else await settleUnit(context, unit, { kind: 'fail', error: moved.error }, state.tracker);
      continue;
    }
    const keys = touchedKeys(context.installationId, unit, plan);
    if (keys.some((key) => touched.has(key))) {
      // Another unit of this round touches one of these records: go again once it is recorded.
      next.push({ items: unit.items });
      continue;
    }
    if (!(await state.locks.tryLock(keys))) {
      await settleUnit(context, unit, contended(context), state.tracker);
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

  for (const writes of toWrite) {
    const { unit, plan } = writes;
    const salesforce = writes.outcomes.salesforce;
    if (
      salesforce &&
      !salesforce.ok &&
      'failure' in salesforce &&
      salesforce.failure.category === 'converted_lead'
    ) {
      // Salesforce says the Lead was converted: the next round reads it again and follows the conversion.
      next.push({ items: unit.items, ...(unit.link ? { linkId: unit.link.id } : {}) });
      continue;
    }
    // Ended, the write may or may not have landed: the next round reads the records and finds out.
    const inDoubt = abandonedEnded ? abandonedWrites(writes.outcomes).map((call) => call.side) : [];
    const callError = callErrorOf(writes);
    const settlement =
      callError === undefined
        ? settlementForOutcomes(plan, writes)
        : settlementForError(callError, context.now(), { blockedRetryMs: context.policy.contendedRetryMs });
    // Linked to a record whose values were not read with it (a converted Lead's Contact), or just created:
    // the pair gets its first full sync next round, from what is known to be current.
    const created = createdIn(writes);
    const carry =
      inDoubt.length > 0 ||
      created !== null ||
      (settlement.kind === 'complete' && plan.outcome === 'linked' && plan.fields.length === 0);
    try {
      const { linkId } = await recordUnit(context, unit, writes, carry ? { kind: 'carry' } : settlement, {
        earlyLinkId: earlyLinks.get(unit.key) ?? null,
      });
      state.tracker.summary.synced += 1;
      if (inDoubt.length > 0) {
        next.push({
          items: unit.items,
          ...(linkId ? { linkId } : {}),
          sentInDoubt: sentInDoubt(plan, writes.outcomes, inDoubt),
        });
      } else if (carry && linkId) {
        next.push({ items: unit.items, linkId, known: knownAfter(context, writes, created) });
      } else {
        state.tracker.count(settlement, unit.items.length);
        state.tracker.mark(unit.items);
      }
    } catch (error) {
      if (!(error instanceof LinkRace)) throw error;
      await settleUnit(context, unit, contended(context), state.tracker);
    }
  }
  return next;
}
