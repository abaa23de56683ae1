/**
 * cursors: named poll watermarks per installation (`salesforce:Contact:SystemModstamp` → an ISO time, or a
 * HubSpot search's last-modified ms). Advancing is compare-and-set, so two processes running the same poll
 * cannot move a cursor past records only one of them has queued.
 */
import { z } from 'zod';
import { inTransaction, isUniqueViolation, parseInput, type Queryable } from './support';

export const CURSORS = 'cursors';

export interface CursorRow {
  installation_id: string;
  name: string;
  value: string;
  updated_at: number;
  /** Runs that ended without moving the cursor although the source said more records remained. */
  stalls: number;
  last_stalled_at: number | null;
}

export interface Cursor {
  name: string;
  value: string;
  updatedAt: number;
  stalls: number;
  lastStalledAt: number | null;
}

const NameSchema = z.string().min(1).max(128);

export function fromRow(row: CursorRow): Cursor {
  return {
    name: row.name,
    value: row.value,
    updatedAt: Number(row.updated_at),
    stalls: Number(row.stalls ?? 0),
    lastStalledAt: row.last_stalled_at === null ? null : Number(row.last_stalled_at),
  };
}

export async function get(db: Queryable, installationId: string, name: string): Promise<Cursor | null> {
  const row = await db<CursorRow>(CURSORS).where({ installation_id: installationId, name }).first();
  return row ? fromRow(row) : null;
}

export async function list(db: Queryable, installationId: string): Promise<Cursor[]> {
  const rows = await db<CursorRow>(CURSORS).where({ installation_id: installationId }).orderBy('name');
  return rows.map(fromRow);
}

/**
 * Moves a cursor from `from` (null: it does not exist yet) to `to`. Returns false, changing nothing, when
 * the cursor is no longer at `from`: someone else advanced it, and this poll's result should be discarded
 * or redone. Call it in the transaction that marks the polled records dirty.
 */
export async function advance(
  db: Queryable,
  installationId: string,
  name: string,
  move: { from: string | null; to: string },
  now: number,
): Promise<boolean> {
  parseInput(NameSchema, name, 'cursors.advance');
  if (move.from === null) {
    try {
      await inTransaction(db, (trx) =>
        trx<CursorRow>(CURSORS).insert({
          installation_id: installationId,
          name,
          value: move.to,
          updated_at: now,
        }),
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
  const updated = await db<CursorRow>(CURSORS)
    .where({ installation_id: installationId, name, value: move.from })
    .update({ value: move.to, updated_at: now });
  return updated > 0;
}

/** Sets a cursor unconditionally (an admin resetting a poll, a backfill starting over). */
export async function set(
  db: Queryable,
  installationId: string,
  name: string,
  value: string,
  now: number,
): Promise<void> {
  parseInput(NameSchema, name, 'cursors.set');
  await db<CursorRow>(CURSORS)
    .insert({ installation_id: installationId, name, value, updated_at: now })
    .onConflict(['installation_id', 'name'])
    .merge(['value', 'updated_at']);
}

/**
 * Counts a run of the poll that ended without moving the cursor although its source said more records
 * remained (a stall). The value and its moved time are left alone; a cursor that does not exist yet is
 * created empty-handed only by a poll, so a stall of one is not recorded.
 */
export async function noteStall(
  db: Queryable,
  installationId: string,
  name: string,
  now: number,
): Promise<void> {
  await db<CursorRow>(CURSORS)
    .where({ installation_id: installationId, name })
    .update({ stalls: db.raw('stalls + 1'), last_stalled_at: now } as never);
}
