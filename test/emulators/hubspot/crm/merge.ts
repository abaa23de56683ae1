/**
 * Merges and GDPR deletes: the two ways a record disappears for good.
 *
 * A merge creates a NEW record with a new id (HubSpot's current behaviour); both old ids become aliases that
 * resolve to it. The primary's values win, blanks are filled from the other record, the other contact's email
 * moves to hs_additional_emails, associations of both move over (the primary's primary labels win).
 */
import { isoOf } from '../clock';
import { errors } from '../http/errors';
import type { CrmRecord, PropertyVersion } from '../state/portal';
import { CALCULATED_SOURCE } from './actor';
import { OBJECT_TYPES, type ObjectType } from './object-types';
import { indexUnique, recordSearchVersion, unindexUnique, type Result, type WriteContext } from './records';

const SKIPPED_ON_MERGE = new Set([
  'hs_object_id',
  'hs_calculated_merged_vids',
  'hs_merged_object_ids',
  'email',
]);

export function mergeRecords(
  context: WriteContext,
  objectType: ObjectType,
  primary: CrmRecord,
  secondary: CrmRecord,
): Result<CrmRecord> {
  if (primary.id === secondary.id) {
    return { ok: false, error: errors.validation(`Cannot merge object ${primary.id} with itself`) };
  }
  const { portal, nowMs } = context;
  const table = portal.tables[objectType];
  const info = OBJECT_TYPES[objectType];
  const newId = portal.allocateObjectId();
  const merged: CrmRecord = {
    id: newId,
    objectType,
    createdAtMs: primary.createdAtMs,
    updatedAtMs: nowMs,
    archived: false,
    archivedAtMs: null,
    values: new Map(),
    history: new Map(),
    searchVersions: null,
  };

  let moved = 0;
  const names = new Set([...primary.history.keys(), ...secondary.history.keys()]);
  for (const name of names) {
    if (SKIPPED_ON_MERGE.has(name) || name === info.lastModifiedProperty) continue;
    const fromPrimary = primary.values.get(name);
    const fromSecondary = secondary.values.get(name);
    const winner = fromPrimary ? primary : fromSecondary ? secondary : primary;
    const loser = winner === primary ? secondary : primary;
    if (winner === secondary) moved += 1;
    const history: PropertyVersion[] = [
      ...(winner.history.get(name) ?? []),
      ...(loser.history.get(name) ?? []),
    ];
    merged.history.set(
      name,
      history.map((version) => ({ ...version })),
    );
    const value = winner.values.get(name);
    if (value) merged.values.set(name, value);
  }

  if (objectType === 'contacts') {
    const primaryEmail = primary.values.get('email');
    const secondaryEmail = secondary.values.get('email');
    const email = primaryEmail ?? secondaryEmail;
    if (email)
      setCalculated(
        merged,
        'email',
        email,
        nowMs,
        primary.history.get('email') ?? secondary.history.get('email'),
      );
    const additional = [
      primary.values.get('hs_additional_emails'),
      secondary.values.get('hs_additional_emails'),
    ]
      .concat(primaryEmail && secondaryEmail && primaryEmail !== secondaryEmail ? [secondaryEmail] : [])
      .filter((value): value is string => Boolean(value))
      .flatMap((value) => value.split(';'));
    if (additional.length > 0)
      setCalculated(merged, 'hs_additional_emails', [...new Set(additional)].join(';'), nowMs);
    const kept = context.behaviour.contactMergedIdsProperties;
    if (kept.includes('hs_calculated_merged_vids')) {
      const vids = [primary, secondary]
        .flatMap((record) => [record.values.get('hs_calculated_merged_vids'), `${record.id}:${nowMs}`])
        .filter((value): value is string => Boolean(value));
      setCalculated(merged, 'hs_calculated_merged_vids', vids.join(';'), nowMs);
    }
    // Merged contacts carry the merged ids here too, as companies and deals do.
    if (kept.includes('hs_merged_object_ids')) {
      const ids = [primary, secondary]
        .flatMap((record) => [record.values.get('hs_merged_object_ids'), record.id])
        .filter((value): value is string => Boolean(value));
      setCalculated(merged, 'hs_merged_object_ids', ids.join(';'), nowMs);
    }
  } else {
    const ids = [primary, secondary]
      .flatMap((record) => [record.values.get('hs_merged_object_ids'), record.id])
      .filter((value): value is string => Boolean(value));
    setCalculated(merged, 'hs_merged_object_ids', ids.join(';'), nowMs);
  }
  setCalculated(merged, 'hs_object_id', newId, nowMs);
  setCalculated(merged, info.lastModifiedProperty, isoOf(nowMs), nowMs);

  for (const old of [primary, secondary]) {
    unindexUnique(table, old);
    table.remove(old.id);
    table.aliases.set(old.id, newId);
  }
  table.insert(merged);
  indexUnique(table, merged);
  recordSearchVersion(context, merged, false);

  // Secondary first, so that the primary's primary-labelled associations replace the secondary's.
  for (const old of [secondary, primary]) {
    for (const edge of portal.associations.allOf(objectType, old.id)) {
      if (edge.toType === objectType && (edge.toId === primary.id || edge.toId === secondary.id)) continue;
      for (const typeId of edge.typeIds)
        portal.associations.add(objectType, newId, edge.toType, edge.toId, typeId);
    }
    portal.associations.forget(objectType, old.id);
  }

  portal.emit({
    kind: 'merge',
    objectType,
    objectId: newId,
    occurredAtMs: nowMs,
    actor: context.actor,
    primaryObjectId: primary.id,
    mergedObjectIds: [secondary.id],
    newObjectId: newId,
    numberOfPropertiesMoved: moved,
  });
  return { ok: true, value: merged };
}

function setCalculated(
  record: CrmRecord,
  name: string,
  value: string,
  nowMs: number,
  history?: PropertyVersion[],
): void {
  record.values.set(name, value);
  record.history.set(
    name,
    history
      ? history.map((version) => ({ ...version }))
      : [{ value, timestampMs: nowMs, ...CALCULATED_SOURCE }],
  );
}

/**
 * GDPR delete: the contact is gone for good (no restore, no alias) and its email is blocklisted, so neither an
 * integration nor a form can bring the person back. An email that matches no contact is blocklisted too.
 */
export function gdprDelete(context: WriteContext, record: CrmRecord | null, email: string | null): void {
  const { portal } = context;
  const table = portal.tables.contacts;
  const blocked = record?.values.get('email') ?? email;
  if (blocked) portal.emailBlocklist.add(blocked.toLowerCase());
  if (!record) return;
  unindexUnique(table, record);
  table.remove(record.id);
  for (const [alias, target] of table.aliases) if (target === record.id) table.aliases.delete(alias);
  portal.associations.forget('contacts', record.id);
  const base = {
    objectType: 'contacts' as const,
    objectId: record.id,
    occurredAtMs: context.nowMs,
    actor: context.actor,
  };
  portal.emit({ kind: 'deletion', ...base });
  portal.emit({ kind: 'privacyDeletion', ...base });
}
