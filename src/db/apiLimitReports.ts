/**
 * api_limit_reports: the newest usage a provider reported about itself, such as Salesforce's
 * `Sforce-Limit-Info: api-usage=10018/100000`. It covers every integration in the org, not only ours, so the
 * budget check compares our share against it. Reports can arrive out of order from several workers: an
 * older observation never replaces a newer one.
 */
import { z } from 'zod';
import { apiProviders, type ApiProvider } from './apiUsage';
import { parseInput, type Queryable } from './support';

export const API_LIMIT_REPORTS = 'api_limit_reports';

export interface ApiLimitReportRow {
  installation_id: string;
  provider: string;
  used: number;
  limit: number;
  observed_at: number;
}

export interface ApiLimitReport {
  provider: ApiProvider;
  used: number;
  limit: number;
  observedAt: number;
}

const ReportSchema = z.object({
  installationId: z.string().min(1),
  provider: z.enum(apiProviders),
  used: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  observedAt: z.number(),
});

export function fromRow(row: ApiLimitReportRow): ApiLimitReport {
  return {
    provider: z.enum(apiProviders).parse(row.provider),
    used: row.used,
    limit: row.limit,
    observedAt: row.observed_at,
  };
}

/** Stores a report unless a newer one is already stored. */
export async function report(db: Queryable, input: z.input<typeof ReportSchema>): Promise<void> {
  const parsed = parseInput(ReportSchema, input, 'apiLimitReports.report');
  await db.raw(
    `INSERT INTO api_limit_reports (installation_id, provider, used, "limit", observed_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (installation_id, provider)
     DO UPDATE SET used = excluded.used, "limit" = excluded."limit", observed_at = excluded.observed_at
     WHERE api_limit_reports.observed_at <= excluded.observed_at`,
    [parsed.installationId, parsed.provider, parsed.used, parsed.limit, parsed.observedAt],
  );
}

export async function latest(
  db: Queryable,
  installationId: string,
  provider: ApiProvider,
): Promise<ApiLimitReport | null> {
  const row = await db<ApiLimitReportRow>(API_LIMIT_REPORTS)
    .where({ installation_id: installationId, provider })
    .first();
  return row ? fromRow(row) : null;
}
