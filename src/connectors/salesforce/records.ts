/**
 * Salesforce records for the sync engine, over jsforce: SOQL reads in batches, the SystemModstamp poll, the
 * recycle-bin poll, and sObject Collections writes (200 records per call), turning wire records into
 * canonical SalesforceRecords and per-record write outcomes.
 *
 * A call that fails as a whole (expired session that could not be refreshed, daily limit, outage, no answer
 * in time) throws a SalesforceCallError for the caller to retry later; a collection write answers per
 * record, and a record Salesforce refused becomes a SyncFailure for that record only. A collection call
 * refused as a whole for a reason that belongs to its records (a value refused before any record was
 * looked at) is split until the bad records fail alone. A request Salesforce could not read at all (an
 * unknown or hidden field, a value of the wrong type: `INVALID_FIELD`, `JSON_PARSER_ERROR`) is not split,
 * since every half carrying the field fails the same way: it is thrown for the caller to leave the field
 * out (see domain/refusedFields.ts), unless the caller asks to isolate records anyway. The call gate's
 * BudgetExhausted passes through untouched.
 */
import type { Connection, QueryResult } from 'jsforce';
import type { SyncFailure } from '../../domain/failures';
import { isRequestLevelCode } from '../../domain/refusedFields';
import type { SalesforceObjectType, SalesforceRecord } from '../../domain/records';
import { openGate, type CallGate, type CallKind } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { SalesforceCallError, salesforceCallError } from './errors';
import { salesforceRecordFailure, salesforceWriteFailure } from './recordFailures';
import { packInClauses, soqlDateTime, soqlString, parseSalesforceDateTime } from './soql';

export const SALESFORCE_COLLECTION_SIZE = 200;

/** Fields every read selects, besides the mapped ones: identity, change times, deletion, merge, conversion. */
export function systemFieldsOf(type: SalesforceObjectType): string[] {
  const common = ['Id', 'LastModifiedDate', 'SystemModstamp', 'LastModifiedById', 'IsDeleted'];
  switch (type) {
    case 'Lead':
      return [
        ...common,
        'MasterRecordId',
        'IsConverted',
        'ConvertedContactId',
        'ConvertedAccountId',
        'ConvertedOpportunityId',
        'ConvertedDate',
      ];
    case 'Contact':
    case 'Account':
      return [...common, 'MasterRecordId'];
    case 'Opportunity':
      return common;
  }
}

type WireRecord = Record<string, unknown> & { Id?: string };

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A wire record as a canonical record; mapped fields keep the JSON values the REST API returned. */
export function toSalesforceRecord(type: SalesforceObjectType, wire: WireRecord): SalesforceRecord {
  const { attributes: _attributes, ...values } = wire;
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) fields[name] = value === undefined ? null : value;
  const id = stringOrNull(wire.Id);
  if (!id) throw new Error(`Salesforce ${type} record without an Id`);
  const lastModifiedAtMs = parseSalesforceDateTime(wire.LastModifiedDate);
  const systemModstampMs = parseSalesforceDateTime(wire.SystemModstamp) ?? lastModifiedAtMs;
  return {
    type,
    id,
    fields,
    lastModifiedAtMs: lastModifiedAtMs ?? systemModstampMs ?? 0,
    systemModstampMs: systemModstampMs ?? 0,
    lastModifiedById: stringOrNull(wire.LastModifiedById),
    isDeleted: wire.IsDeleted === true,
    masterRecordId: stringOrNull(wire.MasterRecordId),
    conversion:
      type === 'Lead' && wire.IsConverted === true
        ? {
            convertedContactId: stringOrNull(wire.ConvertedContactId),
            convertedAccountId: stringOrNull(wire.ConvertedAccountId),
            convertedOpportunityId: stringOrNull(wire.ConvertedOpportunityId),
            convertedDate: stringOrNull(wire.ConvertedDate),
          }
        : null,
  };
}

export type SalesforceWriteOutcome =
  | { readonly ok: true; readonly id: string; readonly created: boolean }
  | { readonly ok: false; readonly failure: SyncFailure };

export interface FieldValues {
  readonly [field: string]: string | number | boolean | null;
}

export interface PollPage {
  readonly records: SalesforceRecord[];
  /** True when the page was cut at `limit` and more records share or follow its last SystemModstamp. */
  readonly more: boolean;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

export interface SalesforceRecordsOptions {
  gate?: CallGate;
  /** Deadline of one call; past it the call fails as a retryable `TIMEOUT`. */
  callTimeoutMs?: number;
}

/** One condition of a matching query: `field IN (values)`. */
export interface FieldCondition {
  readonly field: string;
  readonly values: readonly string[];
  /** Values found anywhere in the field (a web address holding a domain), not equal to it. */
  readonly contains?: boolean;
}

type SaveResult = { success: true; id: string; created?: boolean } | { success: false; errors: unknown };

function errorsOf(result: SaveResult | undefined): unknown {
  return result && !result.success ? result.errors : [];
}

export interface WriteOptions {
  /**
   * Split even a request Salesforce could not read as a whole, until the records that make it unreadable
   * fail alone (when the caller could not tell which field it was).
   */
  readonly isolateRequestRefusals?: boolean;
}

/** Whether a refused call says something about the records in it (so splitting isolates the bad ones). */
function belongsToRecords(error: SalesforceCallError): boolean {
  switch (error.category) {
    case 'validation':
    case 'required_field_missing':
    case 'picklist_value_not_allowed':
    case 'duplicate':
      return true;
    default:
      return false;
  }
}

/** One Salesforce object of one org. Stateless apart from the connection it wraps. */
export class SalesforceRecords {
  private readonly gate: CallGate;
  private readonly callTimeoutMs: number;

  constructor(
    private readonly connection: Connection,
    readonly type: SalesforceObjectType,
    options: SalesforceRecordsOptions = {},
  ) {
    this.gate = options.gate ?? openGate;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  private select(fields: readonly string[]): string {
    return [...new Set([...systemFieldsOf(this.type), ...fields])].join(', ');
  }

  /** Records by id (15 or 18 characters); deleted ones are read from the recycle bin too. */
  async readByIds(ids: readonly string[], fields: readonly string[]): Promise<Map<string, SalesforceRecord>> {
    const found = new Map<string, SalesforceRecord>();
    const around = (where: string) => `SELECT ${this.select(fields)} FROM ${this.type} WHERE ${where}`;
    for (const where of packInClauses([{ field: 'Id', values: [...new Set(ids)] }], around)) {
      for (const record of await this.query(around(where), { includeDeleted: true })) {
        found.set(record.id, record);
        // Callers may hold 15-character ids.
        found.set(record.id.slice(0, 15), record);
      }
    }
    return found;
  }

  /**
   * Live records whose `field` equals one of the values (SOQL compares strings case-insensitively).
   * Converted Leads are left out: they are history, their person lives on as a Contact.
   */
  async readByField(
    field: string,
    values: readonly string[],
    fields: readonly string[],
  ): Promise<SalesforceRecord[]> {
    const distinct = [...new Set(values.filter((value) => value.length > 0))];
    const out: SalesforceRecord[] = [];
    const unconverted = this.type === 'Lead' ? ' AND IsConverted = false' : '';
    const around = (where: string) =>
      `SELECT ${this.select(fields)} FROM ${this.type} WHERE ${where}${unconverted}`;
    for (const where of packInClauses([{ field, values: distinct }], around)) {
      out.push(...(await this.query(around(where), { includeDeleted: false })));
    }
    return out;
  }

  /**
   * Live records matching any of the conditions (`A IN (…) OR B IN (…)`), in as few queries as the URL
   * length allows: matching a batch by cross-id and by email costs one query per object, not one per field.
   * Converted Leads are left out, as in readByField.
   */
  async readMatching(
    conditions: readonly FieldCondition[],
    fields: readonly string[],
  ): Promise<SalesforceRecord[]> {
    const lists = conditions
      .map((condition) => ({
        field: condition.field,
        values: [...new Set(condition.values.filter((value) => value.length > 0))],
        ...(condition.contains ? { contains: true } : {}),
      }))
      .filter((condition) => condition.values.length > 0);
    if (lists.length === 0) return [];
    const unconverted = this.type === 'Lead' ? ' AND IsConverted = false' : '';
    const found = new Map<string, SalesforceRecord>();
    const around = (where: string) =>
      `SELECT ${this.select(fields)} FROM ${this.type} WHERE (${where})${unconverted}`;
    for (const where of packInClauses(lists, around)) {
      for (const record of await this.query(around(where), { includeDeleted: false }))
        found.set(record.id, record);
    }
    return [...found.values()];
  }

  /**
   * Records created at or after `sinceMs`, by `createdById` when known (the integration user), at most
   * `limit`, oldest first: where a create whose answer was lost may have left its record.
   */
  async readCreatedSince(
    createdById: string | null,
    sinceMs: number,
    fields: readonly string[],
    limit: number,
  ): Promise<SalesforceRecord[]> {
    const byUser = createdById ? ` AND CreatedById = ${soqlString(createdById)}` : '';
    const soql =
      `SELECT ${this.select(fields)} FROM ${this.type} WHERE CreatedDate >= ${soqlDateTime(sinceMs)}${byUser} ` +
      `ORDER BY CreatedDate ASC, Id ASC LIMIT ${limit}`;
    return this.query(soql, { includeDeleted: false });
  }

  /**
   * Records whose SystemModstamp is at or after `sinceMs`, oldest first, at most `limit`. SystemModstamp
   * (indexed, and bumped by system changes and Lead conversion too) catches what LastModifiedDate misses.
   */
  async readModifiedSince(sinceMs: number, fields: readonly string[], limit: number): Promise<PollPage> {
    const soql =
      `SELECT ${this.select(fields)} FROM ${this.type} WHERE SystemModstamp >= ${soqlDateTime(sinceMs)} ` +
      `ORDER BY SystemModstamp ASC, Id ASC LIMIT ${limit + 1}`;
    const records = await this.query(soql, { includeDeleted: false });
    return { records: records.slice(0, limit), more: records.length > limit };
  }

  /** Records deleted (recycle bin, including merge losers with MasterRecordId) at or after `sinceMs`. */
  async readDeletedSince(sinceMs: number, fields: readonly string[], limit: number): Promise<PollPage> {
    const soql =
      `SELECT ${this.select(fields)} FROM ${this.type} WHERE IsDeleted = true AND SystemModstamp >= ` +
      `${soqlDateTime(sinceMs)} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${limit + 1}`;
    const records = await this.query(soql, { includeDeleted: true });
    return { records: records.slice(0, limit), more: records.length > limit };
  }

  /**
   * One keyset page of every record of the object after `afterId`, in id order, at most `limit`: the live
   * ones (`query`), or those in the recycle bin (`queryAll` with `IsDeleted = true`, merge losers included).
   * The walk of a full comparison; Salesforce may hand a page out in several batches (followed here).
   */
  async readPageAfter(
    afterId: string | null,
    fields: readonly string[],
    limit: number,
    options: { deleted: boolean },
  ): Promise<PollPage> {
    const conditions = [
      ...(afterId ? [`Id > ${soqlString(afterId)}`] : []),
      ...(options.deleted ? ['IsDeleted = true'] : []),
    ];
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    const soql = `SELECT ${this.select(fields)} FROM ${this.type}${where} ORDER BY Id ASC LIMIT ${limit + 1}`;
    const records = await this.query(soql, { includeDeleted: options.deleted });
    return { records: records.slice(0, limit), more: records.length > limit };
  }

  /** Updates records by id; one outcome per input, in order. */
  async update(
    inputs: ReadonlyArray<{ id: string; fields: FieldValues }>,
    options: WriteOptions = {},
  ): Promise<SalesforceWriteOutcome[]> {
    return this.writeInBatches(inputs, 'updating', options, async (batch) =>
      this.connection.sobject(this.type).update(
        batch.map((input) => ({ ...input.fields, Id: input.id })),
        { allOrNone: false },
      ),
    );
  }

  /**
   * Creates records idempotently: an upsert on an external-id field holding the HubSpot id, so a create
   * retried after a crash updates the record the first attempt made.
   */
  async upsert(
    externalIdField: string,
    inputs: ReadonlyArray<{ externalId: string; fields: FieldValues }>,
    options: WriteOptions = {},
  ): Promise<SalesforceWriteOutcome[]> {
    return this.writeInBatches(inputs, 'upserting', options, async (batch) =>
      this.connection.sobject(this.type).upsert(
        batch.map((input) => ({ ...input.fields, [externalIdField]: input.externalId })),
        externalIdField,
        { allOrNone: false },
      ),
    );
  }

  /** Creates records (when the org has no external-id field to upsert on). */
  async create(
    inputs: ReadonlyArray<{ fields: FieldValues }>,
    options: WriteOptions = {},
  ): Promise<SalesforceWriteOutcome[]> {
    return this.writeInBatches(inputs, 'creating', options, async (batch) =>
      this.connection.sobject(this.type).create(
        batch.map((input) => ({ ...input.fields })),
        { allOrNone: false },
      ),
    );
  }

  /**
   * The contact roles of Opportunities (OpportunityContactRole), by Opportunity id (18 characters, and its
   * 15-character form): each role's id and Contact. One query per batch of ids that fits a SOQL statement.
   */
  async readContactRoles(
    opportunityIds: readonly string[],
  ): Promise<Map<string, Array<{ id: string; contactId: string }>>> {
    const found = new Map<string, Array<{ id: string; contactId: string }>>();
    const around = (where: string) =>
      `SELECT Id, OpportunityId, ContactId FROM OpportunityContactRole WHERE ${where} ORDER BY Id`;
    for (const where of packInClauses(
      [{ field: 'OpportunityId', values: [...new Set(opportunityIds)] }],
      around,
    )) {
      const rows = await this.queryRows(around(where), {
        includeDeleted: false,
        action: 'querying OpportunityContactRole',
      });
      for (const row of rows) {
        const opportunityId = String(row.OpportunityId ?? '');
        const role = { id: String(row.Id ?? ''), contactId: String(row.ContactId ?? '') };
        for (const key of [opportunityId, opportunityId.slice(0, 15)]) {
          found.set(key, [...(found.get(key) ?? []), role]);
        }
      }
    }
    return found;
  }

  /**
   * Adds contact roles (Opportunity, Contact) and deletes others by their ids: one call per 200 records each
   * way, each record on its own (a refused one fails alone). Returns the refusals by Opportunity id.
   */
  async changeContactRoles(
    add: ReadonlyArray<{ readonly opportunityId: string; readonly contactId: string }>,
    remove: ReadonlyArray<{ readonly opportunityId: string; readonly roleId: string }>,
  ): Promise<Map<string, SyncFailure>> {
    const refused = new Map<string, SyncFailure>();
    for (const batch of chunks(add, SALESFORCE_COLLECTION_SIZE)) {
      const answer = await this.call(`creating ${batch.length} OpportunityContactRole records`, () =>
        this.connection.sobject('OpportunityContactRole').create(
          batch.map((role) => ({ OpportunityId: role.opportunityId, ContactId: role.contactId })),
          { allOrNone: false },
        ),
      );
      const results = (Array.isArray(answer) ? answer : [answer]) as SaveResult[];
      batch.forEach((role, index) => {
        const result = results[index];
        if (!result?.success)
          refused.set(
            role.opportunityId,
            salesforceRecordFailure(this.type, errorsOf(result), { ContactId: role.contactId }),
          );
      });
    }
    for (const batch of chunks(remove, SALESFORCE_COLLECTION_SIZE)) {
      const answer = await this.call(`deleting ${batch.length} OpportunityContactRole records`, () =>
        this.connection.sobject('OpportunityContactRole').destroy(
          batch.map((role) => role.roleId),
          { allOrNone: false },
        ),
      );
      const results = (Array.isArray(answer) ? answer : [answer]) as SaveResult[];
      batch.forEach((role, index) => {
        const result = results[index];
        // A role already gone is what was asked for.
        const errors = errorsOf(result);
        const gone =
          Array.isArray(errors) &&
          errors.some((error) => (error as { statusCode?: string }).statusCode === 'ENTITY_IS_DELETED');
        if (!result?.success && !gone)
          refused.set(role.opportunityId, salesforceRecordFailure(this.type, errors, {}));
      });
    }
    return refused;
  }

  private async writeInBatches<T extends { fields: FieldValues }>(
    inputs: readonly T[],
    verb: 'updating' | 'upserting' | 'creating',
    options: WriteOptions,
    write: (batch: readonly T[]) => Promise<unknown>,
  ): Promise<SalesforceWriteOutcome[]> {
    const outcomes: SalesforceWriteOutcome[] = [];
    for (const batch of chunks(inputs, SALESFORCE_COLLECTION_SIZE)) {
      outcomes.push(...(await this.writeIsolating(batch, verb, options, write)));
    }
    return outcomes;
  }

  private async writeIsolating<T extends { fields: FieldValues }>(
    batch: readonly T[],
    verb: 'updating' | 'upserting' | 'creating',
    options: WriteOptions,
    write: (batch: readonly T[]) => Promise<unknown>,
  ): Promise<SalesforceWriteOutcome[]> {
    let results: SaveResult[];
    try {
      const answer = await this.call(`${verb} ${batch.length} ${this.type} records`, () => write(batch));
      results = (Array.isArray(answer) ? answer : [answer]) as SaveResult[];
    } catch (error) {
      if (!(error instanceof SalesforceCallError) || !belongsToRecords(error)) throw error;
      // Every half carrying an unreadable field fails alike: the caller leaves the field out instead.
      if (isRequestLevelCode(error.code) && !options.isolateRequestRefusals) throw error;
      if (batch.length === 1) return [{ ok: false, failure: salesforceWriteFailure(this.type, error) }];
      const middle = Math.ceil(batch.length / 2);
      return [
        ...(await this.writeIsolating(batch.slice(0, middle), verb, options, write)),
        ...(await this.writeIsolating(batch.slice(middle), verb, options, write)),
      ];
    }
    return batch.map((input, index): SalesforceWriteOutcome => {
      const result = results[index];
      if (result?.success) {
        return { ok: true, id: result.id, created: verb === 'creating' || result.created === true };
      }
      return {
        ok: false,
        failure: salesforceRecordFailure(this.type, result?.errors ?? [], input.fields),
      };
    });
  }

  private async query(soql: string, options: { includeDeleted: boolean }): Promise<SalesforceRecord[]> {
    const rows = await this.queryRows(soql, { ...options, action: `querying ${this.type}` });
    return rows.map((wire) => toSalesforceRecord(this.type, wire));
  }

  /** Every row a query returns, page after page. */
  private async queryRows(
    soql: string,
    options: { includeDeleted: boolean; action: string },
  ): Promise<WireRecord[]> {
    const out: WireRecord[] = [];
    let page: QueryResult<WireRecord> = await this.call(
      options.action,
      async () => await this.connection.query<WireRecord>(soql, { scanAll: options.includeDeleted }),
      'read',
    );
    out.push(...page.records);
    while (!page.done && page.nextRecordsUrl) {
      const next = page.nextRecordsUrl;
      page = await this.call(
        options.action,
        async () => await this.connection.queryMore<WireRecord>(next),
        'read',
      );
      out.push(...page.records);
    }
    return out;
  }

  /** One API call: through the gate, bounded in time, errors mapped, the org's usage reported back. */
  private async call<T>(action: string, run: () => Promise<T>, kind: CallKind = 'write'): Promise<T> {
    await this.gate.acquire('salesforce', kind);
    try {
      return await withTimeout(run, this.callTimeoutMs, action);
    } catch (error) {
      throw salesforceCallError(error, action);
    } finally {
      const usage = this.connection.limitInfo?.apiUsage;
      if (usage) this.gate.observeSalesforceUsage?.(usage.used, usage.limit);
    }
  }
}
