/**
 * Recording a round's written units, each in one transaction: link changes, shadows (only for writes that
 * succeeded), conflicts opened and closed, the pending question, audit lines, failures, and the settling of
 * its dirty rows. The link row is locked for the duration. A crash before the commit leaves the dirty rows
 * claimed, so the lease runs out and the record syncs again; its writes are then found already done (values
 * equal on both sides, creates upserted onto the first record, or found by what they sent), so nothing is
 * lost or doubled.
 *
 * A unit goes another round when Salesforce answered that its Lead was converted (the conversion is
 * followed), when a write of it got no answer in time (whether it landed is read), when a record was just
 * created or linked without its values (its first full sync reads both records as they are now).
 */
import type { Knex } from 'knex';
import { callFailureOf } from '../../connectors/callFailure';
import { holdsEvery } from '../../connectors/hubspot/records';
import * as associationWaits from '../../db/associationWaits';
import * as auditEntries from '../../db/auditEntries';
import * as conflictsTable from '../../db/conflicts';
import * as createsInDoubt from '../../db/createsInDoubt';
import * as links from '../../db/links';
import * as pendingMatches from '../../db/pendingMatches';
import type { JsonValue, RecordRef } from '../../db/recordRefs';
import * as shadows from '../../db/shadows';
import * as linkLifecycle from '../../db/linkLifecycle';
import { resolverActorOf, writeActorOf } from '../../domain/actors';
import type { SyncFailure } from '../../domain/failures';
import type { SyncPlan } from '../../domain/planner';
import { sameSalesforceId, type HubspotRef, type SalesforceRef, type Side } from '../../domain/records';
import {
  contended,
  settlementForCallFailure,
  settlementForRefusals,
  type Settlement,
} from '../../domain/settlement';
import { BRIDGE_ACTOR, type BatchContext } from '../context';
import { sentInDoubt } from '../inDoubt';
import type { Unit, WorkEntry } from '../unit';
import type { WriteOutcome } from '../writes';
import { concluded, countOf, EMPTY_SUMMARY, settleUnit, type Concluded } from './conclude';
import { createdIn, type Written } from './write';

/** Another worker linked one of these records between our read and our recording. */
export class LinkRace extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LinkRace';
  }
}

function refOf(ref: HubspotRef | SalesforceRef): RecordRef {
  return 'objectType' in ref
    ? { side: 'hubspot', objectType: ref.objectType, recordId: ref.id }
    : { side: 'salesforce', objectType: ref.type, recordId: ref.id };
}

function candidateLabel(unit: Unit, ref: HubspotRef | SalesforceRef): string {
  const record = unit.candidates.find((candidate) => candidate.id === ref.id);
  if (!record) return '';
  const values =
    'properties' in record
      ? [record.properties.firstname, record.properties.lastname, record.properties.email]
      : [record.type, record.fields.FirstName, record.fields.LastName, record.fields.Email];
  return values
    .filter((value) => typeof value === 'string' && value.length > 0)
    .join(' ')
    .slice(0, 500);
}

/** What the person picking needs to tell the candidates apart, from the candidate as it was read. */
function candidateFacts(
  unit: Unit,
  ref: HubspotRef | SalesforceRef,
): {
  name: string | null;
  email: string | null;
  company: string | null;
  lastModifiedAt: number | null;
} {
  const record = unit.candidates.find((candidate) => candidate.id === ref.id);
  const text = (value: unknown, max: number): string | null =>
    typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null;
  const join = (...parts: unknown[]) =>
    text(parts.filter((part) => typeof part === 'string' && part.trim() !== '').join(' '), 200);
  if (!record) return { name: null, email: null, company: null, lastModifiedAt: null };
  if ('properties' in record) {
    const { properties } = record;
    return {
      name: join(properties.firstname, properties.lastname),
      email: text(properties.email, 254),
      company: text(properties.company, 255),
      lastModifiedAt: record.updatedAtMs,
    };
  }
  const { fields } = record;
  const account = fields.Account as { Name?: unknown } | null | undefined;
  return {
    name: join(fields.FirstName, fields.LastName) ?? text(fields.Name, 200),
    email: text(fields.Email, 254),
    company: text(fields.Company, 255) ?? text(account?.Name, 255),
    lastModifiedAt: record.lastModifiedAtMs,
  };
}

/** Whether the plan links its records (matched, or created on one side). */
function linksMade(plan: SyncPlan): boolean {
  return plan.linkChanges.some((change) => change.kind === 'link' || change.kind === 'link_created');
}

function succeeded(outcomes: Written['outcomes'], side: Side): boolean {
  return outcomes[side]?.ok === true;
}

async function applyLinkChanges(
  trx: Knex.Transaction,
  context: BatchContext,
  unit: Unit,
  writes: Pick<Written, 'plan' | 'outcomes'>,
  earlyLinkId: string | null,
  nowMs: number,
): Promise<string | null> {
  const { installationId } = context;
  let linkId = unit.link?.id ?? earlyLinkId;
  const change = (reason: string) => ({
    now: nowMs,
    actor: BRIDGE_ACTOR,
    reason,
    correlationId: context.correlationId,
  });
  for (const planned of writes.plan.linkChanges) {
    switch (planned.kind) {
      case 'link': {
        const created = await links.create(
          trx,
          {
            installationId,
            hubspotObjectType: planned.hubspot.objectType,
            hubspotId: planned.hubspot.id,
            salesforceObjectType: planned.salesforce.type,
            salesforceId: planned.salesforce.id,
            origin: 'matched',
          },
          change(`matched by ${planned.basis}`),
        );
        if (!created.ok) throw new LinkRace(created.reason);
        linkId = created.link.id;
        break;
      }
      case 'link_created': {
        if (earlyLinkId) break;
        const outcome: WriteOutcome | undefined = writes.outcomes[planned.created];
        if (!outcome?.ok) break;
        const created = await links.create(
          trx,
          {
            installationId,
            hubspotObjectType: planned.hubspot.objectType,
            hubspotId: planned.created === 'hubspot' ? outcome.id : (planned.hubspot.id as string),
            salesforceObjectType: planned.salesforce.type,
            salesforceId: planned.created === 'salesforce' ? outcome.id : (planned.salesforce.id as string),
            origin: planned.created === 'hubspot' ? 'created_in_hubspot' : 'created_in_salesforce',
          },
          change(`created in ${planned.created === 'hubspot' ? 'HubSpot' : 'Salesforce'}`),
        );
        if (!created.ok) throw new LinkRace(created.reason);
        linkId = created.link.id;
        break;
      }
      case 'tombstone':
        await linkLifecycle.change(
          trx,
          installationId,
          planned.linkId,
          { kind: 'tombstone', deletedSide: planned.deletedSide },
          change(`deleted in ${planned.deletedSide === 'hubspot' ? 'HubSpot' : 'Salesforce'}`),
        );
        break;
      case 'restore': {
        const restored = await linkLifecycle.change(
          trx,
          installationId,
          planned.linkId,
          { kind: 'restore' },
          change('restored inside the grace period'),
        );
        if (!restored.ok) throw new LinkRace(restored.reason);
        break;
      }
      case 'lead_converted':
      case 'merge':
        // Moved before any write (see moves.ts); a plan that moves the link writes nothing.
        break;
    }
  }
  return linkId;
}

function auditLines(
  context: BatchContext,
  unit: Unit,
  writes: Pick<Written, 'plan' | 'outcomes'>,
  linkId: string | null,
  nowMs: number,
) {
  const refused = (side: Side) => {
    const outcome = writes.outcomes[side];
    if (!outcome || outcome.ok) return null;
    return 'failure' in outcome ? outcome.failure.code : 'call_failed';
  };
  const salesforceEmailOf = (userId: string) =>
    context.metadata.owners.salesforceUsers.find((user) => sameSalesforceId(user.id, userId))?.email || null;
  return writes.plan.audit.map((entry): auditEntries.NewAuditEntry => {
    const side =
      entry.direction === 'to_hubspot'
        ? 'hubspot'
        : entry.direction === 'to_salesforce'
          ? 'salesforce'
          : null;
    const failedCode = side && entry.action === 'field_written' ? refused(side) : null;
    // The write that carries out a conflict's chosen value is the chooser's.
    const resolver =
      entry.action === 'conflict_resolved' && entry.fieldKey ? unit.resolvedBy[entry.fieldKey] : undefined;
    return {
      installationId: context.installationId,
      linkId,
      record: linkId ? null : unit.subject,
      action: failedCode ? 'field_failed' : entry.action,
      fieldKey: entry.fieldKey,
      direction: entry.direction,
      rule: entry.rule,
      before: entry.before as JsonValue,
      after: entry.after as JsonValue,
      reason: failedCode ?? entry.reason,
      ...(resolver
        ? resolverActorOf(resolver)
        : writeActorOf({
            direction: entry.direction,
            hubspotUserId: unit.hubspotChangedBy,
            salesforceUserId: unit.salesforce?.lastModifiedById ?? null,
            integrationUserId: context.salesforceUserId,
            salesforceEmailOf,
          })),
      correlationId: context.correlationId,
      occurredAt: nowMs,
    };
  });
}

async function recordUnit(
  context: BatchContext,
  unit: Unit,
  writes: Pick<Written, 'plan' | 'outcomes'>,
  settlement: Settlement,
  options: { earlyLinkId?: string | null } = {},
): Promise<{ linkId: string | null }> {
  const { installationId } = context;
  const recorded = await context.db.transaction(async (trx) => {
    const nowMs = context.now();
    if (unit.link) await links.findByIdForUpdate(trx, installationId, unit.link.id);
    const { plan, outcomes } = writes;
    const linkId = await applyLinkChanges(trx, context, unit, writes, options.earlyLinkId ?? null, nowMs);
    if (linkId && linksMade(writes.plan)) {
      // Two records just linked (a company and an Account, a contact and a Contact): records whose
      // associations waited for either go again.
      const link = await links.findById(trx, installationId, linkId);
      if (link) {
        const woken = await associationWaits.wake(
          trx,
          installationId,
          [
            { side: 'hubspot', recordId: link.hubspotId },
            { side: 'salesforce', recordId: link.salesforceId },
          ],
          nowMs,
        );
        if (woken > 0)
          context.logger.info(
            { event: 'association_waits_woken', linkId, records: woken },
            `${woken} records waiting for this link sync again`,
          );
      }
    }
    if (linkId && plan.waits.length > 0) {
      // The waiting record is the pair's HubSpot record, not the one the unit was marked for: a converted
      // Lead's unit ends on the Contact's link, and waking the Lead would sync nothing.
      const link = await links.findById(trx, installationId, linkId);
      const waiting: RecordRef = link
        ? { side: 'hubspot', objectType: link.hubspotObjectType, recordId: link.hubspotId }
        : unit.subject;
      await associationWaits.record(
        trx,
        installationId,
        plan.waits.map((wait) => ({ waiting, forSide: wait.side, forRecordId: wait.recordId })),
        nowMs,
      );
    }
    if (linkId && unit.lostCreate && unit.hubspot) {
      await createsInDoubt.forget(trx, installationId, context.objectType, [unit.hubspot.id]);
    }

    if (linkId) {
      // One shadow per field: a later entry (the plan's own, after a value that landed late) wins.
      const updates = new Map<string, { fieldKey: string; value: JsonValue }>();
      for (const update of plan.shadowUpdates) {
        if (!update.requiresWrites.every((side) => succeeded(outcomes, side))) continue;
        updates.set(update.key, {
          fieldKey: update.key,
          value: update.value as JsonValue,
        });
      }
      await shadows.upsert(trx, installationId, linkId, [...updates.values()], nowMs);
      for (const conflict of plan.conflicts) {
        await conflictsTable.open(
          trx,
          {
            installationId,
            linkId,
            fieldKey: conflict.key,
            hubspotValue: conflict.hubspot as JsonValue,
            salesforceValue: conflict.salesforce as JsonValue,
            ...(conflict.hadShadow ? { shadowValue: conflict.shadow as JsonValue } : {}),
            hubspotChangedAt: conflict.hubspotChangedAtMs,
            salesforceChangedAt: conflict.salesforceChangedAtMs,
          },
          nowMs,
        );
      }
      for (const close of plan.closeConflicts) {
        if (close.reason === 'resolved_by_person') continue;
        const open = unit.openConflicts.find((conflict) => conflict.fieldKey === close.key);
        if (open)
          await conflictsTable.resolve(
            trx,
            installationId,
            open.id,
            { resolution: 'moot', resolvedBy: BRIDGE_ACTOR },
            nowMs,
          );
      }
    }

    if (plan.pendingMatch) {
      // Linked since it was read, by another unit (a converted Lead's link moving to the Contact it became):
      // the question is moot, and the retry syncs the record through its link.
      const subject = unit.subject;
      const linkedSince =
        subject.side === 'hubspot'
          ? await links.findActiveByHubspot(trx, installationId, subject.objectType, subject.recordId)
          : await links.findActiveBySalesforce(trx, installationId, subject.recordId);
      if (linkedSince) throw new LinkRace('linked by another unit since it was read');
      await pendingMatches.open(
        trx,
        {
          installationId,
          record: unit.subject,
          candidates: plan.pendingMatch.candidates.map((candidate) => ({
            record: refOf(candidate),
            matchedBy: plan.pendingMatch?.basis ?? 'email',
            label: candidateLabel(unit, candidate),
            ...candidateFacts(unit, candidate),
          })),
          reason: plan.pendingMatch.reason,
        },
        nowMs,
      );
    } else if (unit.hasOpenQuestion) {
      await pendingMatches.dismissForRecord(trx, installationId, unit.subject, {
        resolvedBy: BRIDGE_ACTOR,
        now: nowMs,
      });
    }

    await auditEntries.append(trx, auditLines(context, unit, writes, linkId, nowMs));
    const calledOk = !Object.values(outcomes).some(
      (outcome) => outcome && !outcome.ok && 'callError' in outcome,
    );
    if (linkId && calledOk && plan.outcome !== 'tombstoned' && plan.outcome !== 'skipped') {
      await links.markSynced(trx, installationId, [linkId], nowMs);
    }
    await settleUnit(trx, context, unit, settlement, linkId, nowMs);
    return { linkId };
  });
  await wakeAfterCommit(context, writes.plan, recorded.linkId);
  return recorded;
}

/**
 * Waits and links made in two transactions at once can miss each other: a wait recorded while another sync
 * links the record it waits for, that sync's wake having looked before the wait was there. Once committed,
 * a sync that made a link wakes its waiters again, and a sync that recorded waits wakes its own record if the
 * other end is linked by now. Whichever commits last sees the other's row, so no wait outlives its link.
 */
async function wakeAfterCommit(context: BatchContext, plan: SyncPlan, linkId: string | null): Promise<void> {
  if (!linkId) return;
  const { installationId } = context;
  const targets: Array<{ side: Side; recordId: string }> = plan.waits.map((wait) => ({
    side: wait.side,
    recordId: wait.recordId,
  }));
  if (linksMade(plan)) {
    const link = await links.findById(context.db, installationId, linkId);
    if (link) {
      await associationWaits.wake(
        context.db,
        installationId,
        [
          { side: 'hubspot', recordId: link.hubspotId },
          { side: 'salesforce', recordId: link.salesforceId },
        ],
        context.now(),
      );
    }
  }
  if (targets.length > 0)
    await associationWaits.wakeLinked(context.db, installationId, targets, context.now());
}

/** The records a unit just created or linked already knows to be current, for its next round. */
function knownAfter(
  context: BatchContext,
  written: Written,
  created: Side | null,
): NonNullable<WorkEntry['known']> {
  const { unit } = written;
  if (created === 'salesforce') return unit.hubspot ? { hubspot: unit.hubspot } : {};
  if (created === 'hubspot') {
    const outcome = written.outcomes.hubspot;
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

/** The first whole-call failure among a unit's writes, if any. */
function callErrorOf(outcomes: Written['outcomes']): unknown {
  for (const outcome of Object.values(outcomes)) {
    if (outcome && !outcome.ok && 'callError' in outcome) return outcome.callError;
  }
  return undefined;
}

function refusalsOf(outcomes: Written['outcomes']): SyncFailure[] {
  return Object.values(outcomes).flatMap((outcome) =>
    outcome && !outcome.ok && 'failure' in outcome ? [outcome.failure] : [],
  );
}

/** Records one written unit and says whether it is done or goes another round. */
async function recordWritten(context: BatchContext, written: Written): Promise<Concluded> {
  const { unit, plan, outcomes, inDoubt } = written;
  const salesforce = outcomes.salesforce;
  if (
    salesforce &&
    !salesforce.ok &&
    'failure' in salesforce &&
    salesforce.failure.category === 'converted_lead'
  ) {
    // Salesforce says the Lead was converted: the next round reads it again and follows the conversion.
    const entry = {
      items: unit.items,
      ...(unit.link ? { linkId: unit.link.id } : {}),
    };
    return { settled: [], next: [entry], summary: EMPTY_SUMMARY };
  }
  const callError = callErrorOf(outcomes);
  const settlement =
    callError === undefined
      ? settlementForRefusals(plan, refusalsOf(outcomes))
      : settlementForCallFailure(callFailureOf(callError), context.now(), {
          blockedRetryMs: context.policy.contendedRetryMs,
        });
  // Linked to a record whose values were not read with it (a converted Lead's Contact), or just created:
  // the pair gets its first full sync next round, from what is known to be current.
  const created = createdIn(written);
  const carry =
    inDoubt.length > 0 ||
    created !== null ||
    (settlement.kind === 'complete' && plan.outcome === 'linked' && plan.fields.length === 0);
  let linkId: string | null;
  try {
    ({ linkId } = await recordUnit(context, unit, written, carry ? { kind: 'carry' } : settlement, {
      earlyLinkId: written.earlyLinkId,
    }));
  } catch (error) {
    if (!(error instanceof LinkRace)) throw error;
    const busy = contended(
      context.now(),
      context.policy.contendedRetryMs,
      'Another sync of a record involved is under way.',
    );
    const settled = await context.db.transaction((trx) =>
      settleUnit(trx, context, unit, busy, unit.link?.id ?? null, context.now()),
    );
    return { settled, next: [], summary: countOf(busy, unit.items.length) };
  }
  if (Object.values(outcomes).some((outcome) => outcome?.ok)) {
    context.metrics.changesWritten(unit.items, context.now());
  }
  const synced = { ...EMPTY_SUMMARY, synced: 1 };
  if (inDoubt.length > 0) {
    const entry = {
      items: unit.items,
      ...(linkId ? { linkId } : {}),
      sentInDoubt: sentInDoubt(plan, outcomes, inDoubt),
    };
    return { settled: [], next: [entry], summary: synced };
  }
  if (carry && linkId) {
    const entry = {
      items: unit.items,
      linkId,
      known: knownAfter(context, written, created),
    };
    return { settled: [], next: [entry], summary: synced };
  }
  return {
    settled: unit.items,
    next: [],
    summary: { ...countOf(settlement, unit.items.length), synced: 1 },
  };
}

export async function record(context: BatchContext, written: readonly Written[]): Promise<Concluded> {
  const parts: Concluded[] = [];
  for (const unit of written) parts.push(await recordWritten(context, unit));
  return concluded(parts);
}
