/**
 * reconcile_reports: one row per reconciliation run of an installation (states in src/domain/reconcile.ts).
 * A run asked for on the settings page waits as `requested` until a worker takes it; a scheduled run starts
 * as `running`. The newest `KEEP_PER_INSTALLATION` rows are kept: the installation's drift over time.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import {
  emptyCounts,
  reconcileFindingKinds,
  reconcileStates,
  reconcileTriggers,
  type ReconcileCounts,
  type ReconcileState,
  type ReconcileTrigger,
} from '../domain/reconcile';
import { parseJsonColumn, parseRow, type Queryable } from './support';

export const RECONCILE_REPORTS = 'reconcile_reports';

/** Reports kept per installation; older ones are deleted when a new one is made. */
export const KEEP_PER_INSTALLATION = 30;

export interface ReconcileReportRow {
  id: string;
  installation_id: string;
  trigger: string;
  requested_by: string | null;
  state: string;
  counts: string;
  hubspot_calls: number;
  salesforce_calls: number;
  message: string | null;
  requested_at: number;
  started_at: number | null;
  finished_at: number | null;
}

const CountsSchema = z.object(
  Object.fromEntries(
    reconcileFindingKinds.map((kind) => [kind, z.number().int().nonnegative().default(0)]),
  ) as {
    [K in keyof ReconcileCounts]: z.ZodDefault<z.ZodNumber>;
  },
);

const ReportSchema = z.object({
  id: z.string(),
  installationId: z.string(),
  trigger: z.enum(reconcileTriggers),
  /** Who asked for an on-demand run (`hubspot-user:<id>`, `operator`); null for scheduled runs. */
  requestedBy: z.string().nullable(),
  state: z.enum(reconcileStates),
  counts: CountsSchema,
  calls: z.object({ hubspot: z.number().int(), salesforce: z.number().int() }),
  /** Why a run ended early or failed, for people. */
  message: z.string().nullable(),
  requestedAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type ReconcileReport = z.infer<typeof ReportSchema>;

export function fromRow(row: ReconcileReportRow): ReconcileReport {
  const time = (value: number | string | null) => (value === null ? null : Number(value));
  return parseRow(
    ReportSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      trigger: row.trigger,
      requestedBy: row.requested_by,
      state: row.state,
      counts: parseJsonColumn(CountsSchema, row.counts, `${RECONCILE_REPORTS}.counts (${row.id})`),
      calls: { hubspot: Number(row.hubspot_calls), salesforce: Number(row.salesforce_calls) },
      message: row.message,
      requestedAt: Number(row.requested_at),
      startedAt: time(row.started_at),
      finishedAt: time(row.finished_at),
    },
    RECONCILE_REPORTS,
  );
}

/** Makes a report (a request waiting for a worker, or a run starting now) and prunes the oldest. */
export async function create(
  db: Queryable,
  input: {
    installationId: string;
    trigger: ReconcileTrigger;
    requestedBy: string | null;
    state: Extract<ReconcileState, 'requested' | 'running'>;
  },
  now: number,
): Promise<ReconcileReport> {
  const row: ReconcileReportRow = {
    id: crypto.randomUUID(),
    installation_id: input.installationId,
    trigger: input.trigger,
    requested_by: input.requestedBy,
    state: input.state,
    counts: JSON.stringify(emptyCounts()),
    hubspot_calls: 0,
    salesforce_calls: 0,
    message: null,
    requested_at: now,
    started_at: input.state === 'running' ? now : null,
    finished_at: null,
  };
  await db<ReconcileReportRow>(RECONCILE_REPORTS).insert(row);
  await prune(db, input.installationId);
  return fromRow(row);
}

async function prune(db: Queryable, installationId: string): Promise<void> {
  const keep = await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ installation_id: installationId })
    .orderBy([
      { column: 'requested_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(KEEP_PER_INSTALLATION)
    .select('id');
  if (keep.length < KEEP_PER_INSTALLATION) return;
  await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ installation_id: installationId })
    .whereNotIn(
      'id',
      keep.map((row) => row.id),
    )
    .delete();
}

/** Takes a requested report for a run starting now; false when another process took it first. */
export async function start(db: Queryable, id: string, now: number): Promise<boolean> {
  const updated = await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ id, state: 'requested' })
    .update({ state: 'running', started_at: now });
  return updated > 0;
}

/** Saves what a running report found so far (a run records its counts page by page). */
export async function progress(
  db: Queryable,
  id: string,
  counts: ReconcileCounts,
  calls: { hubspot: number; salesforce: number },
): Promise<void> {
  await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ id, state: 'running' })
    .update({
      counts: JSON.stringify(counts),
      hubspot_calls: calls.hubspot,
      salesforce_calls: calls.salesforce,
    });
}

/** Ends a run. Only a running (or, for `failed`, a requested) report moves; a finished one never does. */
export async function finish(
  db: Queryable,
  id: string,
  outcome: {
    state: Extract<ReconcileState, 'completed' | 'incomplete' | 'failed'>;
    counts?: ReconcileCounts;
    calls?: { hubspot: number; salesforce: number };
    message?: string | null;
  },
  now: number,
): Promise<void> {
  const from = outcome.state === 'failed' ? ['running', 'requested'] : ['running'];
  await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ id })
    .whereIn('state', from)
    .update({
      state: outcome.state,
      ...(outcome.counts ? { counts: JSON.stringify(outcome.counts) } : {}),
      ...(outcome.calls
        ? { hubspot_calls: outcome.calls.hubspot, salesforce_calls: outcome.calls.salesforce }
        : {}),
      message: outcome.message ?? null,
      finished_at: now,
    });
}

/** An installation's reports, newest first. */
export async function listRecent(
  db: Queryable,
  installationId: string,
  limit = KEEP_PER_INSTALLATION,
): Promise<ReconcileReport[]> {
  const rows = await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ installation_id: installationId })
    .orderBy([
      { column: 'requested_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit);
  return rows.map(fromRow);
}

export async function findById(
  db: Queryable,
  installationId: string,
  id: string,
): Promise<ReconcileReport | null> {
  const row = await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ installation_id: installationId, id })
    .first();
  return row ? fromRow(row) : null;
}

/** Requested runs of every installation, oldest first. */
export async function listRequested(db: Queryable): Promise<ReconcileReport[]> {
  const rows = await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ state: 'requested' })
    .orderBy('requested_at');
  return rows.map(fromRow);
}

/** When the installation's last run started (any trigger), or null. */
export async function lastStartedAt(db: Queryable, installationId: string): Promise<number | null> {
  const row = (await db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ installation_id: installationId })
    .max({ last: 'started_at' })
    .first()) as { last: number | string | null } | undefined;
  return row?.last === null || row?.last === undefined ? null : Number(row.last);
}

/**
 * Marks as failed the running reports of an installation that no process holds any more (its process died
 * mid-run): called by the next run, which holds the installation's lease, so no run of it is alive.
 */
export async function failAbandoned(db: Queryable, installationId: string, now: number): Promise<number> {
  return db<ReconcileReportRow>(RECONCILE_REPORTS)
    .where({ installation_id: installationId, state: 'running' })
    .update({ state: 'failed', message: 'interrupted: the process running it stopped', finished_at: now });
}
