/**
 * conflicts: the review queue. A field both sides changed to different values, under a rule that asks a
 * person (`review`), waits here with both values and the shadow; nothing is written for that field until
 * someone resolves it. One open conflict per link and field: a newer disagreement refreshes it.
 *
 *   open ──resolve (hubspot | salesforce | value)──► resolved
 *     └──values agree again / link ended──────────► dismissed
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { JsonValueSchema } from './recordRefs';
import {
  inTransaction,
  isUniqueViolation,
  lockForUpdate,
  parseInput,
  parseJsonColumn,
  parseRow,
  type Queryable,
} from './support';

export const CONFLICTS = 'conflicts';

export const conflictStates = ['open', 'resolved', 'dismissed'] as const;
/** Which value won: one side's, a value a person typed, or none because the conflict became moot. */
export const conflictResolutions = ['hubspot', 'salesforce', 'value', 'moot'] as const;
export type ConflictResolution = (typeof conflictResolutions)[number];

export interface ConflictRow {
  id: string;
  installation_id: string;
  link_id: string;
  field_key: string;
  hubspot_value: string;
  salesforce_value: string;
  shadow_value: string | null;
  hubspot_changed_at: number | null;
  salesforce_changed_at: number | null;
  state: string;
  resolution: string | null;
  resolved_value: string | null;
  resolved_by: string | null;
  opened_at: number;
  updated_at: number;
  resolved_at: number | null;
}

const ConflictSchema = z.object({
  id: z.string(),
  installationId: z.string(),
  linkId: z.string(),
  fieldKey: z.string(),
  hubspotValue: JsonValueSchema,
  salesforceValue: JsonValueSchema,
  /** The last synced value; `undefined` when the field had never been synced. */
  shadowValue: JsonValueSchema.optional(),
  hubspotChangedAt: z.number().nullable(),
  salesforceChangedAt: z.number().nullable(),
  state: z.enum(conflictStates),
  resolution: z.enum(conflictResolutions).nullable(),
  resolvedValue: JsonValueSchema.optional(),
  resolvedBy: z.string().nullable(),
  openedAt: z.number(),
  updatedAt: z.number(),
  resolvedAt: z.number().nullable(),
});
export type Conflict = z.infer<typeof ConflictSchema>;

export function fromRow(row: ConflictRow): Conflict {
  const json = (text: string | null, column: string) =>
    text === null ? undefined : parseJsonColumn(JsonValueSchema, text, `${CONFLICTS}.${column} (${row.id})`);
  return parseRow(
    ConflictSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      linkId: row.link_id,
      fieldKey: row.field_key,
      hubspotValue: json(row.hubspot_value, 'hubspot_value'),
      salesforceValue: json(row.salesforce_value, 'salesforce_value'),
      shadowValue: json(row.shadow_value, 'shadow_value'),
      hubspotChangedAt: row.hubspot_changed_at,
      salesforceChangedAt: row.salesforce_changed_at,
      state: row.state,
      resolution: row.resolution,
      resolvedValue: json(row.resolved_value, 'resolved_value'),
      resolvedBy: row.resolved_by,
      openedAt: row.opened_at,
      updatedAt: row.updated_at,
      resolvedAt: row.resolved_at,
    },
    CONFLICTS,
  );
}

const OpenSchema = z.object({
  installationId: z.string().min(1),
  linkId: z.string().min(1),
  fieldKey: z.string().min(1).max(128),
  hubspotValue: JsonValueSchema,
  salesforceValue: JsonValueSchema,
  shadowValue: JsonValueSchema.optional(),
  hubspotChangedAt: z.number().nullable().default(null),
  salesforceChangedAt: z.number().nullable().default(null),
});
export type OpenConflictInput = z.input<typeof OpenSchema>;

/** Opens a conflict for a field, or refreshes the values of the one already open. */
export async function open(db: Queryable, input: OpenConflictInput, now: number): Promise<Conflict> {
  const conflict = parseInput(OpenSchema, input, 'conflicts.open');
  const values = {
    hubspot_value: JSON.stringify(conflict.hubspotValue),
    salesforce_value: JSON.stringify(conflict.salesforceValue),
    shadow_value: conflict.shadowValue === undefined ? null : JSON.stringify(conflict.shadowValue),
    hubspot_changed_at: conflict.hubspotChangedAt,
    salesforce_changed_at: conflict.salesforceChangedAt,
    updated_at: now,
  };
  const attempt = () =>
    inTransaction(db, async (trx) => {
      const existing = await lockForUpdate(
        trx,
        openQuery(trx, conflict.installationId, conflict.linkId, conflict.fieldKey),
      ).first();
      if (existing) {
        await trx<ConflictRow>(CONFLICTS).where({ id: existing.id }).update(values);
        return fromRow({ ...existing, ...values });
      }
      const row: ConflictRow = {
        id: crypto.randomUUID(),
        installation_id: conflict.installationId,
        link_id: conflict.linkId,
        field_key: conflict.fieldKey,
        ...values,
        state: 'open',
        resolution: null,
        resolved_value: null,
        resolved_by: null,
        opened_at: now,
        resolved_at: null,
      };
      await trx<ConflictRow>(CONFLICTS).insert(row);
      return fromRow(row);
    });
  try {
    return await attempt();
  } catch (error) {
    // Two syncs opened the same conflict at once: the other one's row exists now, so refresh it instead.
    if (!isUniqueViolation(error)) throw error;
    return attempt();
  }
}

export async function findById(db: Queryable, installationId: string, id: string): Promise<Conflict | null> {
  const row = await db<ConflictRow>(CONFLICTS).where({ installation_id: installationId, id }).first();
  return row ? fromRow(row) : null;
}

export async function findOpen(
  db: Queryable,
  installationId: string,
  linkId: string,
  fieldKey: string,
): Promise<Conflict | null> {
  const row = await openQuery(db, installationId, linkId, fieldKey).first();
  return row ? fromRow(row) : null;
}

/** Open conflicts of an installation (or of one link), oldest first: the review queue. */
export async function listOpen(
  db: Queryable,
  installationId: string,
  options: { linkId?: string; limit?: number } = {},
): Promise<Conflict[]> {
  const query = db<ConflictRow>(CONFLICTS).where({ installation_id: installationId, state: 'open' });
  if (options.linkId) query.where({ link_id: options.linkId });
  const rows = await query.orderBy([{ column: 'opened_at' }, { column: 'id' }]).limit(options.limit ?? 100);
  return rows.map(fromRow);
}

/** The conflicts of many links at once (a worker's batch), in the given states, oldest first. */
export async function listForLinks(
  db: Queryable,
  installationId: string,
  linkIds: string[],
  states: ReadonlyArray<(typeof conflictStates)[number]>,
): Promise<Conflict[]> {
  if (linkIds.length === 0) return [];
  const rows = await db<ConflictRow>(CONFLICTS)
    .where({ installation_id: installationId })
    .whereIn('link_id', linkIds)
    .whereIn('state', [...states])
    .orderBy([{ column: 'opened_at' }, { column: 'id' }]);
  return rows.map(fromRow);
}

export async function countOpen(db: Queryable, installationId: string): Promise<number> {
  const row = await db<ConflictRow>(CONFLICTS)
    .where({ installation_id: installationId, state: 'open' })
    .count({ count: '*' })
    .first();
  return Number((row as { count?: number | string } | undefined)?.count ?? 0);
}

const ResolveSchema = z.discriminatedUnion('resolution', [
  z.object({ resolution: z.literal('hubspot'), resolvedBy: z.string().min(1), value: JsonValueSchema }),
  z.object({ resolution: z.literal('salesforce'), resolvedBy: z.string().min(1), value: JsonValueSchema }),
  z.object({ resolution: z.literal('value'), resolvedBy: z.string().min(1), value: JsonValueSchema }),
  z.object({ resolution: z.literal('moot'), resolvedBy: z.string().min(1) }),
]);
export type ResolveInput = z.input<typeof ResolveSchema>;

/**
 * Closes an open conflict with the chosen value (resolved) or as moot (dismissed). Returns null if it is
 * not open (someone else resolved it first). The caller writes the value and the shadow in the same
 * transaction, or marks the record dirty so the sync does.
 */
export async function resolve(
  db: Queryable,
  installationId: string,
  id: string,
  input: ResolveInput,
  now: number,
): Promise<Conflict | null> {
  const choice = parseInput(ResolveSchema, input, 'conflicts.resolve');
  const updated = await db<ConflictRow>(CONFLICTS)
    .where({ installation_id: installationId, id, state: 'open' })
    .update({
      state: choice.resolution === 'moot' ? 'dismissed' : 'resolved',
      resolution: choice.resolution,
      resolved_value: choice.resolution === 'moot' ? null : JSON.stringify(choice.value),
      resolved_by: choice.resolvedBy,
      resolved_at: now,
      updated_at: now,
    });
  return updated === 0 ? null : findById(db, installationId, id);
}

/** Deletes every conflict of a link, values included (privacy deletion). */
export async function deleteAllForLink(db: Queryable, installationId: string, linkId: string): Promise<void> {
  await db<ConflictRow>(CONFLICTS).where({ installation_id: installationId, link_id: linkId }).delete();
}

function openQuery(db: Queryable, installationId: string, linkId: string, fieldKey: string) {
  return db<ConflictRow>(CONFLICTS).where({
    installation_id: installationId,
    link_id: linkId,
    field_key: fieldKey,
    state: 'open',
  });
}
