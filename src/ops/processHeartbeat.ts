/**
 * A process's heartbeat: its row in process_heartbeats, written at start and every `everyMs` after, with
 * the process's own metrics as of the beat; removed when the process stops. Readiness reads from it whether
 * a worker is alive; the metrics endpoint serves every process's counts from it. Every so often a beat also
 * removes the rows of processes that died without stopping.
 *
 *   start ─► beat ──every everyMs──► beat ─► … ──stop──► row removed
 */
import os from 'node:os';
import type { Knex } from 'knex';
import * as processHeartbeats from '../db/processHeartbeats';
import type { ProcessRole } from '../db/processHeartbeats';
import type { Logger } from '../logger';
import type { BridgeMetrics } from './metrics';

/** How often a process beats. Readiness allows several missed beats (readiness.ts). */
export const HEARTBEAT_EVERY_MS = 5_000;
/** How long the row of a process that stopped beating is kept (and its last counts served). */
export const PROCESS_ROW_RETENTION_MS = 10 * 60_000;
/** Beats between two removals of dead processes' rows. */
const PRUNE_EVERY_BEATS = 12;

export interface ProcessHeartbeatDeps {
  readonly db: Knex;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
}

export interface ProcessHeartbeat {
  readonly processId: string;
  /** Beats now (after a beat in progress), so the row holds the counts as of this moment. */
  beat(): Promise<void>;
  /** Stops beating and removes the process's row. */
  stop(): Promise<void>;
}

export function startProcessHeartbeat(
  deps: ProcessHeartbeatDeps,
  options: { role: ProcessRole; everyMs?: number },
): ProcessHeartbeat {
  const { db, now, logger, metrics } = deps;
  const everyMs = options.everyMs ?? HEARTBEAT_EVERY_MS;
  const processId = metrics.processId;
  const startedAt = now();
  let beats = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const beat = async () => {
    try {
      const snapshot = JSON.stringify(await metrics.registry.getMetricsAsJSON());
      const beatAt = now();
      await processHeartbeats.beat(db, {
        id: processId,
        role: options.role,
        hostname: os.hostname(),
        pid: process.pid,
        startedAt,
        beatAt,
        metrics: snapshot,
      });
      if (beats % PRUNE_EVERY_BEATS === 0) {
        await processHeartbeats.pruneBefore(db, beatAt - PROCESS_ROW_RETENTION_MS);
      }
      beats += 1;
    } catch (error) {
      // The database went away for a moment: the next beat tries again (readiness says so meanwhile).
      logger.warn({ processId, error: String(error) }, 'could not write the process heartbeat');
    }
  };
  let beating = beat();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      beating = beat().then(schedule);
    }, everyMs);
    timer.unref();
  };
  void beating.then(schedule);

  return {
    processId,
    async beat() {
      await beating;
      beating = beat();
      await beating;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await beating;
      await processHeartbeats.remove(db, processId).catch((error: unknown) => {
        logger.warn({ processId, error: String(error) }, 'could not remove the process heartbeat');
      });
    },
  };
}
