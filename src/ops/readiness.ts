/**
 * Whether the bridge can do its work (`/readyz`): the database answers, every migration this code knows is
 * applied, and a worker (a process of role `worker` or `all`) beat within `workerStaleAfterMs`. Each check
 * says what it found; `reasons` has one sentence per failed check. The whole check has a deadline, so a
 * database that hangs makes the probe fail rather than wait.
 */
import type { Knex } from 'knex';
import { migrationStatus } from '../db/migrate';
import * as processHeartbeats from '../db/processHeartbeats';
import { HEARTBEAT_EVERY_MS } from './processHeartbeat';

/** Six missed beats. */
export const WORKER_STALE_AFTER_MS = 6 * HEARTBEAT_EVERY_MS;
/** Probes time out in a second or a few; answer before they do. */
export const READINESS_DEADLINE_MS = 2_000;

export interface Readiness {
  ready: boolean;
  /** One sentence per failed check. */
  reasons: string[];
  checks: {
    database: { ok: boolean };
    migrations: { ok: boolean; pending: string[] };
    worker: { ok: boolean; lastBeatAt: number | null; ageMs: number | null };
  };
}

export interface ReadinessOptions {
  workerStaleAfterMs?: number;
  deadlineMs?: number;
}

class DeadlinePassed extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassed()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export async function checkReadiness(
  deps: { db: Knex; now: () => number },
  options: ReadinessOptions = {},
): Promise<Readiness> {
  const staleAfterMs = options.workerStaleAfterMs ?? WORKER_STALE_AFTER_MS;
  const deadlineMs = options.deadlineMs ?? READINESS_DEADLINE_MS;
  const readiness: Readiness = {
    ready: false,
    reasons: [],
    checks: {
      database: { ok: false },
      migrations: { ok: false, pending: [] },
      worker: { ok: false, lastBeatAt: null, ageMs: null },
    },
  };
  const { checks, reasons } = readiness;
  try {
    await withDeadline(deps.db.raw('select 1'), deadlineMs);
    checks.database.ok = true;
  } catch (error) {
    reasons.push(
      error instanceof DeadlinePassed
        ? `The database did not answer within ${deadlineMs} ms.`
        : 'The database does not respond.',
    );
    return readiness;
  }
  try {
    const { pending } = await withDeadline(migrationStatus(deps.db), deadlineMs);
    checks.migrations = { ok: pending.length === 0, pending };
    if (pending.length > 0) {
      reasons.push(
        `${pending.length} migration(s) not applied: ${pending.join(', ')} (npm run migrate -- latest).`,
      );
    }
  } catch (error) {
    reasons.push(`The migrations could not be read: ${String(error)}.`);
  }
  try {
    const lastBeatAt = await withDeadline(
      processHeartbeats.latestBeat(deps.db, processHeartbeats.workerRoles),
      deadlineMs,
    );
    const ageMs = lastBeatAt === null ? null : Math.max(0, deps.now() - lastBeatAt);
    checks.worker = { ok: ageMs !== null && ageMs <= staleAfterMs, lastBeatAt, ageMs };
    if (ageMs === null) {
      reasons.push('No worker is running (npm start -- --role=worker, or --role=all).');
    } else if (ageMs > staleAfterMs) {
      reasons.push(
        `The last worker heartbeat was ${Math.round(ageMs / 1000)} s ago (more than ${staleAfterMs / 1000} s).`,
      );
    }
  } catch (error) {
    reasons.push(`The worker heartbeats could not be read: ${String(error)}.`);
  }
  readiness.ready = reasons.length === 0;
  return readiness;
}
