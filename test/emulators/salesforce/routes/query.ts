/** `query`, `queryAll` and their locators (`query/{locator}`, `queryAll/{locator}`). */

import { errors, SfError } from '../core/errors';
import type { RequestContext } from '../http/context';
import { orgOf, sendJson } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { runQuery } from '../soql/execute';

const DEFAULT_BATCH = 2000;

/** `Sforce-Query-Options: batchSize=N` (200–2,000; a hint Salesforce may round). */
function batchSizeOf(ctx: RequestContext): number {
  const header = ctx.req.headers['sforce-query-options'];
  const match = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  if (!match) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(200, Number(match[1])));
}

function owner(ctx: RequestContext): { orgId: string; userId: string } {
  return { orgId: orgOf(ctx).id, userId: ctx.session?.userId ?? '' };
}

function query(includeDeleted: boolean) {
  return (ctx: RequestContext): void => {
    const soql = ctx.url.searchParams.get('q');
    if (soql === null || soql.trim() === '')
      throw errors.malformedQuery('A query string has to be specified');
    const nowMs = ctx.state.nowMs();
    const result = runQuery(orgOf(ctx), soql, { includeDeleted, version: ctx.version, nowMs });
    if (result.records.length === 0)
      return sendJson(ctx, 200, { totalSize: result.totalSize, done: true, records: [] });
    const batch = ctx.state.cursors.open(
      ctx.state.ids,
      owner(ctx),
      result.records,
      batchSizeOf(ctx),
      ctx.version,
      nowMs,
    );
    sendJson(ctx, 200, batch);
  };
}

function more(ctx: RequestContext): void {
  const batch = ctx.state.cursors.next(ctx.params.locator ?? '', owner(ctx), ctx.version, ctx.state.nowMs());
  if (!batch) throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
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
