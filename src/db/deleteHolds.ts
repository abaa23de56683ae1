/**
 * delete_holds: deletes the mass-delete brake held back for an admin (src/domain/deletes.ts decides when).
 *
 *   held ──admin releases──► released ──the next sync handles the delete──► (settled)
 *     └───admin discards───► discarded ──the record comes back──────────────► (settled)
 *
 * While any hold is `held`, the brake is on for the installation: every new delete is held too. A link has
 * at most one hold the engine has not settled (a partial unique index).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { isUniqueViolation, parseRow, type Queryable } from './support';

export const DELETE_HOLDS = 'delete_holds';

export const deleteHoldStates = ['held', 'released', 'discarded'] as const;
export type DeleteHoldState = (typeof deleteHoldStates)[number];

export interface DeleteHoldRow {
  id: string;
  installation_id: string;
  link_id: string;
  deleted_side: string;
  hubspot_object_type: string;
  hubspot_id: string;
  salesforce_object_type: string;
  salesforce_id: string;
  state: string;
  held_at: number;
  decided_at: number | null;
  decided_by: string | null;
  settled_at: number | null;
}

const DeleteHoldSchema = z.object({
  id: z.string(),
  installationId: z.string(),
  linkId: z.string(),
  deletedSide: z.enum(['hubspot', 'salesforce']),
  hubspotObjectType: z.string(),
  hubspotId: z.string(),
  salesforceObjectType: z.string(),
  salesforceId: z.string(),
  state: z.enum(deleteHoldStates),
  heldAt: z.number(),
  decidedAt: z.number().nullable(),
  /** The actor who released or discarded it (`hubspot-user:123`). */
  decidedBy: z.string().nullable(),
  settledAt: z.number().nullable(),
});
export type DeleteHold = z.infer<typeof DeleteHoldSchema>;

const num = (value: number | string | null) => (value === null ? null : Number(value));

export function fromRow(row: DeleteHoldRow): DeleteHold {
  return parseRow(
    DeleteHoldSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      linkId: row.link_id,
      deletedSide: row.deleted_side,
      hubspotObjectType: row.hubspot_object_type,
      hubspotId: row.hubspot_id,
      salesforceObjectType: row.salesforce_object_type,
      salesforceId: row.salesforce_id,
      state: row.state,
      heldAt: Number(row.held_at),
      decidedAt: num(row.decided_at),
      decidedBy: row.decided_by,
      settledAt: num(row.settled_at),
    },
    DELETE_HOLDS,
  );
}

export interface NewDeleteHold {
  installationId: string;
  linkId: string;
  deletedSide: 'hubspot' | 'salesforce';
  hubspotObjectType: string;
  hubspotId: string;
  salesforceObjectType: string;
  salesforceId: string;
}

/** Holds a link's delete; a link whose delete is already held (or decided, not settled) keeps that hold. */
export async function hold(db: Queryable, input: NewDeleteHold, now: number): Promise<void> {
  const existing = await db<DeleteHoldRow>(DELETE_HOLDS)
    .where({ installation_id: input.installationId, link_id: input.linkId })
    .whereNull('settled_at')
    .first();
  if (existing) return;
  try {
    await db<DeleteHoldRow>(DELETE_HOLDS).insert({
      id: crypto.randomUUID(),
      installation_id: input.installationId,
      link_id: input.linkId,
      deleted_side: input.deletedSide,
      hubspot_object_type: input.hubspotObjectType,
      hubspot_id: input.hubspotId,
      salesforce_object_type: input.salesforceObjectType,
      salesforce_id: input.salesforceId,
      state: 'held',
      held_at: now,
      decided_at: null,
      decided_by: null,
      settled_at: null,
    });
  } catch (error) {
    // Another worker held the same link's delete a moment ago.
    if (!isUniqueViolation(error)) throw error;
  }
}

/** The unsettled holds of these links, by link id. */
export async function unsettledForLinks(
  db: Queryable,
  installationId: string,
  linkIds: readonly string[],
): Promise<Map<string, DeleteHold>> {
  if (linkIds.length === 0) return new Map();
  const rows = await db<DeleteHoldRow>(DELETE_HOLDS)
    .where({ installation_id: installationId })
    .whereIn('link_id', [...linkIds])
    .whereNull('settled_at');
  return new Map(rows.map((row) => [row.link_id, fromRow(row)]));
}

/** How many deletes wait for an admin: while any does, the brake is on. */
export async function countHeld(db: Queryable, installationId: string): Promise<number> {
  const row = await db<DeleteHoldRow>(DELETE_HOLDS)
    .where({ installation_id: installationId, state: 'held' })
    .count<{ count: number | string }[]>({ count: '*' })
    .first();
  return Number(row?.count ?? 0);
}

/** The deletes waiting for an admin, oldest first. */
export async function listHeld(db: Queryable, installationId: string, limit = 500): Promise<DeleteHold[]> {
  const rows = await db<DeleteHoldRow>(DELETE_HOLDS)
    .where({ installation_id: installationId, state: 'held' })
    .orderBy([{ column: 'held_at' }, { column: 'id' }])
    .limit(limit);
  return rows.map(fromRow);
}

/** Releases or discards every held delete (or those named); returns the holds decided. */
export async function decide(
  db: Queryable,
  installationId: string,
  decision: 'released' | 'discarded',
  context: { now: number; actor: string; ids?: readonly string[] },
): Promise<DeleteHold[]> {
  const query = db<DeleteHoldRow>(DELETE_HOLDS).where({ installation_id: installationId, state: 'held' });
  if (context.ids) query.whereIn('id', [...context.ids]);
  const rows = await query.clone().select('*');
  if (rows.length === 0) return [];
  await db<DeleteHoldRow>(DELETE_HOLDS)
    .whereIn(
      'id',
      rows.map((row) => row.id),
    )
    .update({ state: decision, decided_at: context.now, decided_by: context.actor });
  return rows.map((row) =>
    fromRow({ ...row, state: decision, decided_at: context.now, decided_by: context.actor }),
  );
}

/** The engine is done with these holds (a released delete handled, a discarded one's record back). */
export async function settle(db: Queryable, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db<DeleteHoldRow>(DELETE_HOLDS)
    .whereIn('id', [...ids])
    .whereNull('settled_at')
    .update({ settled_at: now });
}
