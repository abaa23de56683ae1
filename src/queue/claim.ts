/**
 * Claiming due work, fairly across installations.
 *
 * Fairness: due rows are ranked within their installation (oldest due first) and the batch takes every
 * installation's first row before anyone's second, ordering installations by how long their oldest row has
 * waited. A portal with 100,000 dirty records therefore gets one slot per round like a portal with one.
 * Paused installations, and those the caller says it cannot sync now (API budget spent), are skipped; their
 * rows wait and nothing is lost.
 *
 * Concurrency: on PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED`, so any number of worker
 * processes claim disjoint batches without waiting on each other. SQLite has no row locks and one writer per
 * database file: it is the embedded single-process mode, so one worker claims; the claim runs in one
 * transaction and the single pooled connection serialises claims within the process.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { DIRTY, fromRow, type DirtyItem, type DirtyRow } from '../db/dirty';
import { dialectOfDb } from '../db/knex';
import { silentLogger, type Logger } from '../logger';
import { describeRecord } from './describe';

export interface ClaimOptions {
  /** Stable name of the claiming worker (host:pid:n); stored in claimed_by. */
  workerId: string;
  now: number;
  maxBatchSize: number;
  /** How long the claim holds; after that another worker may take the row over. */
  leaseMs: number;
  /** Rows whose attempts reached this are left to lease recovery, which dead-letters them. */
  maxAttempts: number;
  /** Whether an installation may sync now (for example: API budget left). Default: all may. */
  canSync?: (installationId: string) => boolean | Promise<boolean>;
  logger?: Logger;
}

/** A claimed row: `attempts` is this attempt's number; `claimToken` must be shown to settle it. */
export type ClaimedItem = DirtyItem & { state: 'claimed'; claimedBy: string; claimToken: string };

export async function claimBatch(db: Knex, options: ClaimOptions): Promise<ClaimedItem[]> {
  if (options.maxBatchSize < 1) return [];
  const installations = await eligibleInstallations(db, options);
  if (installations.length === 0) return [];
  // Every eligible installation has at least one due row, so none can take more than this.
  const perInstallation = Math.max(1, options.maxBatchSize - installations.length + 1);
  // One token per claim call: a row appears at most once in a batch, so (row, token) names one claim.
  const claimToken = crypto.randomUUID();
  const rows =
    dialectOfDb(db) === 'postgres'
      ? await claimOnPostgres(db, installations, perInstallation, claimToken, options)
      : await claimOnSqlite(db, installations, perInstallation, claimToken, options);
  const claimed = rows.map(fromRow) as ClaimedItem[];
  claimed.sort((a, b) => a.id - b.id);
  const logger = options.logger ?? silentLogger;
  for (const item of claimed) {
    logger.debug(
      {
        worker: options.workerId,
        installationId: item.installationId,
        dirtyId: item.id,
        generation: item.generation,
        trigger: item.correlationId,
      },
      `claimed ${describeRecord(item)} attempt ${item.attempts} of ${options.maxAttempts}`,
    );
  }
  return claimed;
}

/** Installations with due work that may sync now, longest-waiting first, at most one per batch slot. */
async function eligibleInstallations(db: Knex, options: ClaimOptions): Promise<string[]> {
  // One index probe per installation on (installation_id, next_attempt_at), instead of grouping every due
  // row: the cost follows the number of installations, not the size of the backlog.
  const oldestDue = db.raw(
    `(SELECT MIN(d.next_attempt_at) FROM ${DIRTY} d
      WHERE d.installation_id = i.id AND d.next_attempt_at <= ? AND d.attempts < ?) AS oldest_due`,
    [options.now, options.maxAttempts],
  );
  const perInstallation = db('installations as i').where('i.sync_paused', false).select('i.id', oldestDue);
  const rows = (await db
    .select('id')
    .from(perInstallation.as('t'))
    .whereNotNull('oldest_due')
    .orderBy([{ column: 'oldest_due' }, { column: 'id' }])) as Array<{ id: string }>;
  const eligible: string[] = [];
  for (const row of rows) {
    if (eligible.length >= options.maxBatchSize) break;
    if (!options.canSync || (await options.canSync(row.id))) eligible.push(row.id);
  }
  return eligible;
}

async function claimOnPostgres(
  db: Knex,
  installations: string[],
  perInstallation: number,
  claimToken: string,
  options: ClaimOptions,
): Promise<DirtyRow[]> {
  const leaseEnd = options.now + options.leaseMs;
  // The due conditions are repeated in `picked`: after waiting for nothing (SKIP LOCKED) PostgreSQL re-checks
  // that query's conditions against the newest row version, which is what stops two workers claiming a row
  // that one of them claimed (and committed) after the other's snapshot was taken.
  const result = await db.raw<{ rows: DirtyRow[] }>(
    `
    WITH eligible AS (
      SELECT unnest(?::text[]) AS installation_id
    ),
    candidates AS (
      SELECT c.id, c.next_attempt_at,
             row_number() OVER (PARTITION BY e.installation_id ORDER BY c.next_attempt_at, c.id) AS rank
      FROM eligible e
      CROSS JOIN LATERAL (
        SELECT id, next_attempt_at FROM dirty
        WHERE dirty.installation_id = e.installation_id AND dirty.next_attempt_at <= ? AND dirty.attempts < ?
        ORDER BY next_attempt_at, id
        LIMIT ?
      ) c
    ),
    picked AS (
      SELECT d.id FROM dirty d
      JOIN candidates c ON c.id = d.id
      WHERE d.next_attempt_at <= ? AND d.attempts < ?
      ORDER BY c.rank, c.next_attempt_at, c.id
      LIMIT ?
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE dirty
    SET state = 'claimed', claimed_by = ?, claim_token = ?, claimed_until = ?, next_attempt_at = ?,
        attempts = dirty.attempts + 1
    FROM picked
    WHERE dirty.id = picked.id
    RETURNING dirty.*
    `,
    [
      installations,
      options.now,
      options.maxAttempts,
      perInstallation,
      options.now,
      options.maxAttempts,
      options.maxBatchSize,
      options.workerId,
      claimToken,
      leaseEnd,
      leaseEnd,
    ],
  );
  return result.rows;
}

async function claimOnSqlite(
  db: Knex,
  installations: string[],
  perInstallation: number,
  claimToken: string,
  options: ClaimOptions,
): Promise<DirtyRow[]> {
  const leaseEnd = options.now + options.leaseMs;
  return db.transaction(async (trx) => {
    // SQLite has no LATERAL: read each installation's head (an index range scan each), then interleave the
    // heads by rank here, the same order the PostgreSQL query produces.
    const ranked: Array<{ id: number; rank: number; nextAttemptAt: number }> = [];
    for (const installationId of installations) {
      const head: Array<{ id: number; next_attempt_at: number }> = await trx<DirtyRow>(DIRTY)
        .select('id', 'next_attempt_at')
        .where({ installation_id: installationId })
        .where('next_attempt_at', '<=', options.now)
        .where('attempts', '<', options.maxAttempts)
        .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
        .limit(perInstallation);
      head.forEach((row, index) =>
        ranked.push({ id: row.id, rank: index, nextAttemptAt: row.next_attempt_at }),
      );
    }
    ranked.sort((a, b) => a.rank - b.rank || a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
    const picked = ranked.slice(0, options.maxBatchSize).map((row) => row.id);
    if (picked.length === 0) return [];
    return trx<DirtyRow>(DIRTY)
      .whereIn('id', picked)
      .update({
        state: 'claimed',
        claimed_by: options.workerId,
        claim_token: claimToken,
        claimed_until: leaseEnd,
        next_attempt_at: leaseEnd,
        attempts: trx.raw('attempts + 1') as unknown as number,
      })
      .returning('*');
  });
}
