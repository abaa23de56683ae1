/**
 * The Salesforce polls' reads: records changed since a time, and records deleted since a time (the recycle
 * bin, through queryAll), oldest first by SystemModstamp and then Id.
 *
 * Pages are keyset pages: the next page starts strictly after the last (SystemModstamp, Id) read. Offsets
 * would be unsafe (records change while the poll walks) and "SystemModstamp ≥ last" alone would loop when a
 * bulk load gives more records than a page the same second. One page is one API call: its LIMIT is the
 * size of one SOQL batch, so no queryMore follows.
 */
import type { Connection, QueryResult } from 'jsforce';
import type { SalesforceObjectType, SalesforceRecord } from '../../domain/records';
import type { CallGate } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { salesforceCallError } from './record-errors';
import { systemFieldsOf, toSalesforceRecord } from './records';
import { soqlDateTime, soqlString } from './soql';

/** Salesforce returns query results in batches of 2,000: a page of this size is exactly one call. */
export const SALESFORCE_POLL_PAGE_SIZE = 2_000;

/** Where a page starts: at a time (the first page of a poll), or after the last record read. */
export type ChangeKey =
  | { readonly kind: 'from'; readonly sinceMs: number }
  | { readonly kind: 'after'; readonly stampMs: number; readonly id: string };

export interface ChangesPage {
  readonly records: SalesforceRecord[];
  /** True when the page is full, so more records may follow. */
  readonly more: boolean;
}

export function changesSoql(
  type: SalesforceObjectType,
  fields: readonly string[],
  key: ChangeKey,
  options: { deleted: boolean; limit: number },
): string {
  const select = [...new Set([...systemFieldsOf(type), ...fields])].join(', ');
  const position =
    key.kind === 'from'
      ? `SystemModstamp >= ${soqlDateTime(key.sinceMs)}`
      : `(SystemModstamp > ${soqlDateTime(key.stampMs)} OR ` +
        `(SystemModstamp = ${soqlDateTime(key.stampMs)} AND Id > ${soqlString(key.id)}))`;
  const deleted = options.deleted ? 'IsDeleted = true AND ' : '';
  return (
    `SELECT ${select} FROM ${type} WHERE ${deleted}${position} ` +
    `ORDER BY SystemModstamp ASC, Id ASC LIMIT ${options.limit}`
  );
}

/** One page of changed (or, with `deleted`, deleted) records. */
export async function readChanges(
  connection: Connection,
  gate: CallGate,
  type: SalesforceObjectType,
  fields: readonly string[],
  key: ChangeKey,
  options: { deleted: boolean; limit?: number; callTimeoutMs?: number },
): Promise<ChangesPage> {
  const limit = Math.min(options.limit ?? SALESFORCE_POLL_PAGE_SIZE, SALESFORCE_POLL_PAGE_SIZE);
  const soql = changesSoql(type, fields, key, { deleted: options.deleted, limit });
  // The gate may refuse (a spent budget): that error reaches the caller as it is.
  await gate.acquire('salesforce', 'read');
  const action = `polling ${options.deleted ? 'deleted ' : ''}${type} records`;
  let result: QueryResult<Record<string, unknown>>;
  try {
    result = await withTimeout(
      async () => await connection.query<Record<string, unknown>>(soql, { scanAll: options.deleted }),
      options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      action,
    );
  } catch (error) {
    throw salesforceCallError(error, action);
  } finally {
    const usage = connection.limitInfo?.apiUsage;
    if (usage) gate.observeSalesforceUsage?.(usage.used, usage.limit);
  }
  const records = result.records.map((wire) => toSalesforceRecord(type, wire));
  return { records, more: records.length >= limit };
}
