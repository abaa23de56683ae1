/**
 * schedule_leases: who runs a periodic job right now, across processes. A process runs a job only while it
 * holds the job's unexpired lease; an expired lease (its holder died) can be taken by anyone. The in-process
 * half of "never overlap" is the scheduler's; this is the half between processes.
 */
import { z } from 'zod';
import { parseInput, type Queryable } from './support';

export const SCHEDULE_LEASES = 'schedule_leases';

export interface ScheduleLeaseRow {
  name: string;
  installation_id: string | null;
  held_by: string;
  held_until: number;
  updated_at: number;
}

const AcquireSchema = z.object({
  name: z.string().min(1).max(191),
  /** Set for per-installation jobs, so the lease goes when the installation does. */
  installationId: z.string().nullable().default(null),
  holder: z.string().min(1).max(128),
  now: z.number(),
  leaseMs: z.number().int().positive(),
  /**
   * For jobs that run every so often: the lease is free only this long after it was released (or
   * expired). Two processes that both saw the job due then cannot run it back to back: the second finds
   * the first's release too recent.
   */
  intervalMs: z.number().int().nonnegative().default(0),
});
export type AcquireInput = z.input<typeof AcquireSchema>;

/**
 * Takes the lease if it is free (released or expired at least `intervalMs` ago) or already ours (then
 * extends it). One atomic statement.
 */
export async function tryAcquire(db: Queryable, input: AcquireInput): Promise<boolean> {
  const lease = parseInput(AcquireSchema, input, 'scheduleLeases.tryAcquire');
  const result = await db.raw(
    `INSERT INTO schedule_leases (name, installation_id, held_by, held_until, updated_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name)
     DO UPDATE SET held_by = excluded.held_by, held_until = excluded.held_until, updated_at = excluded.updated_at
     WHERE schedule_leases.held_until + ? <= ? OR schedule_leases.held_by = excluded.held_by
     RETURNING name`,
    [
      lease.name,
      lease.installationId,
      lease.holder,
      lease.now + lease.leaseMs,
      lease.now,
      lease.intervalMs,
      lease.now,
    ],
  );
  const rows: unknown[] = Array.isArray(result) ? result : result.rows;
  return rows.length > 0;
}

/** Extends a lease we hold; false if it was lost (expired and taken). */
export async function renew(
  db: Queryable,
  input: { name: string; holder: string; now: number; leaseMs: number },
): Promise<boolean> {
  const updated = await db<ScheduleLeaseRow>(SCHEDULE_LEASES)
    .where({ name: input.name, held_by: input.holder })
    .where('held_until', '>', input.now)
    .update({ held_until: input.now + input.leaseMs, updated_at: input.now });
  return updated > 0;
}

/** Gives the lease up at the end of a run, so the next run anywhere need not wait for it to expire. */
export async function release(
  db: Queryable,
  input: { name: string; holder: string; now: number },
): Promise<void> {
  await db<ScheduleLeaseRow>(SCHEDULE_LEASES)
    .where({ name: input.name, held_by: input.holder })
    .update({ held_until: input.now, updated_at: input.now });
}

export async function find(
  db: Queryable,
  name: string,
): Promise<{ holder: string; heldUntil: number } | null> {
  const row = await db<ScheduleLeaseRow>(SCHEDULE_LEASES).where({ name }).first();
  return row ? { holder: row.held_by, heldUntil: row.held_until } : null;
}
