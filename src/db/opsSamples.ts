/**
 * ops_samples: one row per installation and minute, what the operator dashboard charts: records synced in
 * the minute, changes queued and how long the oldest has waited (the lag), unresolved failures. Written by
 * the worker's sampler (src/ops/samples.ts) under a schedule lease; a second write of the same minute (two
 * processes that both sampled it) replaces the first. Pruned after a retention.
 */
import { z } from 'zod';
import { parseInput, parseRow, type Queryable } from './support';

export const OPS_SAMPLES = 'ops_samples';

export interface OpsSampleRow {
  installation_id: string;
  sampled_at: number;
  synced: number;
  queued: number;
  oldest_age_ms: number | null;
  failures_open: number;
}

const count = z.number().int().nonnegative();

const SampleSchema = z.object({
  installationId: z.string().min(1),
  /** The start of the sampled minute, epoch ms. */
  sampledAt: z.number().int(),
  /** Records (links) that synced in the minute before the sample. */
  synced: count,
  /** Changes in the queue, waiting or being synced. */
  queued: count,
  /** How long the oldest change in the queue has waited since it was first marked; null when empty. */
  oldestAgeMs: count.nullable(),
  /** Unresolved failures (dead letters and quarantined records). */
  failuresOpen: count,
});
export type OpsSample = z.output<typeof SampleSchema>;

export function fromRow(row: OpsSampleRow): OpsSample {
  return parseRow(
    SampleSchema,
    {
      installationId: row.installation_id,
      sampledAt: Number(row.sampled_at),
      synced: Number(row.synced),
      queued: Number(row.queued),
      oldestAgeMs: row.oldest_age_ms === null ? null : Number(row.oldest_age_ms),
      failuresOpen: Number(row.failures_open),
    },
    OPS_SAMPLES,
  );
}

/** Writes samples; a sample of a minute already written replaces it. */
export async function record(db: Queryable, samples: OpsSample[]): Promise<void> {
  const parsed = parseInput(z.array(SampleSchema), samples, 'opsSamples.record');
  // SQLite caps bound parameters per statement; 100 rows × 6 columns stays well under it.
  for (let start = 0; start < parsed.length; start += 100) {
    await db<OpsSampleRow>(OPS_SAMPLES)
      .insert(
        parsed.slice(start, start + 100).map((sample) => ({
          installation_id: sample.installationId,
          sampled_at: sample.sampledAt,
          synced: sample.synced,
          queued: sample.queued,
          oldest_age_ms: sample.oldestAgeMs,
          failures_open: sample.failuresOpen,
        })),
      )
      .onConflict(['installation_id', 'sampled_at'])
      .merge(['synced', 'queued', 'oldest_age_ms', 'failures_open']);
  }
}

/** An installation's samples taken at or after `sinceMs`, oldest first. */
export async function listSince(
  db: Queryable,
  installationId: string,
  sinceMs: number,
): Promise<OpsSample[]> {
  const rows = await db<OpsSampleRow>(OPS_SAMPLES)
    .where({ installation_id: installationId })
    .where('sampled_at', '>=', sinceMs)
    .orderBy('sampled_at');
  return rows.map(fromRow);
}

/** Removes every sample taken before `beforeMs`; returns how many. */
export async function prune(db: Queryable, beforeMs: number): Promise<number> {
  return db<OpsSampleRow>(OPS_SAMPLES).where('sampled_at', '<', beforeMs).delete();
}
