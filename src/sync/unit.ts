/**
 * A unit of sync work: one link (or one unlinked record) and the dirty rows it settles. Two dirty rows of
 * one batch that name the two records of a link become one unit, planned once: the pair is never synced
 * twice in a batch.
 *
 * Building units reads only the database: the link each record has (active first, then a tombstone, which
 * blocks re-creation, then the newest ended link unless it ended as a duplicate: see currentLinkOf), and for linked units their shadows, open conflicts and
 * resolutions waiting to be applied; for unlinked ones any question a person answered about them.
 */
import * as conflictsTable from '../db/conflicts';
import type { Conflict } from '../db/conflicts';
import * as links from '../db/links';
import * as pendingMatches from '../db/pendingMatches';
import type { Choice } from '../db/pendingMatches';
import type { RecordRef } from '../db/recordRefs';
import * as shadowsTable from '../db/shadows';
import { hubspotUserOfEvent } from '../domain/actors';
import { currentLinkOf } from '../domain/linkStates';
import type { ConflictResolution, ShadowMap } from '../domain/planner';
import type { HubspotRecord, Link, SalesforceObjectType, SalesforceRecord } from '../domain/records';
import { sameSalesforceId } from '../domain/records';
import { CanonicalValueSchema, type CanonicalValue } from '../domain/transforms/canonical';
import type { ClaimedItem } from '../queue/claim';
import type { BatchContext } from './context';
import { recordLockKey } from './locks';
import type { SentInDoubt } from './inDoubt';
import { readDirtyPayload, type SyncHint } from '../queue/payload';

/** A unit as the database knows it, before anything is read from either system. */
export interface StoredUnit {
  readonly key: string;
  readonly items: readonly ClaimedItem[];
  /** The stored link, in whatever state; null for a record that was never linked. */
  readonly link: links.Link | null;
  /** The record an unlinked unit is about (for a linked unit, its first dirty record). */
  readonly subject: RecordRef;
  /** Records this batch already holds: carried by change detection, or known current from the previous round. */
  readonly held: Sides;
  /** The sides of `held` that came from a dirty payload (read by change detection), not from this batch. */
  readonly carried: { readonly hubspot: boolean; readonly salesforce: boolean };
  readonly hint: SyncHint | null;
  /** The HubSpot user whose change in HubSpot's UI a webhook marked this unit for, when one did. */
  readonly hubspotChangedBy: string | null;
  /** A person asked for this sync (Sync now, Retry): never cut short by the echo test. */
  readonly requestedByPerson: boolean;
  /**
   * Marked for a change outside the record (an associated record just linked, a conversion): its own values
   * may be as last synced while what they mean on the other side changed, so the echo test cannot vouch.
   */
  readonly dependsOnOthers: boolean;
  readonly shadows: ShadowMap;
  /** Values an earlier round of this batch sent in a write that got no answer in time. */
  readonly sentInDoubt: readonly SentInDoubt[];
  readonly openConflicts: readonly Conflict[];
  readonly resolutions: Readonly<Record<string, ConflictResolution>>;
  /** Who chose each resolution, as the conflict records them (an email, else `HubSpot user <id>`). */
  readonly resolvedBy: Readonly<Record<string, string>>;
  /** Unlinked: a person's answer to an earlier question about this record. */
  readonly choice: Choice | null;
  readonly hasOpenQuestion: boolean;
  /**
   * Unlinked: its Lead converted into a Contact that syncs with another HubSpot record, and the question that
   * opened is still open. Such a record creates nothing (it would be a duplicate) until a person settles it.
   */
  readonly waitsAsDuplicate: boolean;
}

/** The records of a unit's two sides as far as they are read: absent, not read yet; null, not found at all. */
export interface Sides {
  readonly hubspot?: HubspotRecord | null;
  readonly salesforce?: SalesforceRecord | null;
}

/** An unlinked record's possible counterparts on the other side. */
export interface Candidates {
  readonly candidates: ReadonlyArray<HubspotRecord | SalesforceRecord>;
  /** Which of the candidates are linked to another record already. */
  readonly linkedCandidateIds: readonly string[];
  /**
   * An unlinked HubSpot record's earlier create in Salesforce whose answer was lost, and the records that
   * create may have made (see domain/lostCreates.ts).
   */
  readonly lostCreate: { readonly sentAt: number; readonly mayStillLand: boolean } | null;
  readonly createdByBridge: readonly SalesforceRecord[];
}

export const NO_CANDIDATES: Candidates = {
  candidates: [],
  linkedCandidateIds: [],
  lostCreate: null,
  createdByBridge: [],
};

/** A unit with both sides read as far as its sync needs them (null: not found, or not needed). */
export interface Unit extends StoredUnit, Candidates {
  readonly hubspot: HubspotRecord | null;
  readonly salesforce: SalesforceRecord | null;
  /** Whether `hubspot` carries per-property change times (read with history). */
  readonly hubspotWithHistory: boolean;
}

/** Work for a round: dirty rows, the link to use when a previous round moved or made it, and what it already knows. */
export interface WorkEntry {
  readonly items: readonly ClaimedItem[];
  readonly linkId?: string;
  /** Records known to be current (just written, or read this batch and not written since). */
  readonly known?: { readonly hubspot?: HubspotRecord; readonly salesforce?: SalesforceRecord };
  /** A write of the previous round got no answer in time: what it sent (both records are read afresh). */
  readonly sentInDoubt?: readonly SentInDoubt[];
}

/** The planner's view of a stored link. */
export function domainLink(link: links.Link): Link {
  return {
    id: link.id,
    hubspot: { objectType: link.hubspotObjectType, id: link.hubspotId },
    salesforce: { type: link.salesforceObjectType, id: link.salesforceId },
    state: link.state,
    tombstone:
      link.tombstonedSide && link.tombstonedAt !== null
        ? { deletedSide: link.tombstonedSide, atMs: link.tombstonedAt }
        : null,
  };
}

function keyOf(link: links.Link | null, record: RecordRef): string {
  return link ? `link:${link.id}` : `record:${record.side}:${record.objectType}:${record.recordId}`;
}

function resolutionOf(conflict: Conflict): ConflictResolution | null {
  if (conflict.resolution === 'hubspot' || conflict.resolution === 'salesforce') {
    return { keep: conflict.resolution };
  }
  if (conflict.resolution === 'value') {
    const value = CanonicalValueSchema.safeParse(conflict.resolvedValue ?? null);
    return value.success ? { keep: 'value', value: value.data } : null;
  }
  return null;
}

/** The units of a round's work, from the database alone. */
export async function storedUnits(
  context: BatchContext,
  entries: readonly WorkEntry[],
): Promise<StoredUnit[]> {
  const { db, installationId } = context;
  const grouped = new Map<
    string,
    {
      items: ClaimedItem[];
      link: links.Link | null;
      subject: RecordRef;
      known: WorkEntry['known'];
      /** Payloads describe the records as they were marked; after a round has acted, only fresh reads count. */
      payloadsUsable: boolean;
      sentInDoubt: readonly SentInDoubt[];
    }
  >();
  for (const entry of entries) {
    const first = entry.items[0];
    if (!first) continue;
    const link = entry.linkId
      ? await links.findById(db, installationId, entry.linkId)
      : currentLinkOf(await links.listForRecord(db, installationId, first.record));
    const key = keyOf(link, first.record);
    const group = grouped.get(key);
    const afresh = entry.linkId !== undefined || entry.sentInDoubt !== undefined;
    if (group) {
      group.items.push(...entry.items);
      group.payloadsUsable &&= !afresh;
      group.sentInDoubt = [...group.sentInDoubt, ...(entry.sentInDoubt ?? [])];
    } else {
      grouped.set(key, {
        items: [...entry.items],
        link,
        subject: first.record,
        known: entry.known,
        payloadsUsable: !afresh,
        sentInDoubt: entry.sentInDoubt ?? [],
      });
    }
  }

  const linkIds = [...grouped.values()].flatMap((group) => (group.link ? [group.link.id] : []));
  const shadows = await shadowsTable.forLinks(db, installationId, linkIds);
  const conflicts = await conflictsTable.listForLinks(db, installationId, linkIds, ['open', 'resolved']);

  const units: StoredUnit[] = [];
  for (const [key, group] of grouped) {
    const linkShadows = group.link ? (shadows.get(group.link.id) ?? new Map()) : new Map();
    const shadowMap: Record<string, CanonicalValue> = {};
    for (const [fieldKey, shadow] of linkShadows) {
      const value = CanonicalValueSchema.safeParse(shadow.value);
      if (value.success) shadowMap[fieldKey] = value.data;
    }
    const own = conflicts.filter((conflict) => conflict.linkId === group.link?.id);
    const resolutions: Record<string, ConflictResolution> = {};
    const resolvedBy: Record<string, string> = {};
    for (const conflict of own) {
      if (conflict.state !== 'resolved' || conflict.resolvedAt === null) continue;
      // A resolution is applied once: the sync that carries it out records the field's shadow after it.
      const syncedAt = linkShadows.get(conflict.fieldKey)?.syncedAt;
      if (syncedAt !== undefined && syncedAt >= conflict.resolvedAt) continue;
      const resolution = resolutionOf(conflict);
      if (resolution) resolutions[conflict.fieldKey] = resolution;
      if (resolution && conflict.resolvedBy) resolvedBy[conflict.fieldKey] = conflict.resolvedBy;
    }
    let choice: Choice | null = null;
    let hasOpenQuestion = false;
    let waitsAsDuplicate = false;
    if (!group.link) {
      const question = await pendingMatches.findOpen(db, installationId, group.subject);
      hasOpenQuestion = question !== null;
      waitsAsDuplicate =
        question?.candidates.some(
          (candidate) => candidate.matchedBy === pendingMatches.CONVERTED_ELSEWHERE,
        ) ?? false;
      const answered = hasOpenQuestion
        ? null
        : await pendingMatches.findLatestResolved(db, installationId, group.subject);
      choice = answered?.choice ?? null;
    }
    const carried = group.payloadsUsable ? group.items.map((item) => readDirtyPayload(item)) : [];
    const records = recordsOf(group.link, group.subject);
    const carriedHubspot = carried.find((payload) => payload.hubspot?.id === records.hubspotId)?.hubspot;
    const carriedSalesforce = carried.find(
      (payload) => payload.salesforce && sameSalesforceId(payload.salesforce.id, records.salesforce?.id),
    )?.salesforce;
    const heldHubspot = group.known?.hubspot ?? carriedHubspot;
    const heldSalesforce = group.known?.salesforce ?? carriedSalesforce;
    const held: Sides = {
      ...(heldHubspot ? { hubspot: heldHubspot } : {}),
      ...(heldSalesforce ? { salesforce: heldSalesforce } : {}),
    };
    units.push({
      key,
      items: group.items,
      link: group.link,
      subject: group.subject,
      held,
      carried: {
        hubspot: group.known?.hubspot === undefined && carriedHubspot !== undefined,
        salesforce: group.known?.salesforce === undefined && carriedSalesforce !== undefined,
      },
      hint: carried.find((payload) => payload.hint)?.hint ?? null,
      // Who made the change holds even when the record a payload carried is too old to use.
      hubspotChangedBy:
        group.items
          .filter((item) => item.record.side === 'hubspot')
          .map((item) => hubspotUserOfEvent(readDirtyPayload(item).event))
          .find((userId) => userId !== null) ?? null,
      requestedByPerson: group.items.some((item) => item.source === 'manual' || item.source === 'retry'),
      dependsOnOthers: group.items.some((item) => item.source === 'dependency'),
      shadows: shadowMap,
      sentInDoubt: group.sentInDoubt,
      openConflicts: own.filter((conflict) => conflict.state === 'open'),
      resolutions,
      resolvedBy,
      choice,
      hasOpenQuestion,
      waitsAsDuplicate,
    });
  }
  return units;
}

/**
 * How much newer than the link's last sync a carried record's version must be to be trusted. Change
 * detection may have read the record before the bridge's own write to it landed (a poll page read, then
 * a sync of the other side), and such a copy would undo that write. Provider timestamps have second
 * precision and their clocks are not ours, hence the margin.
 */
export const CARRIED_RECORD_MARGIN_MS = 60_000;

/**
 * The held records a unit may trust: carried ones that may predate the link's last sync are dropped, so
 * they are read again. Only for units that go on past the echo test: a carried copy that equals what was
 * synced is harmless either way.
 */
export function trustedSides(unit: StoredUnit, sides: Sides): Sides {
  const syncedAt = unit.link?.lastSyncedAt ?? null;
  if (syncedAt === null) return sides;
  const trustedAfter = syncedAt + CARRIED_RECORD_MARGIN_MS;
  const { hubspot, salesforce } = sides;
  const staleHubspot =
    unit.carried.hubspot && hubspot === unit.held.hubspot && hubspot && hubspot.updatedAtMs <= trustedAfter;
  const staleSalesforce =
    unit.carried.salesforce &&
    salesforce === unit.held.salesforce &&
    salesforce &&
    salesforce.systemModstampMs <= trustedAfter;
  return {
    ...(hubspot !== undefined && !staleHubspot ? { hubspot } : {}),
    ...(salesforce !== undefined && !staleSalesforce ? { salesforce } : {}),
  };
}

export interface UnitRecords {
  readonly hubspotId: string | null;
  readonly salesforce: { readonly type: SalesforceObjectType; readonly id: string } | null;
}

function recordsOf(link: links.Link | null, subject: RecordRef): UnitRecords {
  if (link) {
    return {
      hubspotId: link.hubspotId,
      salesforce: { type: link.salesforceObjectType, id: link.salesforceId },
    };
  }
  return subject.side === 'hubspot'
    ? { hubspotId: subject.recordId, salesforce: null }
    : { hubspotId: null, salesforce: { type: subject.objectType, id: subject.recordId } };
}

/** The record ids a unit's link (or subject) names on each side. */
export function unitRecords(unit: StoredUnit): UnitRecords {
  return recordsOf(unit.link, unit.subject);
}

/** The sides whose dirty rows this unit settles. */
export function dirtySides(unit: StoredUnit): Set<'hubspot' | 'salesforce'> {
  return new Set(unit.items.map((item) => item.record.side));
}

/** The lock keys of the records a unit already names (its link's, or its own). */
export function ownKeys(installationId: string, unit: StoredUnit): string[] {
  const records = unitRecords(unit);
  return [
    ...(records.hubspotId ? [recordLockKey(installationId, 'hubspot', records.hubspotId)] : []),
    ...(records.salesforce ? [recordLockKey(installationId, 'salesforce', records.salesforce.id)] : []),
  ];
}
