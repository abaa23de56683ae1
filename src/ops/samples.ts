/**
 * The dashboard's history: every minute, one sample per installation (records synced in the minute, the
 * queue and its oldest change's age, unresolved failures) into ops_samples, and samples past the retention
 * removed. The worker role runs it under a schedule lease (src/app/workerRole.ts); the reads are the ones
 * /metrics makes (one grouped pass over the queue, failures through their index) plus one count of recently
 * synced links per installation.
 *
 *   every minute ─► sample every installation not uninstalled ─► prune samples older than the retention
 */
import type { Knex } from 'knex';
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import * as installations from '../db/installations';
import * as links from '../db/links';
import * as opsSamples from '../db/opsSamples';
import type { Logger } from '../logger';

/** One sample a minute; the sampler's cron runs at second 0 of every minute. */
export const SAMPLE_EVERY_MS = 60_000;
export const SAMPLES_CRON = '0 * * * * *';
/** Two days of minutes: the dashboard draws the last hours, and a weekend's incident can still be read. */
export const SAMPLE_RETENTION_MS = 2 * 86_400_000;

export interface SamplerDeps {
  readonly db: Knex;
  readonly now: () => number;
  readonly logger: Logger;
}

/** The minute a sample taken at `now` stands for. */
export const sampleMinuteOf = (now: number): number => Math.floor(now / SAMPLE_EVERY_MS) * SAMPLE_EVERY_MS;

/** Samples every installation not uninstalled, then prunes; returns the samples written. */
export async function takeSamples(deps: SamplerDeps): Promise<opsSamples.OpsSample[]> {
  const now = deps.now();
  const sampledAt = sampleMinuteOf(now);
  const current = (await installations.list(deps.db)).filter(
    (installation) => installation.status !== 'uninstalled',
  );
  const ids = current.map((installation) => installation.id);
  const [queues, open] = await Promise.all([
    dirty.countsByInstallation(deps.db, now),
    failures.countUnresolvedByInstallation(deps.db, ids),
  ]);
  const samples: opsSamples.OpsSample[] = [];
  for (const id of ids) {
    const queue = queues.get(id);
    samples.push({
      installationId: id,
      sampledAt,
      synced: await links.countSyncedSince(deps.db, id, now - SAMPLE_EVERY_MS),
      queued: (queue?.pending ?? 0) + (queue?.claimed ?? 0),
      oldestAgeMs: queue?.oldestMarkedAt == null ? null : Math.max(0, now - queue.oldestMarkedAt),
      failuresOpen: open
        .filter((row) => row.installationId === id)
        .reduce((total, row) => total + row.count, 0),
    });
  }
  await opsSamples.record(deps.db, samples);
  const pruned = await opsSamples.prune(deps.db, now - SAMPLE_RETENTION_MS);
  deps.logger.debug({ installations: samples.length, pruned }, 'ops samples taken');
  return samples;
}
