/**
 * The sync worker: a loop that claims a batch of dirty records (fair across installations), syncs
 * each installation's share (batch.ts), and claims again; when the queue is empty it sleeps briefly or
 * until something in the process marks a record dirty. While a batch runs, its leases are extended every
 * third of the lease (queue/heartbeat.ts). Every so often it recovers the claims of workers that died.
 * `stop()` finishes the batch in hand, gives back any claim it still holds and resolves.
 *
 * Any number of workers may run against PostgreSQL (claims use SKIP LOCKED, record locks keep the two sides
 * of a link with one worker); SQLite runs one.
 */
import os from 'node:os';
import type { Knex } from 'knex';
import type { CallGate } from '../connectors/gate';
import { defaultBackoff, type BackoffPolicy } from '../queue/backoff';
import { claimBatch, type ClaimedItem } from '../queue/claim';
import { startLeaseHeartbeat } from '../queue/heartbeat';
import { recoverExpiredLeases, releaseClaims } from '../queue/leases';
import { silentLogger, type Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { ClientSource } from '../auth/clients';
import { DEFAULT_METADATA_TTL_MS, OrgMetadataCache } from './orgMetadata';
import { syncInstallationBatch, type SyncDeps } from './batch';
import type { BatchSummary } from './batch';
import { sleepUntilDirty } from '../queue/wake';

export interface SyncWorkerDeps {
  readonly db: Knex;
  readonly clients: ClientSource;
  /** The call gate of an installation (rate limits, API budget); default none. */
  readonly gateFor?: (installationId: string) => CallGate;
  /** Whether an installation may sync now (API budget left); claimBatch skips those that may not. */
  readonly canSync?: (installationId: string) => boolean | Promise<boolean>;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Told how rows settle and when changes are written; default none. */
  readonly metrics?: Metrics;
}

export interface SyncWorkerOptions {
  /** Stable name in claimed_by; default host:pid:n. */
  workerId?: string;
  /** Dirty rows per claim; the connectors split reads and writes into calls of the APIs' sizes. */
  maxBatchSize?: number;
  /** How long a claim holds before another worker may take it over. */
  leaseMs?: number;
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Sleep when the queue is empty (cut short by notifyDirty()). */
  idleMs?: number;
  /** How often expired leases of dead workers are recovered. */
  recoverEveryMs?: number;
  /** How long the rows of a paused or disconnected installation wait before being looked at again. */
  blockedRetryMs?: number;
  /** How long work whose records another worker holds is put back for. */
  contendedRetryMs?: number;
  callTimeoutMs?: number;
  /** How long a batch waits for a write call that got no answer in time to end (see inDoubt.ts). */
  abandonedWriteWaitMs?: number;
  metadataTtlMs?: number;
  /** Called after each installation batch (for metrics and tests). */
  onBatch?: (installationId: string, summary: BatchSummary) => void;
}

export interface SyncWorker {
  readonly workerId: string;
  /** Finishes the batch in hand, releases what this worker still holds, then resolves. */
  stop(): Promise<void>;
}

/** Dirty rows per claim unless told otherwise (SYNC_BATCH_SIZE). */
export const DEFAULT_BATCH_SIZE = 1_000;

let workers = 0;

function groupByInstallation(claims: readonly ClaimedItem[]): Map<string, ClaimedItem[]> {
  const groups = new Map<string, ClaimedItem[]>();
  for (const claim of claims)
    groups.set(claim.installationId, [...(groups.get(claim.installationId) ?? []), claim]);
  return groups;
}

export function startSyncWorker(deps: SyncWorkerDeps, options: SyncWorkerOptions = {}): SyncWorker {
  workers += 1;
  const workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${workers}`;
  const now = deps.now ?? (() => Date.now());
  const logger = deps.logger ?? silentLogger;
  const maxAttempts = options.maxAttempts ?? 8;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  // Recover at least twice per lease, so a dead worker's records wait little longer than its lease.
  const recoverEveryMs = options.recoverEveryMs ?? Math.min(30_000, Math.floor(leaseMs / 2));
  const syncDeps: SyncDeps = {
    db: deps.db,
    clients: deps.clients,
    ...(deps.gateFor ? { gateFor: deps.gateFor } : {}),
    metadata: new OrgMetadataCache({ ttlMs: options.metadataTtlMs ?? DEFAULT_METADATA_TTL_MS, now }),
    now,
    logger,
    policy: {
      maxAttempts,
      backoff: options.backoff ?? defaultBackoff,
      random: deps.random ?? Math.random,
      contendedRetryMs: options.contendedRetryMs ?? 2_000,
      ...(options.abandonedWriteWaitMs !== undefined
        ? { abandonedWriteWaitMs: options.abandonedWriteWaitMs }
        : {}),
    },
    ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}),
    blockedRetryMs: options.blockedRetryMs ?? 60_000,
    workerId,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  };
  const stopping = new AbortController();
  let nextRecoveryAt = 0;

  async function once(): Promise<number> {
    if (now() >= nextRecoveryAt) {
      nextRecoveryAt = now() + recoverEveryMs;
      await recoverExpiredLeases(deps.db, { now: now(), maxAttempts, logger });
    }
    const claims = await claimBatch(deps.db, {
      workerId,
      now: now(),
      maxBatchSize: options.maxBatchSize ?? DEFAULT_BATCH_SIZE,
      leaseMs,
      maxAttempts,
      ...(deps.canSync ? { canSync: deps.canSync } : {}),
      logger,
    });
    // The batch may outlast its lease: its leases are extended while it runs, so nobody else takes its rows.
    const heartbeat = startLeaseHeartbeat(deps.db, claims, { leaseMs, now, workerId, logger });
    try {
      for (const [installationId, group] of groupByInstallation(claims)) {
        const summary = await syncInstallationBatch(syncDeps, installationId, group);
        options.onBatch?.(installationId, summary);
      }
    } finally {
      await heartbeat.stop();
    }
    return claims.length;
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await once();
      } catch (error) {
        // The database went away for a moment, say: log, wait, carry on. Claimed rows come back by lease.
        logger.error({ worker: workerId, error: String(error) }, 'sync worker loop failed; retrying shortly');
      }
      if (claimed === 0 && !stopping.signal.aborted)
        await sleepUntilDirty(options.idleMs ?? 500, stopping.signal);
    }
  })();

  return {
    workerId,
    async stop() {
      stopping.abort();
      await loop;
      const released = await releaseClaims(deps.db, workerId, now());
      if (released > 0) logger.info({ worker: workerId, released }, `released ${released} claims on stop`);
    },
  };
}
