/**
 * The Salesforce polls' reads: records changed since a time, and records deleted since a time (the recycle
 * bin, through queryAll), oldest first by SystemModstamp and then Id.
 *
 * Pages are keyset pages: the next page starts strictly after the last (SystemModstamp, Id) read. Offsets
 * would be unsafe (records change while the poll walks) and "SystemModstamp ≥ last" alone would loop when a
 * bulk load gives more records than a page the same second. A page's LIMIT is the largest SOQL batch
 * (2,000), but Salesforce may hand a query's rows out in smaller batches (at most 200 with long text
 * fields, fewer when rows are large): `done: false` and a `nextRecordsUrl` then say where the rest is, and
 * each further batch is one queryMore call. Whether a page is drained is Salesforce's `done`, never the
 * number of rows a batch happened to hold.
 */
import type { Connection, QueryResult } from 'jsforce';
import type { SalesforceObjectType, SalesforceRecord } from '../../domain/records';
import type { CallGate } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { salesforceCallError } from './errors';
import { systemFieldsOf, toSalesforceRecord } from './records';
import { parseSalesforceDateTime, soqlDateTime, soqlString } from './soql';

/** Salesforce returns query results in batches of 2,000: a page of this size is exactly one call. */
export const SALESFORCE_POLL_PAGE_SIZE = 2_000;

/** Where a page starts: at a time (the first page of a poll), or after the last record read. */
export type ChangeKey =
  | { readonly kind: 'from'; readonly sinceMs: number }
  | { readonly kind: 'after'; readonly stampMs: number; readonly id: string };

/** One batch of a changes query. */
export interface ChangesBatch {
  readonly records: SalesforceRecord[];
  /** Salesforce's `done`: every row of the query has been handed out. */
  readonly done: boolean;
  /** Where the query's next batch is (queryMore), while Salesforce has not handed out every row. */
  readonly nextRecordsUrl: string | null;
  /**
   * The query's rows filled its LIMIT, so more records may follow the last one (a next keyset page). Set
   * on the first batch of a query, from its totalSize; false on queryMore batches.
   */
  readonly limitReached: boolean;
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

async function call(
  connection: Connection,
  gate: CallGate,
  action: string,
  callTimeoutMs: number | undefined,
  run: () => Promise<QueryResult<Record<string, unknown>>>,
): Promise<QueryResult<Record<string, unknown>>> {
  // The gate may refuse (a spent budget): that error reaches the caller as it is.
  await gate.acquire('salesforce', 'read');
  try {
    return await withTimeout(run, callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, action);
  } catch (error) {
    throw salesforceCallError(error, action);
  } finally {
    const usage = connection.limitInfo?.apiUsage;
    if (usage) gate.observeSalesforceUsage?.(usage.used, usage.limit);
  }
}

function batchOf(
  type: SalesforceObjectType,
  result: QueryResult<Record<string, unknown>>,
  limitReached: boolean,
): ChangesBatch {
  return {
    records: result.records.map((wire) => toSalesforceRecord(type, wire)),
    done: result.done,
    nextRecordsUrl: result.done ? null : (result.nextRecordsUrl ?? null),
    limitReached,
  };
}

/** The first batch of a page of changed (or, with `deleted`, deleted) records. */
export async function readChanges(
  connection: Connection,
  gate: CallGate,
  type: SalesforceObjectType,
  fields: readonly string[],
  key: ChangeKey,
  options: { deleted: boolean; limit?: number; callTimeoutMs?: number },
): Promise<ChangesBatch> {
  const limit = Math.min(options.limit ?? SALESFORCE_POLL_PAGE_SIZE, SALESFORCE_POLL_PAGE_SIZE);
  const soql = changesSoql(type, fields, key, { deleted: options.deleted, limit });
  const action = `polling ${options.deleted ? 'deleted ' : ''}${type} records`;
  const result = await call(
    connection,
    gate,
    action,
    options.callTimeoutMs,
    async () => await connection.query<Record<string, unknown>>(soql, { scanAll: options.deleted }),
  );
  return batchOf(type, result, result.totalSize >= limit);
}

/** The next batch of a page whose first batch held fewer rows than the query (queryMore). */
export async function readMoreChanges(
  connection: Connection,
  gate: CallGate,
  type: SalesforceObjectType,
  nextRecordsUrl: string,
  options: { deleted: boolean; callTimeoutMs?: number },
): Promise<ChangesBatch> {
  const action = `polling ${options.deleted ? 'deleted ' : ''}${type} records (next batch)`;
  const result = await call(
    connection,
    gate,
    action,
    options.callTimeoutMs,
    async () => await connection.queryMore<Record<string, unknown>>(nextRecordsUrl),
  );
  return batchOf(type, result, false);
}

/** Whether the key of a next page lies strictly after the key of the page before it. */
export function keyMovesForward(previous: ChangeKey, next: ChangeKey & { kind: 'after' }): boolean {
  if (previous.kind === 'from') return next.stampMs >= previous.sinceMs;
  return next.stampMs > previous.stampMs || (next.stampMs === previous.stampMs && next.id > previous.id);
}

/**
 * A contact role written since a time. Writing a role leaves its Opportunity's stamps alone, so the
 * Opportunity poll never sees it: the roles are polled on their own and name the Opportunity to sync.
 */
export interface ContactRoleChange {
  readonly id: string;
  readonly opportunityId: string;
  readonly contactId: string;
  readonly systemModstampMs: number;
  /** Taken along by its Contact's or Opportunity's delete (a role deleted on its own skips the bin). */
  readonly deleted: boolean;
}

export interface ContactRoleBatch {
  readonly roles: ContactRoleChange[];
  readonly done: boolean;
  readonly nextRecordsUrl: string | null;
  readonly limitReached: boolean;
}

export function contactRoleChangesSoql(key: ChangeKey, limit: number): string {
  const position =
    key.kind === 'from'
      ? `SystemModstamp >= ${soqlDateTime(key.sinceMs)}`
      : `(SystemModstamp > ${soqlDateTime(key.stampMs)} OR ` +
        `(SystemModstamp = ${soqlDateTime(key.stampMs)} AND Id > ${soqlString(key.id)}))`;
  return (
    `SELECT Id, OpportunityId, ContactId, SystemModstamp, IsDeleted FROM OpportunityContactRole ` +
    `WHERE ${position} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${limit}`
  );
}

function contactRoleBatchOf(
  result: QueryResult<Record<string, unknown>>,
  limitReached: boolean,
): ContactRoleBatch {
  return {
    roles: result.records.map((wire) => ({
      id: String(wire.Id ?? ''),
      opportunityId: String(wire.OpportunityId ?? ''),
      contactId: String(wire.ContactId ?? ''),
      systemModstampMs: parseSalesforceDateTime(wire.SystemModstamp) ?? 0,
      deleted: wire.IsDeleted === true,
    })),
    done: result.done,
    nextRecordsUrl: result.done ? null : (result.nextRecordsUrl ?? null),
    limitReached,
  };
}

/**
 * The first batch of a page of contact roles written since a key, through queryAll so that roles taken
 * along by a Contact's delete (the Opportunity lost them) are seen too.
 */
export async function readContactRoleChanges(
  connection: Connection,
  gate: CallGate,
  key: ChangeKey,
  options: { limit?: number; callTimeoutMs?: number } = {},
): Promise<ContactRoleBatch> {
  const limit = Math.min(options.limit ?? SALESFORCE_POLL_PAGE_SIZE, SALESFORCE_POLL_PAGE_SIZE);
  const soql = contactRoleChangesSoql(key, limit);
  const result = await call(
    connection,
    gate,
    'polling OpportunityContactRole records',
    options.callTimeoutMs,
    async () => await connection.query<Record<string, unknown>>(soql, { scanAll: true }),
  );
  return contactRoleBatchOf(result, result.totalSize >= limit);
}

export async function readMoreContactRoleChanges(
  connection: Connection,
  gate: CallGate,
  nextRecordsUrl: string,
  options: { callTimeoutMs?: number } = {},
): Promise<ContactRoleBatch> {
  const result = await call(
    connection,
    gate,
    'polling OpportunityContactRole records (next batch)',
    options.callTimeoutMs,
    async () => await connection.queryMore<Record<string, unknown>>(nextRecordsUrl),
  );
  return contactRoleBatchOf(result, false);
}

/** The most recently written contact role, where a first poll starts (every Opportunity is read then anyway). */
export async function readNewestContactRole(
  connection: Connection,
  gate: CallGate,
  options: { callTimeoutMs?: number } = {},
): Promise<ContactRoleChange | null> {
  const soql =
    'SELECT Id, OpportunityId, ContactId, SystemModstamp, IsDeleted FROM OpportunityContactRole ' +
    'ORDER BY SystemModstamp DESC, Id DESC LIMIT 1';
  const result = await call(
    connection,
    gate,
    'reading the newest OpportunityContactRole',
    options.callTimeoutMs,
    async () => await connection.query<Record<string, unknown>>(soql, { scanAll: true }),
  );
  return contactRoleBatchOf(result, false).roles[0] ?? null;
}

/** Contact roles deleted in a window, as the replication API names them: by their ids alone. */
export interface DeletedContactRoles {
  readonly roleIds: string[];
  /** Where the next window starts: Salesforce covers whole minutes up to the start of the current one. */
  readonly latestCoveredMs: number;
}

/**
 * `getDeleted` for OpportunityContactRole: the only trace of a role deleted on its own, which skips the
 * recycle bin (queryAll cannot see it). One call per window; times are read to the minute.
 */
export async function readDeletedContactRoles(
  connection: Connection,
  gate: CallGate,
  window: { startMs: number; endMs: number },
  options: { callTimeoutMs?: number } = {},
): Promise<DeletedContactRoles> {
  const action = 'reading deleted OpportunityContactRole ids';
  await gate.acquire('salesforce', 'read');
  try {
    const result = await withTimeout(
      async () =>
        await connection
          .sobject('OpportunityContactRole')
          .deleted(new Date(window.startMs), new Date(window.endMs)),
      options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      action,
    );
    return {
      roleIds: (result.deletedRecords ?? []).map((entry) => String(entry.id)),
      latestCoveredMs: parseSalesforceDateTime(result.latestDateCovered) ?? window.startMs,
    };
  } catch (error) {
    throw salesforceCallError(error, action);
  } finally {
    const usage = connection.limitInfo?.apiUsage;
    if (usage) gate.observeSalesforceUsage?.(usage.used, usage.limit);
  }
}
