/**
 * alerts: one row per alert, from when its condition started (`opened_at`) to when it ended
 * (`resolved_at`, null while open). An installation has at most one open alert of each kind (a partial
 * unique index); conditions are decided in src/domain/alerts.ts and evaluated by src/ops/alerts.ts.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { alertKinds, alertSeverities, type AlertCondition } from '../domain/alerts';
import { parseJsonColumn, parseRow, type Queryable } from './support';

export const ALERTS = 'alerts';

export interface AlertRow {
  id: string;
  installation_id: string;
  kind: string;
  severity: string;
  message: string;
  details: string;
  opened_at: number;
  updated_at: number;
  resolved_at: number | null;
}

const DetailsSchema = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

const AlertSchema = z.object({
  id: z.string(),
  installationId: z.string(),
  kind: z.enum(alertKinds),
  severity: z.enum(alertSeverities),
  /** What happened and what to do, for the operator and the admin. */
  message: z.string(),
  /** The numbers behind the message. */
  details: DetailsSchema,
  openedAt: z.number(),
  updatedAt: z.number(),
  resolvedAt: z.number().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export function fromRow(row: AlertRow): Alert {
  return parseRow(
    AlertSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      kind: row.kind,
      severity: row.severity,
      message: row.message,
      details: parseJsonColumn(DetailsSchema, row.details, 'alerts.details'),
      openedAt: Number(row.opened_at),
      updatedAt: Number(row.updated_at),
      resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    },
    ALERTS,
  );
}

/** The open alerts of an installation, oldest first. */
export async function listOpen(db: Queryable, installationId: string): Promise<Alert[]> {
  const rows = await db<AlertRow>(ALERTS)
    .where({ installation_id: installationId })
    .whereNull('resolved_at')
    .orderBy([{ column: 'opened_at' }, { column: 'id' }]);
  return rows.map(fromRow);
}

/** Every open alert of every installation, oldest first (the alerts table holds few open rows). */
export async function listAllOpen(db: Queryable): Promise<Alert[]> {
  const rows = await db<AlertRow>(ALERTS)
    .whereNull('resolved_at')
    .orderBy([{ column: 'opened_at' }, { column: 'id' }]);
  return rows.map(fromRow);
}

/** An installation's alerts opened at or after `since`, open or resolved, newest first. */
export async function listSince(
  db: Queryable,
  installationId: string,
  since: number,
  limit = 100,
): Promise<Alert[]> {
  const rows = await db<AlertRow>(ALERTS)
    .where({ installation_id: installationId })
    .where('opened_at', '>=', since)
    .orderBy([
      { column: 'opened_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit);
  return rows.map(fromRow);
}

export async function findById(db: Queryable, id: string): Promise<Alert | null> {
  const row = await db<AlertRow>(ALERTS).where({ id }).first();
  return row ? fromRow(row) : null;
}

/**
 * Opens an alert; null when one of its kind is already open for the installation (another process opened
 * it first), so the caller delivers nothing twice.
 */
export async function open(
  db: Queryable,
  installationId: string,
  condition: AlertCondition,
  now: number,
): Promise<Alert | null> {
  const id = crypto.randomUUID();
  // DO NOTHING rather than catching the violation: on PostgreSQL a failed statement would abort the
  // caller's transaction.
  await db<AlertRow>(ALERTS)
    .insert({
      id,
      installation_id: installationId,
      kind: condition.kind,
      severity: condition.severity,
      message: condition.message,
      details: JSON.stringify(condition.details),
      opened_at: now,
      updated_at: now,
      resolved_at: null,
    })
    .onConflict()
    .ignore();
  return findById(db, id);
}

/** Rewrites an open alert's sentence, severity and numbers (its condition still holds). */
export async function update(
  db: Queryable,
  id: string,
  condition: AlertCondition,
  now: number,
): Promise<void> {
  await db<AlertRow>(ALERTS)
    .where({ id })
    .whereNull('resolved_at')
    .update({
      severity: condition.severity,
      message: condition.message,
      details: JSON.stringify(condition.details),
      updated_at: now,
    });
}

/** Resolves an open alert; false when it was already resolved (by another process). */
export async function resolve(db: Queryable, id: string, now: number): Promise<boolean> {
  const updated = await db<AlertRow>(ALERTS)
    .where({ id })
    .whereNull('resolved_at')
    .update({ resolved_at: now, updated_at: now });
  return updated > 0;
}
