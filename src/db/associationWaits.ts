/**
 * Associations waiting for the record at their other end to be linked (see the migration). A sync that
 * could not write a primary company because the company or Account is not linked yet records a wait; the
 * sync that links that company or Account wakes the waiting records (marks them dirty) and forgets the waits.
 */
import type { Side } from '../domain/records';
import * as dirty from './dirty';
import { LINKS } from './links';
import type { RecordRef } from './recordRefs';
import type { Queryable } from './support';

export const ASSOCIATION_WAITS = 'association_waits';

interface AssociationWaitRow {
  installation_id: string;
  waiting_side: string;
  waiting_object_type: string;
  waiting_record_id: string;
  for_side: string;
  for_record_id: string;
  created_at: number;
}

export interface Wait {
  readonly waiting: RecordRef;
  readonly forSide: Side;
  readonly forRecordId: string;
}

/** Records the waits (a wait already recorded stays as it was). */
export async function record(
  db: Queryable,
  installationId: string,
  waits: readonly Wait[],
  now: number,
): Promise<void> {
  for (const wait of waits) {
    await db<AssociationWaitRow>(ASSOCIATION_WAITS)
      .insert({
        installation_id: installationId,
        waiting_side: wait.waiting.side,
        waiting_object_type: wait.waiting.objectType,
        waiting_record_id: wait.waiting.recordId,
        for_side: wait.forSide,
        for_record_id: wait.forRecordId,
        created_at: now,
      })
      .onConflict(['installation_id', 'for_side', 'for_record_id', 'waiting_side', 'waiting_record_id'])
      .ignore();
  }
}

/**
 * Marks dirty every record waiting for one of the records now linked, and forgets those waits. Salesforce
 * ids are matched in their 15- and 18-character forms. Returns how many records were woken.
 */
export async function wake(
  db: Queryable,
  installationId: string,
  linked: ReadonlyArray<{ readonly side: Side; readonly recordId: string }>,
  now: number,
): Promise<number> {
  if (linked.length === 0) return 0;
  const forms = (entry: { side: Side; recordId: string }) =>
    entry.side === 'salesforce' ? [entry.recordId, entry.recordId.slice(0, 15)] : [entry.recordId];
  const rows: AssociationWaitRow[] = [];
  for (const side of ['hubspot', 'salesforce'] as const) {
    const ids = [...new Set(linked.filter((entry) => entry.side === side).flatMap(forms))];
    for (let index = 0; index < ids.length; index += 500) {
      const slice = ids.slice(index, index + 500);
      rows.push(
        ...(await db<AssociationWaitRow>(ASSOCIATION_WAITS)
          .where({ installation_id: installationId, for_side: side })
          .whereIn('for_record_id', slice)),
      );
      await db(ASSOCIATION_WAITS)
        .where({ installation_id: installationId, for_side: side })
        .whereIn('for_record_id', slice)
        .delete();
    }
  }
  const marks = [
    ...new Map(
      rows.map((row) => [
        `${row.waiting_side}:${row.waiting_record_id}`,
        {
          installationId,
          record: {
            side: row.waiting_side,
            objectType: row.waiting_object_type,
            recordId: row.waiting_record_id,
          } as RecordRef,
          source: 'dependency' as const,
        },
      ]),
    ).values(),
  ];
  if (marks.length > 0) await dirty.markMany(db, marks, now);
  return marks.length;
}

/** The records one record waits for (for the card: what its association waits on). */
export async function waitingFor(
  db: Queryable,
  installationId: string,
  waiting: RecordRef,
): Promise<Array<{ side: Side; recordId: string }>> {
  const rows = await db<AssociationWaitRow>(ASSOCIATION_WAITS).where({
    installation_id: installationId,
    waiting_side: waiting.side,
    waiting_record_id: waiting.recordId,
  });
  return rows.map((row) => ({ side: row.for_side as Side, recordId: row.for_record_id }));
}

/**
 * Wakes the records waiting for any of `targets` that is linked by now (an active link on that side, any
 * object), as `wake` does. Called once a wait's transaction has committed: the link may have been made while
 * it was being recorded. Returns how many records were woken.
 */
export async function wakeLinked(
  db: Queryable,
  installationId: string,
  targets: ReadonlyArray<{ readonly side: Side; readonly recordId: string }>,
  now: number,
): Promise<number> {
  const linked: Array<{ side: Side; recordId: string }> = [];
  for (const side of ['hubspot', 'salesforce'] as const) {
    const ids = [
      ...new Set(targets.filter((target) => target.side === side).map((target) => target.recordId)),
    ];
    const column = side === 'hubspot' ? 'hubspot_id' : 'salesforce_id';
    for (let index = 0; index < ids.length; index += 500) {
      const slice = ids.slice(index, index + 500);
      const rows = (await db(LINKS)
        .where({ installation_id: installationId, state: 'active' })
        .whereIn(column, slice)
        .select(column)) as Array<Record<string, string>>;
      const found = new Set(rows.map((row) => row[column]!));
      for (const id of slice) {
        if (found.has(id)) linked.push({ side, recordId: id });
      }
    }
  }
  return linked.length === 0 ? 0 : wake(db, installationId, linked, now);
}
