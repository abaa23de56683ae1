/**
 * process_heartbeats: one row per running bridge process, rewritten every few seconds by the process itself
 * (src/ops/processHeartbeat.ts) and removed when it stops. Readiness asks whether a worker beat recently; the
 * metrics endpoint reads every process's own counters from it. A process that died leaves its row behind
 * until another process prunes it.
 */
import { z } from 'zod';
import { parseInput, parseRow, type Queryable } from './support';

export const PROCESS_HEARTBEATS = 'process_heartbeats';

/** What a process runs: `npm start --role=server|worker|all`, or `npm run sync-worker`. */
export const processRoles = ['server', 'worker', 'all', 'sync-worker'] as const;
export type ProcessRole = (typeof processRoles)[number];

/** The roles that run change detection and the sync worker (what readiness calls "a worker"). */
export const workerRoles: readonly ProcessRole[] = ['worker', 'all'];

export interface ProcessHeartbeatRow {
  id: string;
  role: string;
  hostname: string;
  pid: number;
  started_at: number;
  beat_at: number;
  metrics: string | null;
}

const BeatSchema = z.object({
  id: z.string().min(1).max(128),
  role: z.enum(processRoles),
  hostname: z.string().max(255),
  pid: z.number().int().nonnegative(),
  startedAt: z.number(),
  beatAt: z.number(),
  /** The process's metrics (prom-client's JSON), or null. */
  metrics: z.string().nullable(),
});
export type Beat = z.input<typeof BeatSchema>;

export type ProcessHeartbeat = z.output<typeof BeatSchema>;

export function fromRow(row: ProcessHeartbeatRow): ProcessHeartbeat {
  return parseRow(
    BeatSchema,
    {
      id: row.id,
      role: row.role,
      hostname: row.hostname,
      pid: Number(row.pid),
      startedAt: Number(row.started_at),
      beatAt: Number(row.beat_at),
      metrics: row.metrics,
    },
    PROCESS_HEARTBEATS,
  );
}

/** Writes the process's row: inserted on its first beat, replaced on every later one. */
export async function beat(db: Queryable, input: Beat): Promise<void> {
  const row = parseInput(BeatSchema, input, 'processHeartbeats.beat');
  await db<ProcessHeartbeatRow>(PROCESS_HEARTBEATS)
    .insert({
      id: row.id,
      role: row.role,
      hostname: row.hostname,
      pid: row.pid,
      started_at: row.startedAt,
      beat_at: row.beatAt,
      metrics: row.metrics,
    })
    .onConflict('id')
    .merge(['role', 'hostname', 'pid', 'started_at', 'beat_at', 'metrics']);
}

/** A process stopping cleanly takes its row with it. */
export async function remove(db: Queryable, id: string): Promise<void> {
  await db<ProcessHeartbeatRow>(PROCESS_HEARTBEATS).where({ id }).delete();
}

/** Every process that beat at or after `since`, oldest start first. */
export async function listSince(db: Queryable, since: number): Promise<ProcessHeartbeat[]> {
  const rows = await db<ProcessHeartbeatRow>(PROCESS_HEARTBEATS)
    .where('beat_at', '>=', since)
    .orderBy([{ column: 'started_at' }, { column: 'id' }]);
  return rows.map(fromRow);
}

/** The latest beat of any process in `roles` (epoch ms), or null when none ever beat. */
export async function latestBeat(db: Queryable, roles: readonly ProcessRole[]): Promise<number | null> {
  const row = (await db<ProcessHeartbeatRow>(PROCESS_HEARTBEATS)
    .whereIn('role', [...roles])
    .max({ latest: 'beat_at' })
    .first()) as { latest: number | string | null } | undefined;
  return row?.latest == null ? null : Number(row.latest);
}

/** Removes the rows of processes that stopped beating before `before`; returns how many. */
export async function pruneBefore(db: Queryable, before: number): Promise<number> {
  return db<ProcessHeartbeatRow>(PROCESS_HEARTBEATS).where('beat_at', '<', before).delete();
}
