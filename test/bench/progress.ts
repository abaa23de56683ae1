/**
 * How far the bridge got, read from its database (the same tables its health counters come from): links,
 * the dirty queue, failures and matches waiting for a person. The benchmarks watch this to know when a sync
 * is over; they never ask the APIs, whose calls they count.
 */
import type { Db } from '../../src/db/knex';
import * as dirty from '../../src/db/dirty';
import { FAILURES } from '../../src/db/failures';
import { LINKS } from '../../src/db/links';
import { PENDING_MATCHES } from '../../src/db/pendingMatches';

export interface SyncProgress {
  activeLinks: number;
  /** Records the bridge can work on now: due in the dirty queue, or claimed by a worker. */
  queued: number;
  /** Records waiting in the queue for a later attempt (a retry after a transient failure, say). */
  waiting: number;
  openFailures: number;
  failuresByCategory: Record<string, number>;
  openPendingMatches: number;
  /** The newest time a link was synced or changed (the bridge's clock), or null. */
  lastLinkActivityAt: number | null;
}

function count(row: unknown): number {
  return Number((row as { count?: number | string } | undefined)?.count ?? 0);
}

export async function readProgress(db: Db, installationId: string): Promise<SyncProgress> {
  const scope = { installation_id: installationId };
  const [links, queue, failures, pending, activity] = await Promise.all([
    db(LINKS)
      .where({ ...scope, state: 'active' })
      .count({ count: '*' })
      .first(),
    dirty.counts(db, installationId, Date.now()),
    db(FAILURES)
      .where(scope)
      .whereNot({ state: 'resolved' })
      .select('category')
      .count({ count: '*' })
      .groupBy('category'),
    db(PENDING_MATCHES)
      .where({ ...scope, state: 'open' })
      .count({ count: '*' })
      .first(),
    db(LINKS).where(scope).max({ synced: 'last_synced_at', updated: 'updated_at' }).first(),
  ]);
  const failuresByCategory: Record<string, number> = {};
  for (const row of failures as Array<{ category: string; count: number | string }>) {
    failuresByCategory[row.category] = Number(row.count);
  }
  const times = activity as { synced?: number | string | null; updated?: number | string | null } | undefined;
  const newest = Math.max(Number(times?.synced ?? 0), Number(times?.updated ?? 0));
  return {
    activeLinks: count(links),
    queued: queue.due + queue.claimed,
    waiting: queue.pending - queue.due,
    openFailures: Object.values(failuresByCategory).reduce((sum, value) => sum + value, 0),
    failuresByCategory,
    openPendingMatches: count(pending),
    lastLinkActivityAt: newest > 0 ? newest : null,
  };
}

export interface SettleOptions {
  /** The sync is over when the queue is empty and nothing has changed for this long. */
  quietMs: number;
  timeoutMs: number;
  pollMs?: number;
  /** Also required before the sync counts as over (e.g. the expected number of links). */
  done?: (progress: SyncProgress) => boolean;
  /** Settle anyway, `done` or not, once the queue is empty and nothing has moved for this long. */
  giveUpQuietMs?: number;
  onProgress?: (progress: SyncProgress) => void;
}

export interface SettleOutcome {
  progress: SyncProgress;
  settled: boolean;
  /** When the last change was seen (this process's clock). */
  lastChangeAt: number;
}

/**
 * Waits until the queue is empty, `done` holds, and links, failures and pending matches stay put for
 * `quietMs` (or, `done` or not, for `giveUpQuietMs`); gives up after `timeoutMs` (then `settled` is false).
 */
export async function waitUntilSettled(
  db: Db,
  installationId: string,
  options: SettleOptions,
): Promise<SettleOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let previous = '';
  let lastChangeAt = Date.now();
  for (;;) {
    const progress = await readProgress(db, installationId);
    options.onProgress?.(progress);
    const signature = JSON.stringify([
      progress.activeLinks,
      progress.queued,
      progress.waiting,
      progress.failuresByCategory,
      progress.openPendingMatches,
      progress.lastLinkActivityAt,
    ]);
    if (signature !== previous) {
      previous = signature;
      lastChangeAt = Date.now();
    }
    const quietForMs = Date.now() - lastChangeAt;
    const idle = progress.queued === 0;
    if (idle && quietForMs >= options.quietMs && (options.done?.(progress) ?? true)) {
      return { progress, settled: true, lastChangeAt };
    }
    if (idle && options.giveUpQuietMs !== undefined && quietForMs >= options.giveUpQuietMs) {
      return { progress, settled: true, lastChangeAt };
    }
    if (Date.now() > deadline) return { progress, settled: false, lastChangeAt };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
