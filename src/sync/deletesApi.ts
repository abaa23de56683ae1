/**
 * What the settings page and the record card ask about deletes:
 *
 *   deleteBrakeStatus   whether the mass-delete brake holds deletes, the held list, the threshold now
 *   releaseHeldDeletes  the held deletes are handled as usual (the next sync tombstones and marks)
 *   discardHeldDeletes  the held deletes are dropped: nothing is marked, the links stay as they are
 *   relinkRecord        a tombstoned link syncs again, also after the grace period (an admin's call)
 *
 * Every action is written to the audit log with the person, in the transaction that makes it.
 */
import * as auditEntries from '../db/auditEntries';
import * as deleteHolds from '../db/deleteHolds';
import * as dirty from '../db/dirty';
import * as linkLifecycle from '../db/linkLifecycle';
import * as links from '../db/links';
import { RecordRefSchema, type RecordRef } from '../db/recordRefs';
import { personActorId, type HubSpotPerson } from '../domain/actors';
import { BRAKE_WINDOW_MS, brakeThreshold } from '../domain/deletes';
import { err, ok, type Result } from '../domain/result';
import type { Settings } from '../domain/settings/schema';
import { notifyDirty } from '../queue/wake';
import type { EngineDeps, EngineError } from './engineApi';

export interface DeleteBrakeStatus {
  /** True while any delete waits for an admin: new deletes are held too. */
  readonly on: boolean;
  /** Deletes from one side within an hour above this engage the brake (given the links there are now). */
  readonly thresholdPerHour: number;
  readonly linkedRecords: number;
  readonly held: readonly deleteHolds.DeleteHold[];
}

export async function deleteBrakeStatus(
  deps: EngineDeps,
  installationId: string,
  settings: Settings,
): Promise<DeleteBrakeStatus> {
  const active = await deps
    .db<links.LinkRow>(links.LINKS)
    .where({ installation_id: installationId, state: 'active' })
    .count<{ count: number | string }[]>({ count: '*' })
    .first();
  const linkedRecords = Number(active?.count ?? 0);
  const held = await deleteHolds.listHeld(deps.db, installationId);
  return {
    on: held.length > 0,
    thresholdPerHour: brakeThreshold(settings.deletes.brake, linkedRecords),
    linkedRecords,
    held,
  };
}

/** The record whose delete was held: the side that deleted it. */
function deletedRecord(hold: deleteHolds.DeleteHold): RecordRef {
  return RecordRefSchema.parse(
    hold.deletedSide === 'hubspot'
      ? { side: 'hubspot', objectType: hold.hubspotObjectType, recordId: hold.hubspotId }
      : { side: 'salesforce', objectType: hold.salesforceObjectType, recordId: hold.salesforceId },
  );
}

async function decideHeld(
  deps: EngineDeps,
  installationId: string,
  decision: 'released' | 'discarded',
  person: HubSpotPerson,
  ids: readonly string[] | undefined,
): Promise<number> {
  const decided = await deps.db.transaction(async (trx) => {
    const now = deps.now();
    const holds = await deleteHolds.decide(trx, installationId, decision, {
      now,
      actor: personActorId(person),
      ...(ids ? { ids } : {}),
    });
    if (decision === 'released') {
      // Each deleted record syncs again, and this time its delete goes through.
      await dirty.markMany(
        trx,
        holds.map((hold) => ({ installationId, record: deletedRecord(hold), source: 'manual', dueAt: 0 })),
        now,
      );
    }
    await auditEntries.append(
      trx,
      holds.map((hold) =>
        auditEntries.personEntry({
          installationId,
          person,
          action: decision === 'released' ? 'deletes_released' : 'deletes_discarded',
          reason: ids ? 'chosen' : 'all_held',
          linkId: hold.linkId,
          record: deletedRecord(hold),
          after: { holdId: hold.id, deletedSide: hold.deletedSide },
          occurredAt: now,
        }),
      ),
    );
    return holds.length;
  });
  if (decided > 0) notifyDirty();
  return decided;
}

/** Releases the held deletes (all, or those named): each is handled as it would have been. */
export async function releaseHeldDeletes(
  deps: EngineDeps,
  installationId: string,
  person: HubSpotPerson,
  ids?: readonly string[],
): Promise<number> {
  return await decideHeld(deps, installationId, 'released', person, ids);
}

/** Discards the held deletes (all, or those named): nothing is marked, the links stay as they are. */
export async function discardHeldDeletes(
  deps: EngineDeps,
  installationId: string,
  person: HubSpotPerson,
  ids?: readonly string[],
): Promise<number> {
  return await decideHeld(deps, installationId, 'discarded', person, ids);
}

/**
 * "Relink": the record's tombstoned link becomes active again, also after the grace period, and both records
 * sync (what changed meanwhile flows as usual, and the delete marks are cleared). A record still deleted on
 * its side is found so by that sync, which tombstones the link again.
 */
export async function relinkRecord(
  deps: EngineDeps,
  installationId: string,
  record: RecordRef,
  person: HubSpotPerson,
): Promise<Result<links.Link, EngineError>> {
  const all = await links.listForRecord(deps.db, installationId, record);
  if (all.some((link) => link.state === 'active')) {
    return err({ code: 'not_open', message: 'This record is linked already.' });
  }
  const tombstoned = all.find((link) => link.state === 'tombstoned');
  if (!tombstoned) {
    return err({ code: 'not_found', message: 'This record has no deleted link to restore.' });
  }
  const now = deps.now();
  const changed = await deps.db.transaction(async (trx) => {
    const restored = await linkLifecycle.change(
      trx,
      installationId,
      tombstoned.id,
      { kind: 'restore' },
      { now, actor: personActorId(person), reason: 'relinked by an admin' },
    );
    if (!restored.ok) return restored;
    const hubspot: RecordRef = {
      side: 'hubspot',
      objectType: tombstoned.hubspotObjectType,
      recordId: tombstoned.hubspotId,
    };
    const salesforce: RecordRef = {
      side: 'salesforce',
      objectType: tombstoned.salesforceObjectType,
      recordId: tombstoned.salesforceId,
    };
    await dirty.markMany(
      trx,
      [hubspot, salesforce].map((ref) => ({
        installationId,
        record: ref,
        source: 'manual' as const,
        dueAt: 0,
      })),
      now,
    );
    await auditEntries.append(trx, [
      auditEntries.personEntry({
        installationId,
        person,
        action: 'link_restored_by_admin',
        reason: 'relink',
        linkId: tombstoned.id,
        record,
        after: { tombstonedAt: tombstoned.tombstonedAt, deletedSide: tombstoned.tombstonedSide },
        occurredAt: now,
      }),
    ]);
    return restored;
  });
  if (!changed.ok) {
    return err({
      code: 'not_open',
      message:
        changed.code === 'not_found'
          ? 'This link is gone.'
          : 'The other record is linked to another record now; this pair cannot be relinked.',
    });
  }
  notifyDirty();
  return ok(changed.link);
}

/** Deletes handled from each side within the brake's window (for the settings page). */
export async function recentDeletes(
  deps: EngineDeps,
  installationId: string,
): Promise<{ hubspot: number; salesforce: number }> {
  const since = deps.now() - BRAKE_WINDOW_MS;
  const rows = await deps
    .db<links.LinkRow>(links.LINKS)
    .where({ installation_id: installationId })
    .where('tombstoned_at', '>=', since)
    .select('tombstoned_side')
    .count<{ tombstoned_side: string; count: number | string }[]>({ count: '*' })
    .groupBy('tombstoned_side');
  const count = (side: string) => Number(rows.find((row) => row.tombstoned_side === side)?.count ?? 0);
  return { hubspot: count('hubspot'), salesforce: count('salesforce') };
}
