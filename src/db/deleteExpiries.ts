/**
 * delete_expiries: what the delete policy did when a tombstone's grace period ended (src/domain/deletes.ts
 * decides, src/sync/deleteExpiry.ts acts). One row per tombstone, keyed by the link and when it was
 * tombstoned, so the expiry job acts once per delete, and a link tombstoned again later is judged again.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { ExpiryOutcome } from '../domain/deletes';
import { LINKS, type LinkRow } from './links';
import { isUniqueViolation, parseRow, type Queryable } from './support';

export const DELETE_EXPIRIES = 'delete_expiries';

export const expiryOutcomes = [
  'kept',
  'archived',
  'kept_open_deals',
  'kept_gone',
] as const satisfies readonly ExpiryOutcome[];

export interface DeleteExpiryRow {
  id: string;
  installation_id: string;
  link_id: string;
  tombstoned_at: number;
  outcome: string;
  reason: string;
  decided_at: number;
}

const DeleteExpirySchema = z.object({
  id: z.string(),
  installationId: z.string(),
  linkId: z.string(),
  tombstonedAt: z.number(),
  outcome: z.enum(expiryOutcomes),
  reason: z.string(),
  decidedAt: z.number(),
});
export type DeleteExpiry = z.infer<typeof DeleteExpirySchema>;

export function fromRow(row: DeleteExpiryRow): DeleteExpiry {
  return parseRow(
    DeleteExpirySchema,
    {
      id: row.id,
      installationId: row.installation_id,
      linkId: row.link_id,
      tombstonedAt: Number(row.tombstoned_at),
      outcome: row.outcome,
      reason: row.reason,
      decidedAt: Number(row.decided_at),
    },
    DELETE_EXPIRIES,
  );
}

/**
 * Tombstoned links of an installation whose grace period ended at or before `endedBy` (tombstoned at or
 * before `tombstonedBy`) and that the policy has not judged yet, oldest first.
 */
export async function listDue(
  db: Queryable,
  installationId: string,
  tombstonedBy: number,
  limit: number,
): Promise<LinkRow[]> {
  return await db<LinkRow>(LINKS)
    .where({ installation_id: installationId, state: 'tombstoned' })
    .whereNotNull('tombstoned_at')
    .where('tombstoned_at', '<=', tombstonedBy)
    .whereNotExists(
      db(DELETE_EXPIRIES)
        .select(db.raw('1'))
        .whereRaw(`${DELETE_EXPIRIES}.link_id = ${LINKS}.id`)
        .whereRaw(`${DELETE_EXPIRIES}.tombstoned_at = ${LINKS}.tombstoned_at`),
    )
    .orderBy([{ column: 'tombstoned_at' }, { column: 'id' }])
    .limit(limit);
}

/** Records the policy's decision; false when another process recorded this tombstone's first. */
export async function record(db: Queryable, input: Omit<DeleteExpiry, 'id'>): Promise<boolean> {
  try {
    await db<DeleteExpiryRow>(DELETE_EXPIRIES).insert({
      id: crypto.randomUUID(),
      installation_id: input.installationId,
      link_id: input.linkId,
      tombstoned_at: input.tombstonedAt,
      outcome: input.outcome,
      reason: input.reason,
      decided_at: input.decidedAt,
    });
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return false;
  }
}

/** The policy's decision on a link's current tombstone, if its grace period has ended. */
export async function findForTombstone(
  db: Queryable,
  linkId: string,
  tombstonedAt: number,
): Promise<DeleteExpiry | null> {
  const row = await db<DeleteExpiryRow>(DELETE_EXPIRIES)
    .where({ link_id: linkId, tombstoned_at: tombstonedAt })
    .first();
  return row ? fromRow(row) : null;
}
