/**
 * shadows: per link and mapped field, the last value synced (canonical, normalized JSON) and when. Change
 * detection compares each side's current value with it; because every write updates it in the same
 * transaction, the echo of our own write finds nothing changed.
 */
import { z } from 'zod';
import { JsonValueSchema, type JsonValue } from './recordRefs';
import { parseJsonColumn, parseInput, type Queryable } from './support';

export const SHADOWS = 'shadows';

export interface ShadowRow {
  installation_id: string;
  link_id: string;
  field_key: string;
  value: string;
  synced_at: number;
}

export interface Shadow {
  linkId: string;
  fieldKey: string;
  /** `null` is a blank value that was synced; a field never synced has no shadow at all. */
  value: JsonValue;
  syncedAt: number;
}

export function fromRow(row: ShadowRow): Shadow {
  return {
    linkId: row.link_id,
    fieldKey: row.field_key,
    value: parseJsonColumn(JsonValueSchema, row.value, `${SHADOWS}.value (${row.link_id}/${row.field_key})`),
    syncedAt: row.synced_at,
  };
}

const ShadowUpdatesSchema = z.array(
  z.object({ fieldKey: z.string().min(1).max(128), value: JsonValueSchema }),
);
export type ShadowUpdate = z.input<typeof ShadowUpdatesSchema>[number];

/** The shadows of one link, by field key. */
export async function forLink(
  db: Queryable,
  installationId: string,
  linkId: string,
): Promise<Map<string, Shadow>> {
  const byLink = await forLinks(db, installationId, [linkId]);
  return byLink.get(linkId) ?? new Map();
}

/** The shadows of many links at once (a worker's batch), by link id then field key. */
export async function forLinks(
  db: Queryable,
  installationId: string,
  linkIds: string[],
): Promise<Map<string, Map<string, Shadow>>> {
  const result = new Map<string, Map<string, Shadow>>();
  if (linkIds.length === 0) return result;
  const rows = await db<ShadowRow>(SHADOWS)
    .where({ installation_id: installationId })
    .whereIn('link_id', linkIds);
  for (const row of rows) {
    const shadow = fromRow(row);
    const fields = result.get(shadow.linkId) ?? new Map<string, Shadow>();
    fields.set(shadow.fieldKey, shadow);
    result.set(shadow.linkId, fields);
  }
  return result;
}

/**
 * Sets the shadow of each field to the value just synced. Call it in the transaction that records the write,
 * so a crash can never leave a written value without its shadow (which would make its echo look like a change).
 */
export async function upsert(
  db: Queryable,
  installationId: string,
  linkId: string,
  updates: ShadowUpdate[],
  now: number,
): Promise<void> {
  const parsed = parseInput(ShadowUpdatesSchema, updates, 'shadows.upsert');
  if (parsed.length === 0) return;
  await db<ShadowRow>(SHADOWS)
    .insert(
      parsed.map((update) => ({
        installation_id: installationId,
        link_id: linkId,
        field_key: update.fieldKey,
        value: JSON.stringify(update.value),
        synced_at: now,
      })),
    )
    .onConflict(['link_id', 'field_key'])
    .merge(['value', 'synced_at']);
}

/**
 * Gives a link the shadows of the link it takes over from (a merge's survivor, a converted Lead's Contact):
 * its records hold what the pair last synced, and without them the first sync after the move could not tell
 * which side changed a field since, so a record changed later for another field would win it.
 */
export async function copyToLink(
  db: Queryable,
  installationId: string,
  fromLinkId: string,
  toLinkId: string,
): Promise<void> {
  const rows = await db<ShadowRow>(SHADOWS).where({ installation_id: installationId, link_id: fromLinkId });
  if (rows.length === 0) return;
  await db<ShadowRow>(SHADOWS)
    .insert(rows.map((row) => ({ ...row, link_id: toLinkId })))
    .onConflict(['link_id', 'field_key'])
    .ignore();
}

/** Forgets fields (for example a mapping the admin removed), so a later mapping starts from "never synced". */
export async function remove(
  db: Queryable,
  installationId: string,
  linkId: string,
  fieldKeys: string[],
): Promise<void> {
  if (fieldKeys.length === 0) return;
  await db<ShadowRow>(SHADOWS)
    .where({ installation_id: installationId, link_id: linkId })
    .whereIn('field_key', fieldKeys)
    .delete();
}

/** Forgets every value stored for a link (privacy deletion). */
export async function removeAllForLink(db: Queryable, installationId: string, linkId: string): Promise<void> {
  await db<ShadowRow>(SHADOWS).where({ installation_id: installationId, link_id: linkId }).delete();
}
