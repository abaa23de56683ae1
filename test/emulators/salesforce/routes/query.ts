/** `query`, `queryAll` and their locators (`query/{locator}`, `queryAll/{locator}`). */

import { errors, SfError } from '../core/errors';
import type { RequestContext } from '../http/context';
import { orgOf, sendJson } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { runQuery } from '../soql/execute';

const DEFAULT_BATCH = 2000;
/** Salesforce's ceiling for batches of rows with Long Text Area fields. */
const LONG_TEXT_BATCH = 200;

/**
 * How many rows one batch holds. `Sforce-Query-Options: batchSize=N` (200–2,000) is a hint: Salesforce
 * hands out fewer rows when they are large, at most 200 with Long Text Area fields, and the org's
 * `queryBatchSize` setting stands for "what this org's rows allow".
 */
function batchSizeOf(ctx: RequestContext, longTextFields: number): number {
  const header = ctx.req.headers['sforce-query-options'];
  const match = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  const asked = match ? Math.min(DEFAULT_BATCH, Math.max(200, Number(match[1]))) : DEFAULT_BATCH;
  const rows = Math.min(asked, orgOf(ctx).settings.queryBatchSize);
  return longTextFields > 0 ? Math.min(rows, LONG_TEXT_BATCH) : rows;
}

function owner(ctx: RequestContext): { orgId: string; userId: string } {
  return { orgId: orgOf(ctx).id, userId: ctx.session?.userId ?? '' };
}

/** The object a batch of rows came from (its first row's type), else the query's FROM. */
function objectOf(rows: Record<string, unknown>[], soql?: string): string | undefined {
  const type = (rows[0]?.attributes as { type?: unknown } | undefined)?.type;
  if (typeof type === 'string') return type;
  return soql ? /\bFROM\s+([A-Za-z0-9_]+)/i.exec(soql)?.[1] : undefined;
}

function query(includeDeleted: boolean) {
  return (ctx: RequestContext): void => {
    const soql = ctx.url.searchParams.get('q');
    if (soql === null || soql.trim() === '')
      throw errors.malformedQuery('A query string has to be specified');
    const nowMs = ctx.state.nowMs();
    ctx.callObject = objectOf([], soql);
    const result = runQuery(orgOf(ctx), soql, { includeDeleted, version: ctx.version, nowMs });
    ctx.callObject = objectOf(result.records, soql);
    if (result.records.length === 0)
      return sendJson(ctx, 200, { totalSize: result.totalSize, done: true, records: [] });
    const batch = ctx.state.cursors.open(
      ctx.state.ids,
      owner(ctx),
      result.records,
      batchSizeOf(ctx, result.longTextFields ?? 0),
      ctx.version,
      nowMs,
    );
    sendJson(ctx, 200, batch);
  };
}

function more(ctx: RequestContext): void {
  const batch = ctx.state.cursors.next(ctx.params.locator ?? '', owner(ctx), ctx.version, ctx.state.nowMs());
  if (!batch) throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  const object = objectOf(batch.records);
  if (object) ctx.callObject = object;
  sendJson(ctx, 200, batch);
}

export function queryRoutes(): Route[] {
  const base = '/services/data/:version';
  return [
    route('GET', `${base}/query`, 'rest', query(false)),
    route('GET', `${base}/queryAll`, 'rest', query(true)),
    route('GET', `${base}/query/:locator`, 'rest', more),
    route('GET', `${base}/queryAll/:locator`, 'rest', more),
  ];
}
