/**
 * failures: records the bridge could not sync, shown to people with a category and a sentence they can act
 * on. Two kinds: `dead_letter` (a transient error outlasted every retry) and `quarantine` (a permanent error,
 * such as a validation rule, that no retry can fix). A record has at most one unresolved failure; failing
 * again updates it.
 *
 *   open ──retry──► retrying ──failed again──► open
 *     └────────┬───────┘
 *              └──synced / dismissed──► resolved
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { RecordRefSchema, type RecordRef } from './recordRefs';
import {
  inTransaction,
  lockForUpdate,
  parseInput,
  parseJsonColumn,
  parseRow,
  type Queryable,
} from './support';

export const FAILURES = 'failures';

export const failureKinds = ['dead_letter', 'quarantine'] as const;
export const failureStates = ['open', 'retrying', 'resolved'] as const;
export type FailureState = (typeof failureStates)[number];

export interface FailureRow {
  id: string;
  installation_id: string;
  link_id: string | null;
  side: string;
  object_type: string;
  record_id: string;
  kind: string;
  category: string;
  code: string;
  message: string;
  details: string;
  attempts: number;
  state: string;
  first_failed_at: number;
  last_failed_at: number;
  resolved_by: string | null;
  resolved_at: number | null;
}

const DetailsSchema = z.record(z.string(), z.json());
const snakeCase = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be snake_case');

const FailureSchema = z.object({
  id: z.string(),
  installationId: z.string(),
  linkId: z.string().nullable(),
  record: RecordRefSchema,
  kind: z.enum(failureKinds),
  /** A failure category of the sync engine (validation, duplicate, rate_limited, transient, …). */
  category: snakeCase,
  /** The most specific code known, such as Salesforce's `REQUIRED_FIELD_MISSING`. */
  code: z.string(),
  /** What went wrong and what to do next, for the person reading the card. */
  message: z.string(),
  details: DetailsSchema,
  attempts: z.number().int(),
  state: z.enum(failureStates),
  firstFailedAt: z.number(),
  lastFailedAt: z.number(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.number().nullable(),
});
export type Failure = z.infer<typeof FailureSchema>;

export function fromRow(row: FailureRow): Failure {
  return parseRow(
    FailureSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      linkId: row.link_id,
      record: { side: row.side, objectType: row.object_type, recordId: row.record_id },
      kind: row.kind,
      category: row.category,
      code: row.code,
      message: row.message,
      details: parseJsonColumn(DetailsSchema, row.details, `${FAILURES}.details (${row.id})`),
      attempts: row.attempts,
      state: row.state,
      firstFailedAt: row.first_failed_at,
      lastFailedAt: row.last_failed_at,
      resolvedBy: row.resolved_by,
      resolvedAt: row.resolved_at,
    },
    FAILURES,
  );
}

const NewFailureSchema = z.object({
  installationId: z.string().min(1),
  linkId: z.string().nullable().default(null),
  record: RecordRefSchema,
  kind: z.enum(failureKinds),
  category: snakeCase,
  code: z.string().min(1).max(64),
  message: z.string().min(1),
  details: DetailsSchema.default({}),
  attempts: z.number().int().min(0),
});
export type NewFailure = z.input<typeof NewFailureSchema>;

/** Records a failure for a record, or updates its unresolved one (which becomes `open` again). */
export async function record(db: Queryable, input: NewFailure, now: number): Promise<Failure> {
  const failure = parseInput(NewFailureSchema, input, 'failures.record');
  return inTransaction(db, async (trx) => {
    const existing = await lockForUpdate(
      trx,
      unresolvedQuery(trx, failure.installationId, failure.record),
    ).first();
    const fields = {
      kind: failure.kind,
      category: failure.category,
      code: failure.code,
      message: failure.message,
      details: JSON.stringify(failure.details),
      attempts: failure.attempts,
      state: 'open',
      last_failed_at: now,
    };
    if (existing) {
      await trx<FailureRow>(FAILURES)
        .where({ id: existing.id })
        .update({ ...fields, link_id: failure.linkId ?? existing.link_id });
      return fromRow({ ...existing, ...fields, link_id: failure.linkId ?? existing.link_id });
    }
    const row: FailureRow = {
      id: crypto.randomUUID(),
      installation_id: failure.installationId,
      link_id: failure.linkId,
      side: failure.record.side,
      object_type: failure.record.objectType,
      record_id: failure.record.recordId,
      ...fields,
      first_failed_at: now,
      resolved_by: null,
      resolved_at: null,
    };
    await trx<FailureRow>(FAILURES).insert(row);
    return fromRow(row);
  });
}

export async function findById(db: Queryable, installationId: string, id: string): Promise<Failure | null> {
  const row = await db<FailureRow>(FAILURES).where({ installation_id: installationId, id }).first();
  return row ? fromRow(row) : null;
}

/** The unresolved failure of a record (what the card shows), if any. */
export async function findUnresolved(
  db: Queryable,
  installationId: string,
  ref: RecordRef,
): Promise<Failure | null> {
  const row = await unresolvedQuery(db, installationId, ref).first();
  return row ? fromRow(row) : null;
}

/** Failures of an installation, most recent first. */
export async function list(
  db: Queryable,
  installationId: string,
  options: { states?: FailureState[]; limit?: number } = {},
): Promise<Failure[]> {
  const query = db<FailureRow>(FAILURES).where({ installation_id: installationId });
  if (options.states) query.whereIn('state', options.states);
  const rows = await query
    .orderBy([{ column: 'last_failed_at', order: 'desc' }, { column: 'id' }])
    .limit(options.limit ?? 100);
  return rows.map(fromRow);
}

export async function countUnresolved(db: Queryable, installationId: string): Promise<number> {
  const row = await db<FailureRow>(FAILURES)
    .where({ installation_id: installationId })
    .whereNot({ state: 'resolved' })
    .count({ count: '*' })
    .first();
  return Number((row as { count?: number | string } | undefined)?.count ?? 0);
}

/** Unresolved failures of an installation by category (health counters). */
export async function countUnresolvedByCategory(
  db: Queryable,
  installationId: string,
): Promise<Record<string, number>> {
  const rows = (await db<FailureRow>(FAILURES)
    .where({ installation_id: installationId })
    .whereNot({ state: 'resolved' })
    .select('category')
    .count({ count: '*' })
    .groupBy('category')) as unknown as Array<{ category: string; count: number | string }>;
  return Object.fromEntries(rows.map((row) => [row.category, Number(row.count)]));
}

/**
 * Unresolved failures of these installations by kind and category, through the (installation, state) index
 * (resolved history is never read). For the metrics endpoint.
 */
export async function countUnresolvedByInstallation(
  db: Queryable,
  installationIds: readonly string[],
): Promise<Array<{ installationId: string; kind: string; category: string; count: number }>> {
  if (installationIds.length === 0) return [];
  const rows = (await db<FailureRow>(FAILURES)
    .whereIn('installation_id', [...installationIds])
    .whereIn('state', ['open', 'retrying'])
    .select('installation_id', 'kind', 'category')
    .count({ count: '*' })
    .groupBy('installation_id', 'kind', 'category')) as unknown as Array<{
    installation_id: string;
    kind: string;
    category: string;
    count: number | string;
  }>;
  return rows.map((row) => ({
    installationId: row.installation_id,
    kind: row.kind,
    category: row.category,
    count: Number(row.count),
  }));
}

/** Records of the installation still failing whose latest failure is at or after `sinceMs`. */
export async function countUnresolvedSince(
  db: Queryable,
  installationId: string,
  sinceMs: number,
): Promise<number> {
  const row = (await db<FailureRow>(FAILURES)
    .where({ installation_id: installationId })
    .whereNot({ state: 'resolved' })
    .where('last_failed_at', '>=', sinceMs)
    .count({ count: '*' })
    .first()) as { count?: number | string } | undefined;
  return Number(row?.count ?? 0);
}

/**
 * A person asked to retry: `open` → `retrying`. The caller marks the record dirty in the same transaction;
 * the sync then resolves the failure, or records it again (back to `open`).
 */
export async function startRetry(
  db: Queryable,
  installationId: string,
  id: string,
  now: number,
): Promise<Failure | null> {
  const updated = await db<FailureRow>(FAILURES)
    .where({ installation_id: installationId, id, state: 'open' })
    .update({ state: 'retrying', last_failed_at: now });
  return updated === 0 ? null : findById(db, installationId, id);
}

/** The record synced: its unresolved failure (if any) is resolved. Returns whether there was one. */
export async function resolveForRecord(
  db: Queryable,
  installationId: string,
  ref: RecordRef,
  context: { resolvedBy: string; now: number },
): Promise<boolean> {
  const updated = await unresolvedQuery(db, installationId, ref).update({
    state: 'resolved',
    resolved_by: context.resolvedBy,
    resolved_at: context.now,
  });
  return updated > 0;
}

/** A person dismissed a failure without a successful sync. */
export async function dismiss(
  db: Queryable,
  installationId: string,
  id: string,
  context: { resolvedBy: string; now: number },
): Promise<Failure | null> {
  const updated = await db<FailureRow>(FAILURES)
    .where({ installation_id: installationId, id })
    .whereNot({ state: 'resolved' })
    .update({ state: 'resolved', resolved_by: context.resolvedBy, resolved_at: context.now });
  return updated === 0 ? null : findById(db, installationId, id);
}

function unresolvedQuery(db: Queryable, installationId: string, ref: RecordRef) {
  return db<FailureRow>(FAILURES)
    .where({
      installation_id: installationId,
      side: ref.side,
      object_type: ref.objectType,
      record_id: ref.recordId,
    })
    .whereNot({ state: 'resolved' });
}
