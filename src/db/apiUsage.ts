/**
 * api_usage: API calls spent per installation and provider, counted in fixed windows (say 10 s for HubSpot's
 * burst limit, a day for a Salesforce budget). Each count is one atomic upsert, so limits hold across any
 * number of worker processes without a lock held around the call.
 */
import { z } from 'zod';
import { parseInput, type Queryable } from './support';

export const API_USAGE = 'api_usage';

export const apiProviders = ['hubspot', 'salesforce'] as const;
export type ApiProvider = (typeof apiProviders)[number];

export interface ApiUsageRow {
  installation_id: string;
  provider: string;
  window_ms: number;
  window_start: number;
  calls: number;
  updated_at: number;
}

const CountSchema = z.object({
  installationId: z.string().min(1),
  provider: z.enum(apiProviders),
  windowMs: z.number().int().positive(),
  calls: z.number().int().positive(),
  now: z.number(),
});
export type CountInput = z.input<typeof CountSchema>;

/** The start of the fixed window containing `now`. */
export function windowStartOf(now: number, windowMs: number): number {
  return Math.floor(now / windowMs) * windowMs;
}

/** Adds calls already made (counting never refuses) and returns the window's new total. */
export async function record(db: Queryable, input: CountInput): Promise<number> {
  const count = parseInput(CountSchema, input, 'apiUsage.record');
  const result = await upsertCalls(db, count, null);
  if (result === null) throw new Error('apiUsage.record: the upsert returned no row');
  return result;
}

export type ConsumeResult =
  | { ok: true; used: number }
  /** Over the limit: nothing was counted; the window reopens at `retryAt`. */
  | { ok: false; used: number; retryAt: number };

/**
 * Reserves `calls` within `limit` for the current window, or refuses without counting. The check and the
 * increment are one statement, so two workers cannot both take the last call.
 */
export async function tryConsume(
  db: Queryable,
  input: CountInput & { limit: number },
): Promise<ConsumeResult> {
  const count = parseInput(CountSchema, input, 'apiUsage.tryConsume');
  const retryAt = windowStartOf(count.now, count.windowMs) + count.windowMs;
  if (count.calls > input.limit) return { ok: false, used: await usage(db, count), retryAt };
  const used = await upsertCalls(db, count, input.limit);
  return used === null ? { ok: false, used: await usage(db, count), retryAt } : { ok: true, used };
}

/** Calls counted in the window containing `now`. */
export async function usage(
  db: Queryable,
  input: { installationId: string; provider: ApiProvider; windowMs: number; now: number },
): Promise<number> {
  const row = await db<ApiUsageRow>(API_USAGE)
    .where({
      installation_id: input.installationId,
      provider: input.provider,
      window_ms: input.windowMs,
      window_start: windowStartOf(input.now, input.windowMs),
    })
    .first();
  return row?.calls ?? 0;
}

/** Drops windows that ended before `before` (kept a while for the health page's charts). */
export async function prune(db: Queryable, before: number): Promise<number> {
  return db<ApiUsageRow>(API_USAGE).whereRaw('window_start + window_ms < ?', [before]).delete();
}

async function upsertCalls(
  db: Queryable,
  count: z.output<typeof CountSchema>,
  limit: number | null,
): Promise<number | null> {
  // PostgreSQL and SQLite share this syntax, including the WHERE on the conflict branch (which, when false,
  // leaves the row alone and returns nothing).
  const result = await db.raw(
    `INSERT INTO api_usage (installation_id, provider, window_ms, window_start, calls, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (installation_id, provider, window_ms, window_start)
     DO UPDATE SET calls = api_usage.calls + excluded.calls, updated_at = excluded.updated_at
     ${limit === null ? '' : 'WHERE api_usage.calls + excluded.calls <= ?'}
     RETURNING calls`,
    [
      count.installationId,
      count.provider,
      count.windowMs,
      windowStartOf(count.now, count.windowMs),
      count.calls,
      count.now,
      ...(limit === null ? [] : [limit]),
    ],
  );
  const rows: Array<{ calls: number }> = Array.isArray(result) ? result : result.rows;
  const first = rows[0];
  return first ? Number(first.calls) : null;
}
