/**
 * dirty: the durable work queue, one row per record waiting to sync. Marking is an idempotent upsert, so a
 * burst of changes to one record coalesces into one row and one sync that reads the current state. Claiming,
 * completing and failing rows live in src/queue/, which owns the queue's rules.
 *
 * Columns that carry the rules:
 * - generation: bumped on every mark. A worker completes the generation it claimed; if a mark arrived in the
 *   meantime the row survives (pending again), so that change is never lost.
 * - payload: what the marker already read (a poll hands over the record). The latest mark wins, and a mark
 *   without a payload clears it: an older payload would be staler than what the worker can read now.
 * - next_attempt_at: when the row may be claimed; for a claimed row, the end of its lease.
 * - attempts: claims so far (a crashed worker's claim counts, so a record that kills workers ends up dead
 *   rather than looping).
 * - claim_token: new for every claim; settling a row requires it, which fences off a worker whose lease
 *   expired and was taken over (even by a later claim of the same worker).
 * - correlation_id: the id of what marked the row (a webhook delivery, a poll run, a person's request), which
 *   the sync serving the row names in its log lines. The latest mark that has one wins.
 */
import { z } from 'zod';
import { queueItemStates } from '../domain/queueItemStates';
import { RecordRefSchema, type RecordRef } from './recordRefs';
import { parseInput, parseJsonColumn, parseRow, type Queryable } from './support';

export const DIRTY = 'dirty';

/** Why a record was marked. */
export const markSources = [
  'webhook',
  'poll',
  'manual',
  'retry',
  'reconcile',
  'backfill',
  'dependency',
] as const;
export type MarkSource = (typeof markSources)[number];

export interface DirtyRow {
  id: number;
  installation_id: string;
  side: string;
  object_type: string;
  record_id: string;
  state: string;
  generation: number;
  payload: string | null;
  source: string;
  attempts: number;
  next_attempt_at: number;
  claimed_by: string | null;
  claim_token: string | null;
  claimed_until: number | null;
  last_error_code: string | null;
  last_error: string | null;
  first_marked_at: number;
  last_marked_at: number;
  correlation_id: string | null;
}

/** A carried record: any JSON object; the sync engine parses it with its own record schema. */
export const PayloadSchema = z.record(z.string(), z.json());
export type Payload = z.infer<typeof PayloadSchema>;

const DirtyItemSchema = z.object({
  id: z.number(),
  installationId: z.string(),
  record: RecordRefSchema,
  state: z.enum(queueItemStates),
  generation: z.number().int(),
  payload: PayloadSchema.nullable(),
  source: z.enum(markSources),
  attempts: z.number().int(),
  nextAttemptAt: z.number(),
  claimedBy: z.string().nullable(),
  claimToken: z.string().nullable(),
  claimedUntil: z.number().nullable(),
  lastErrorCode: z.string().nullable(),
  lastError: z.string().nullable(),
  firstMarkedAt: z.number(),
  lastMarkedAt: z.number(),
  /** The latest trigger's correlation id (absent on rows a sync makes up in memory, such as a dry run's). */
  correlationId: z.string().nullable().optional(),
});
export type DirtyItem = z.infer<typeof DirtyItemSchema>;

export function fromRow(row: DirtyRow): DirtyItem {
  return parseRow(
    DirtyItemSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      record: { side: row.side, objectType: row.object_type, recordId: row.record_id },
      state: row.state,
      generation: row.generation,
      payload:
        row.payload === null
          ? null
          : parseJsonColumn(PayloadSchema, row.payload, `${DIRTY}.payload (${row.id})`),
      source: row.source,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      claimedBy: row.claimed_by,
      claimToken: row.claim_token,
      claimedUntil: row.claimed_until,
      lastErrorCode: row.last_error_code,
      lastError: row.last_error,
      firstMarkedAt: row.first_marked_at,
      lastMarkedAt: row.last_marked_at,
      correlationId: row.correlation_id ?? null,
    },
    DIRTY,
  );
}

const MarkSchema = z.object({
  installationId: z.string().min(1),
  record: RecordRefSchema,
  source: z.enum(markSources),
  payload: PayloadSchema.nullable().default(null),
  /** Earliest time to sync; defaults to now. "Sync now" passes 0 to go ahead of its installation's backlog. */
  dueAt: z.number().optional(),
  /** The correlation id of the trigger (the webhook delivery, the poll run, the request). */
  correlationId: z.string().min(1).max(64).nullable().default(null),
});
export type MarkInput = z.input<typeof MarkSchema>;

/**
 * Marks a record dirty: inserts its row, or coalesces into the existing one. Safe inside the caller's
 * transaction (enqueue together with the state change that caused it).
 *
 * On a pending row a mark also restarts its retry count and pulls its due time forward: a new change is new
 * information (the admin may have fixed what failed). On a claimed row it leaves the holder alone.
 */
export async function mark(db: Queryable, input: MarkInput, now: number): Promise<DirtyItem> {
  const [item] = await upsertMarks(db, [parseInput(MarkSchema, input, 'dirty.mark')], now);
  if (!item) throw new Error('dirty.mark: the upsert returned no row');
  return item;
}

/** Rows per statement: keeps SQLite well under its bound-variable limit. */
const MARKS_PER_STATEMENT = 200;

/**
 * Marks many records (a poll's page) with one multi-row upsert per 200 records, in the caller's
 * transaction if any. A record named twice is marked once, with its last input. Returns the marked rows
 * (in no particular order).
 */
export async function markMany(db: Queryable, inputs: MarkInput[], now: number): Promise<DirtyItem[]> {
  const byRecord = new Map<string, z.infer<typeof MarkSchema>>();
  for (const input of inputs) {
    const item = parseInput(MarkSchema, input, 'dirty.markMany');
    byRecord.set(
      `${item.installationId}\u0000${item.record.side}\u0000${item.record.objectType}\u0000${item.record.recordId}`,
      item,
    );
  }
  const items = [...byRecord.values()];
  const marked: DirtyItem[] = [];
  for (let index = 0; index < items.length; index += MARKS_PER_STATEMENT) {
    marked.push(...(await upsertMarks(db, items.slice(index, index + MARKS_PER_STATEMENT), now)));
  }
  return marked;
}

/**
 * The coalescing upsert: a new row, or on an existing one a generation bump (so a worker holding it
 * keeps it pending after completion), the latest payload, and for a waiting row its attempts reset and
 * its due time pulled forward.
 */
async function upsertMarks(
  db: Queryable,
  items: ReadonlyArray<z.infer<typeof MarkSchema>>,
  now: number,
): Promise<DirtyItem[]> {
  if (items.length === 0) return [];
  const rows: DirtyRow[] = await db<DirtyRow>(DIRTY)
    .insert(
      items.map((item) => ({
        installation_id: item.installationId,
        side: item.record.side,
        object_type: item.record.objectType,
        record_id: item.record.recordId,
        state: 'pending',
        generation: 1,
        payload: item.payload === null ? null : JSON.stringify(item.payload),
        source: item.source,
        attempts: 0,
        next_attempt_at: item.dueAt ?? now,
        first_marked_at: now,
        last_marked_at: now,
        correlation_id: item.correlationId,
      })),
    )
    .onConflict(['installation_id', 'side', 'object_type', 'record_id'])
    .merge({
      generation: db.raw('dirty.generation + 1'),
      payload: db.raw('excluded.payload'),
      source: db.raw('excluded.source'),
      last_marked_at: db.raw('excluded.last_marked_at'),
      correlation_id: db.raw('COALESCE(excluded.correlation_id, dirty.correlation_id)'),
      attempts: db.raw("CASE WHEN dirty.state = 'pending' THEN 0 ELSE dirty.attempts END"),
      next_attempt_at: db.raw(
        "CASE WHEN dirty.state = 'pending' AND excluded.next_attempt_at < dirty.next_attempt_at THEN excluded.next_attempt_at ELSE dirty.next_attempt_at END",
      ),
    } as never)
    .returning('*');
  return rows.map(fromRow);
}

export async function findByRecord(
  db: Queryable,
  installationId: string,
  ref: RecordRef,
): Promise<DirtyItem | null> {
  const row = await db<DirtyRow>(DIRTY)
    .where({
      installation_id: installationId,
      side: ref.side,
      object_type: ref.objectType,
      record_id: ref.recordId,
    })
    .first();
  return row ? fromRow(row) : null;
}

export async function findById(db: Queryable, id: number): Promise<DirtyItem | null> {
  const row = await db<DirtyRow>(DIRTY).where({ id }).first();
  return row ? fromRow(row) : null;
}

/** An installation's queue, soonest first (for status pages). */
export async function list(
  db: Queryable,
  installationId: string,
  options: { limit?: number } = {},
): Promise<DirtyItem[]> {
  const rows = await db<DirtyRow>(DIRTY)
    .where({ installation_id: installationId })
    .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
    .limit(options.limit ?? 100);
  return rows.map(fromRow);
}

export interface QueueCounts {
  /** Rows waiting, due or not. */
  pending: number;
  /** Pending rows that may be claimed now. */
  due: number;
  /** Rows held by a worker (including expired leases not yet recovered). */
  claimed: number;
  /** Pending rows waiting after a failed attempt. */
  retrying: number;
  /** When the oldest waiting change was first marked, or null. */
  oldestMarkedAt: number | null;
}

/** Health counters for one installation's queue. */
export async function counts(db: Queryable, installationId: string, now: number): Promise<QueueCounts> {
  const row = (await db<DirtyRow>(DIRTY)
    .where({ installation_id: installationId })
    .select(
      db.raw("COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS pending"),
      db.raw(
        "COALESCE(SUM(CASE WHEN state = 'pending' AND next_attempt_at <= ? THEN 1 ELSE 0 END), 0) AS due",
        [now],
      ),
      db.raw("COALESCE(SUM(CASE WHEN state = 'claimed' THEN 1 ELSE 0 END), 0) AS claimed"),
      db.raw("COALESCE(SUM(CASE WHEN state = 'pending' AND attempts > 0 THEN 1 ELSE 0 END), 0) AS retrying"),
      db.raw('MIN(first_marked_at) AS oldest_marked_at'),
    )
    .first()) as unknown as Record<string, number | string | null> | undefined;
  const number = (value: number | string | null | undefined) => Number(value ?? 0);
  return {
    pending: number(row?.pending),
    due: number(row?.due),
    claimed: number(row?.claimed),
    retrying: number(row?.retrying),
    oldestMarkedAt: row?.oldest_marked_at == null ? null : Number(row.oldest_marked_at),
  };
}

/**
 * When the oldest change of an installation that is due or being synced now was first marked, or null when
 * none is (rows waiting for a later retry are not counted). For the stall alert.
 */
export async function oldestWaitingMarkedAt(
  db: Queryable,
  installationId: string,
  now: number,
): Promise<number | null> {
  const row = (await db<DirtyRow>(DIRTY)
    .where({ installation_id: installationId })
    .andWhere((query) => query.where('next_attempt_at', '<=', now).orWhere('state', 'claimed'))
    .min({ oldest: 'first_marked_at' })
    .first()) as { oldest?: number | string | null } | undefined;
  return row?.oldest == null ? null : Number(row.oldest);
}

/**
 * Whether an installation has at least `threshold` rows the worker has yet to finish (due now or claimed).
 * Stops counting at the threshold, so a large backlog costs no more than a small one.
 */
export async function backlogAtLeast(
  db: Queryable,
  installationId: string,
  now: number,
  threshold: number,
): Promise<boolean> {
  const rows = (await db<DirtyRow>(DIRTY)
    .select('id')
    .where({ installation_id: installationId })
    .andWhere((query) => query.where('next_attempt_at', '<=', now).orWhere('state', 'claimed'))
    .limit(threshold)) as unknown[];
  return rows.length >= threshold;
}

/**
 * `counts` for every installation with rows, in one grouped pass over the queue (whose size is the backlog:
 * rows leave it as they sync). For the metrics endpoint.
 */
export async function countsByInstallation(db: Queryable, now: number): Promise<Map<string, QueueCounts>> {
  const rows = (await db<DirtyRow>(DIRTY)
    .select(
      'installation_id',
      db.raw("COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS pending"),
      db.raw(
        "COALESCE(SUM(CASE WHEN state = 'pending' AND next_attempt_at <= ? THEN 1 ELSE 0 END), 0) AS due",
        [now],
      ),
      db.raw("COALESCE(SUM(CASE WHEN state = 'claimed' THEN 1 ELSE 0 END), 0) AS claimed"),
      db.raw("COALESCE(SUM(CASE WHEN state = 'pending' AND attempts > 0 THEN 1 ELSE 0 END), 0) AS retrying"),
      db.raw('MIN(first_marked_at) AS oldest_marked_at'),
    )
    .groupBy('installation_id')) as unknown as Array<Record<string, number | string | null>>;
  const number = (value: number | string | null | undefined) => Number(value ?? 0);
  return new Map(
    rows.map((row) => [
      String(row.installation_id),
      {
        pending: number(row.pending),
        due: number(row.due),
        claimed: number(row.claimed),
        retrying: number(row.retrying),
        oldestMarkedAt: row.oldest_marked_at == null ? null : Number(row.oldest_marked_at),
      },
    ]),
  );
}
