/**
 * Recording one unit's outcome, in one transaction: link changes, shadows (only for writes that
 * succeeded), conflicts opened and closed, the pending question, audit lines, failures, and the settling
 * of its dirty rows. The link row is locked for the duration. A crash before the commit leaves the dirty
 * rows claimed, so the lease runs out and the record syncs again; its writes are then found already done
 * (values equal on both sides, creates upserted onto the first record), so nothing is lost or doubled.
 */
import type { Knex } from 'knex';
import * as auditEntries from '../db/auditEntries';
import * as conflictsTable from '../db/conflicts';
import * as createsInDoubt from '../db/createsInDoubt';
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import * as linkLifecycle from '../db/linkLifecycle';
import * as links from '../db/links';
import * as pendingMatches from '../db/pendingMatches';
import type { JsonValue, RecordRef } from '../db/recordRefs';
import * as shadows from '../db/shadows';
import type { SyncFailure } from '../domain/failures';
import type { HubspotRef, SalesforceRef, Side } from '../domain/records';
import { deferClaims, type DeferReason } from '../queue/defer';
import { complete, fail, type AttemptError } from '../queue/settle';
import { BRIDGE_ACTOR, type BatchContext } from './context';
import type { Unit } from './units';
import type { UnitWrites, WriteOutcome } from './writes';

export type Settlement =
  | { readonly kind: 'complete'; readonly alsoMark?: RecordRef }
  /** Retryable: every row retries with backoff. Permanent: the first row becomes a failure, the rest complete. */
  | { readonly kind: 'fail'; readonly error: AttemptError }
  | { readonly kind: 'defer'; readonly dueAt: number; readonly reason: DeferReason }
  /** Record, but keep the rows: the next round of the batch carries on with them. */
  | { readonly kind: 'carry' };

/** Another worker linked one of these records between our read and our recording. */
export class LinkRace extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LinkRace';
  }
}

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
): { name: string | null; email: string | null; company: string | null; lastModifiedAt: number | null } {
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

function succeeded(outcomes: UnitWrites['outcomes'], side: Side): boolean {
  return outcomes[side]?.ok === true;
}

async function applyLinkChanges(
  trx: Knex.Transaction,
  context: BatchContext,
  unit: Unit,
  writes: Pick<UnitWrites, 'plan' | 'outcomes'>,
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
  writes: Pick<UnitWrites, 'plan' | 'outcomes'>,
  linkId: string | null,
  nowMs: number,
) {
  const refused = (side: Side) => {
    const outcome = writes.outcomes[side];
    if (!outcome || outcome.ok) return null;
    return 'failure' in outcome ? outcome.failure.code : 'call_failed';
  };
  return writes.plan.audit.map((entry): auditEntries.NewAuditEntry => {
    const side =
      entry.direction === 'to_hubspot'
        ? 'hubspot'
        : entry.direction === 'to_salesforce'
          ? 'salesforce'
          : null;
    const failedCode = side && entry.action === 'field_written' ? refused(side) : null;
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
      actor: BRIDGE_ACTOR,
      correlationId: context.correlationId,
      occurredAt: nowMs,
    };
  });
}

export async function recordUnit(
  context: BatchContext,
  unit: Unit,
  writes: Pick<UnitWrites, 'plan' | 'outcomes'>,
  settlement: Settlement,
  options: { earlyLinkId?: string | null } = {},
): Promise<{ linkId: string | null }> {
  const { installationId } = context;
  return context.db.transaction(async (trx) => {
    const nowMs = context.now();
    if (unit.link) await links.findByIdForUpdate(trx, installationId, unit.link.id);
    const { plan, outcomes } = writes;
    const linkId = await applyLinkChanges(trx, context, unit, writes, options.earlyLinkId ?? null, nowMs);
    if (linkId && unit.lostCreate && unit.hubspot) {
      await createsInDoubt.forget(trx, installationId, 'contacts', [unit.hubspot.id]);
    }

    if (linkId) {
      // One shadow per field: a later entry (the plan's own, after a value that landed late) wins.
      const updates = new Map<string, { fieldKey: string; value: JsonValue }>();
      for (const update of plan.shadowUpdates) {
        if (!update.requiresWrites.every((side) => succeeded(outcomes, side))) continue;
        updates.set(update.key, { fieldKey: update.key, value: update.value as JsonValue });
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
    await settle(trx, context, unit, settlement, linkId, nowMs);
    return { linkId };
  });
}

/** Settles a unit's dirty rows inside the caller's transaction. */
export async function settle(
  trx: Knex.Transaction,
  context: BatchContext,
  unit: Unit,
  settlement: Settlement,
  linkId: string | null,
  nowMs: number,
): Promise<void> {
  const { installationId, logger, policy } = context;
  switch (settlement.kind) {
    case 'carry':
      return;
    case 'defer':
      await deferClaims(trx, unit.items, settlement.dueAt, settlement.reason);
      return;
    case 'complete': {
      const resolvedBy = BRIDGE_ACTOR;
      const records = new Map<string, RecordRef>();
      for (const item of unit.items) records.set(JSON.stringify(item.record), item.record);
      if (unit.link) {
        records.set('h', {
          side: 'hubspot',
          objectType: unit.link.hubspotObjectType,
          recordId: unit.link.hubspotId,
        });
        records.set('s', {
          side: 'salesforce',
          objectType: unit.link.salesforceObjectType,
          recordId: unit.link.salesforceId,
        });
      }
      for (const record of records.values()) {
        await failures.resolveForRecord(trx, installationId, record, { resolvedBy, now: nowMs });
      }
      if (settlement.alsoMark) {
        await dirty.mark(trx, { installationId, record: settlement.alsoMark, source: 'dependency' }, nowMs);
      }
      for (const item of unit.items) await complete(trx, item, nowMs, logger);
      return;
    }
    case 'fail': {
      const [first, ...rest] = unit.items;
      const failPolicy = {
        now: nowMs,
        maxAttempts: policy.maxAttempts,
        backoff: policy.backoff,
        logger,
        linkId,
      };
      if (settlement.error.retryable) {
        for (const item of unit.items)
          await fail(trx, item, settlement.error, { ...failPolicy, random: policy.random() });
        return;
      }
      if (first) await fail(trx, first, settlement.error, { ...failPolicy, random: policy.random() });
      for (const item of rest) await complete(trx, item, nowMs, logger);
      return;
    }
  }
}
