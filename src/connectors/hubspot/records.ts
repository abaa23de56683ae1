/**
 * HubSpot CRM objects for the sync engine: batch reads (live, archived, by a unique property), the
 * last-modified search poll and batch writes, turning wire objects into canonical HubspotRecords and
 * per-record write outcomes.
 *
 * Every call is a batch call: reads take 100 ids per call (50 when property history is asked for, HubSpot's
 * limit), the search poll 200 records per page, writes 100 inputs per call. A whole call that fails
 * (401, 429, 423 Locked, 477 Migration in Progress, 5xx, network, no answer in time) throws a HubSpotError
 * for the caller to retry later, with the wait HubSpot asked for; a write rejected for some of its records yields a failure for those records only.
 * When HubSpot rejects a whole batch for one bad value (it answers 400 or 409 for the batch, not per
 * record), the batch is split in halves until the bad records are isolated, so the good ones still land.
 * The call gate's BudgetExhausted passes through untouched: it is not HubSpot's answer.
 */
import type { Client } from '@hubspot/api-client';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/associations/v4';
import { z } from 'zod';
import type { SyncFailure } from '../../domain/failures';
import type { HubspotObjectType, HubspotRecord } from '../../domain/records';
import { openGate, type CallGate, type CallKind } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { HubSpotError, toHubSpotError } from './errors';
import { hubspotRecordFailure, hubspotWriteFailure } from './recordFailures';

export const HUBSPOT_BATCH_SIZE = 100;
export const HUBSPOT_HISTORY_BATCH_SIZE = 50;
export const HUBSPOT_SEARCH_PAGE_SIZE = 200;
/** HubSpot search refuses to page past this many results; the poll re-anchors its filter instead. */
export const HUBSPOT_SEARCH_RESULT_CAP = 10_000;

const lastModifiedProperty: Record<HubspotObjectType, string> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  deals: 'hs_lastmodifieddate',
};

/**
 * Where HubSpot lists the ids merged into a record: contacts in `hs_calculated_merged_vids` (`id:timestamp;…`)
 * and, like companies and deals, `hs_merged_object_ids` (`id;…`). Both are read: either may be the one set.
 */
export const mergedIdsProperties: Record<HubspotObjectType, readonly string[]> = {
  contacts: ['hs_calculated_merged_vids', 'hs_merged_object_ids'],
  companies: ['hs_merged_object_ids'],
  deals: ['hs_merged_object_ids'],
};

export function lastModifiedPropertyOf(objectType: HubspotObjectType): string {
  return lastModifiedProperty[objectType];
}

const HistoryEntry = z.object({
  value: z.string().nullable().optional(),
  timestamp: z.union([z.string(), z.date()]),
});

const WireObject = z
  .object({
    id: z.string(),
    properties: z.record(z.string(), z.string().nullable().optional()),
    propertiesWithHistory: z.record(z.string(), z.array(HistoryEntry)).optional(),
    updatedAt: z.union([z.string(), z.date()]),
    archived: z.boolean().optional(),
  })
  .loose();
type WireObject = z.infer<typeof WireObject>;

function epochMs(value: string | Date): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

/**
 * A wire object as a canonical record. A read returns every requested property (null when HubSpot holds no
 * value), so each requested property gets a key and "not read" and "blank" stay distinct. A write's answer
 * promises no such thing: pass no requested properties, and a property it leaves out stays absent (not
 * read), never blank.
 */
export function toHubspotRecord(
  objectType: HubspotObjectType,
  wire: unknown,
  requestedProperties: readonly string[],
): HubspotRecord {
  const parsed: WireObject = WireObject.parse(wire);
  const properties: Record<string, string | null> = {};
  for (const name of requestedProperties) properties[name] = parsed.properties[name] ?? null;
  for (const [name, value] of Object.entries(parsed.properties)) properties[name] = value ?? null;
  const propertyTimestampsMs: Record<string, number> = {};
  for (const [name, history] of Object.entries(parsed.propertiesWithHistory ?? {})) {
    const times = history.map((entry) => epochMs(entry.timestamp)).filter(Number.isFinite);
    if (times.length > 0) propertyTimestampsMs[name] = Math.max(...times);
  }
  return {
    objectType,
    id: parsed.id,
    properties,
    propertyTimestampsMs,
    updatedAtMs: epochMs(parsed.updatedAt),
    archived: parsed.archived ?? false,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

export interface ReadOptions {
  /** Properties whose change times matter (two-way rules); read with history, 50 records per call. */
  historyFor?: readonly string[];
}

export type HubSpotWriteOutcome =
  | {
      readonly ok: true;
      readonly id: string;
      readonly created: boolean;
      /**
       * The record as HubSpot's answer shows it: only the properties the answer holds (HubSpot promises the
       * ones written and its own, not every one), so a property absent here was not read, not blank.
       */
      readonly record: HubspotRecord;
    }
  | { readonly ok: false; readonly failure: SyncFailure };

/** Whether a record holds a value (or a known blank) for every one of the properties. */
export function holdsEvery(record: HubspotRecord, properties: readonly string[]): boolean {
  return properties.every((name) => Object.hasOwn(record.properties, name));
}

/** The objectWriteTraceId of the input at `index` of a batch: results are matched by it, not by position. */
function traceOf(index: number): string {
  return `bridge-${index}`;
}

export interface UpdateInput {
  readonly id: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface UpsertInput {
  /** The value of the unique property the upsert keys on. */
  readonly idValue: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** Association reads take up to 1,000 records per call. */
export const HUBSPOT_ASSOCIATION_READ_SIZE = 1000;

/** HubSpot's "Primary" company label from each object (none from companies). */
const primaryCompanyType: Record<HubspotObjectType, number | null> = {
  contacts: 1,
  companies: null,
  deals: 5,
};

const AssociationPages = z.array(
  z
    .object({
      _from: z.object({ id: z.union([z.string(), z.number()]) }).optional(),
      from: z.object({ id: z.union([z.string(), z.number()]) }).optional(),
      to: z.array(
        z.object({
          toObjectId: z.union([z.string(), z.number()]),
          associationTypes: z.array(z.object({ typeId: z.number() }).loose()),
        }),
      ),
      paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
    })
    .loose(),
);

export type AssociationWriteOutcome =
  | { readonly ok: true; readonly id: string }
  | { readonly ok: false; readonly id: string; readonly failure: SyncFailure };

export interface SearchPage {
  readonly records: HubspotRecord[];
  /** Opaque paging token for the next page, absent on the last page. */
  readonly after: string | null;
  readonly total: number;
}

export interface HubSpotObjectsOptions {
  gate?: CallGate;
  /** Deadline of one call; past it the call fails as a retryable `timeout`. */
  callTimeoutMs?: number;
}

const PropertyOptions = z
  .object({
    options: z.array(
      z
        .object({
          value: z.string(),
          hidden: z.boolean().optional(),
          displayOrder: z.number().optional(),
        })
        .loose(),
    ),
  })
  .loose();

const WriteResult = z
  .object({
    id: z.string(),
    properties: z.record(z.string(), z.string().nullable().optional()),
    objectWriteTraceId: z.string().optional(),
    _new: z.boolean().optional(),
    new: z.boolean().optional(),
  })
  .loose();
type WriteResult = z.infer<typeof WriteResult>;

/**
 * Each input's result. HubSpot does not promise its results in input order: a result is the input's by the
 * objectWriteTraceId it echoes, else by `matches` (the id, or the upsert key echoed).
 */
function resultsByInput<T>(
  results: readonly unknown[],
  inputs: readonly T[],
  matches: (result: WriteResult, input: T) => boolean,
): Array<WriteResult | undefined> {
  const parsed = z.array(WriteResult).parse(results);
  const byTrace = new Map(
    parsed.flatMap((result) => (result.objectWriteTraceId ? [[result.objectWriteTraceId, result]] : [])),
  );
  return inputs.map(
    (input, index) => byTrace.get(traceOf(index)) ?? parsed.find((result) => matches(result, input)),
  );
}

/** The ids a record lists as merged into it, from every merged-ids property of its type that was read. */
export function mergedIdsOf(record: HubspotRecord): string[] {
  const ids = mergedIdsProperties[record.objectType]
    .map((property) => record.properties[property] ?? '')
    .join(';')
    .split(/[;,]/)
    .map((part) => part.split(':')[0]?.trim() ?? '')
    .filter((part) => part.length > 0 && part !== record.id);
  return [...new Set(ids)];
}

/** One HubSpot object type of one portal. Stateless apart from the client it wraps. */
export class HubSpotObjects {
  private readonly gate: CallGate;
  private readonly callTimeoutMs: number;

  constructor(
    private readonly client: Client,
    readonly objectType: HubspotObjectType,
    options: HubSpotObjectsOptions = {},
  ) {
    this.gate = options.gate ?? openGate;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  /**
   * Live (not archived) records by id, keyed by the id asked for. A merged-away id resolves to the
   * survivor, whose own id differs (that is how the caller learns of the merge); ids HubSpot does not know
   * (archived, GDPR-deleted, never existed) are absent.
   */
  async readByIds(
    ids: readonly string[],
    properties: readonly string[],
    options: ReadOptions = {},
  ): Promise<Map<string, HubspotRecord>> {
    const history = options.historyFor ?? [];
    const size = history.length > 0 ? HUBSPOT_HISTORY_BATCH_SIZE : HUBSPOT_BATCH_SIZE;
    const wanted = [...new Set([...properties, ...mergedIdsProperties[this.objectType]])];
    const found = new Map<string, HubspotRecord>();
    for (const batch of chunks([...new Set(ids)], size)) {
      const records = await this.batchRead(
        batch.map((id) => ({ id })),
        wanted,
        history,
        { archived: false },
      );
      for (const record of records) if (batch.includes(record.id)) found.set(record.id, record);
      for (const [requested, record] of this.byMergedId(batch, records)) {
        if (!found.has(requested)) found.set(requested, record);
      }
    }
    return found;
  }

  /** Archived records (HubSpot's recycle bin) by id; ids that are live or gone for good are absent. */
  async readArchivedByIds(
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<Map<string, HubspotRecord>> {
    const found = new Map<string, HubspotRecord>();
    for (const batch of chunks([...new Set(ids)], HUBSPOT_BATCH_SIZE)) {
      const records = await this.batchRead(
        batch.map((id) => ({ id })),
        properties,
        [],
        { archived: true },
      );
      for (const record of records) found.set(record.id, { ...record, archived: true });
    }
    return found;
  }

  /** Live records whose unique property (email, the Salesforce id property) has one of the values. */
  async readByUniqueProperty(
    idProperty: string,
    values: readonly string[],
    properties: readonly string[],
    options: ReadOptions = {},
  ): Promise<HubspotRecord[]> {
    const history = options.historyFor ?? [];
    const size = history.length > 0 ? HUBSPOT_HISTORY_BATCH_SIZE : HUBSPOT_BATCH_SIZE;
    const distinct = [...new Set(values.filter((value) => value.length > 0))];
    const out: HubspotRecord[] = [];
    for (const batch of chunks(distinct, size)) {
      const records = await this.batchRead(
        batch.map((id) => ({ id })),
        [...new Set([...properties, idProperty])],
        history,
        { archived: false, idProperty },
      );
      out.push(...records);
    }
    return out;
  }

  /**
   * Live records whose `property` holds one of `values` (exactly, as HubSpot's search compares), for
   * properties that are not unique and so cannot be batch-read by value (a company's domain). One search per
   * 100 values and 200 results. Search trails writes by a few seconds: a record written just now may be
   * missing.
   */
  async searchByValues(
    property: string,
    values: readonly string[],
    properties: readonly string[],
  ): Promise<HubspotRecord[]> {
    const distinct = [...new Set(values.filter((value) => value.length > 0))];
    const found = new Map<string, HubspotRecord>();
    for (const batch of chunks(distinct, HUBSPOT_BATCH_SIZE)) {
      let after: string | undefined;
      do {
        const request = {
          filterGroups: [{ filters: [{ propertyName: property, operator: 'IN' as never, values: batch }] }],
          properties: [...new Set([...properties, property])],
          limit: HUBSPOT_SEARCH_PAGE_SIZE,
          ...(after ? { after } : {}),
        };
        const action = `searching ${this.objectType} by ${property}`;
        const page: Awaited<ReturnType<typeof this.client.crm.objects.searchApi.doSearch>> = await this.call(
          'search',
          action,
          () => this.client.crm.objects.searchApi.doSearch(this.objectType, request),
        );
        for (const wire of page.results) {
          const record = toHubspotRecord(this.objectType, wire, properties);
          found.set(record.id, record);
        }
        after = page.paging?.next?.after;
      } while (after);
    }
    return [...found.values()];
  }

  /**
   * One page of records modified at or after `sinceMs`, oldest first. The caller keeps the newest
   * timestamp it saw as its cursor; past HubSpot's 10,000-result paging cap it starts a new search from
   * that timestamp.
   */
  async searchModifiedSince(
    sinceMs: number,
    properties: readonly string[],
    after: string | null = null,
  ): Promise<SearchPage> {
    const modified = lastModifiedPropertyOf(this.objectType);
    const request = {
      filterGroups: [
        { filters: [{ propertyName: modified, operator: 'GTE' as never, value: String(sinceMs) }] },
      ],
      // The SDK types sorts as strings; HubSpot also takes the object form, which states the direction.
      sorts: [{ propertyName: modified, direction: 'ASCENDING' }] as unknown as string[],
      properties: [...new Set([...properties, modified])],
      limit: HUBSPOT_SEARCH_PAGE_SIZE,
      ...(after ? { after } : {}),
    };
    const action = `searching ${this.objectType} modified since ${new Date(sinceMs).toISOString()}`;
    const page = await this.call('search', action, () =>
      this.client.crm.objects.searchApi.doSearch(this.objectType, request),
    );
    return {
      records: page.results.map((wire) => toHubspotRecord(this.objectType, wire, properties)),
      after: page.paging?.next?.after ?? null,
      total: page.total,
    };
  }

  /**
   * One page of every record of the type, live or archived (HubSpot's recycle bin), in id order, 100 per
   * call (`GET /crm/v3/objects/{type}?archived=…`): the listing a full comparison walks.
   */
  async listPage(
    properties: readonly string[],
    after: string | null,
    options: { archived: boolean },
  ): Promise<{ records: HubspotRecord[]; after: string | null }> {
    const wanted = [...new Set([...properties, ...mergedIdsProperties[this.objectType]])];
    const what = `${options.archived ? 'archived ' : ''}${this.objectType}`;
    const page = await this.call('read', `listing ${what}${after ? ` after ${after}` : ''}`, () =>
      this.client.crm.objects.basicApi.getPage(
        this.objectType,
        HUBSPOT_BATCH_SIZE,
        after ?? undefined,
        wanted,
        undefined,
        undefined,
        options.archived,
      ),
    );
    return {
      records: page.results.map((wire) => toHubspotRecord(this.objectType, wire, wanted)),
      after: page.paging?.next?.after ?? null,
    };
  }

  /**
   * Updates existing records; one outcome per input, in input order. The outcome's record holds what
   * HubSpot's answer holds: a property it leaves out is absent, not blank.
   */
  async update(inputs: readonly UpdateInput[]): Promise<HubSpotWriteOutcome[]> {
    return this.writeInBatches(inputs, async (batch) => {
      const response = await this.call('write', `updating ${batch.length} ${this.objectType}`, () =>
        this.client.crm.objects.batchApi.update(this.objectType, {
          inputs: batch.map((input, index) => ({
            id: input.id,
            properties: { ...input.properties },
            objectWriteTraceId: traceOf(index),
          })),
        }),
      );
      const results = resultsByInput(response.results, batch, (result, input) => result.id === input.id);
      const errors = 'errors' in response ? (response.errors ?? []) : [];
      return batch.map((input, index): HubSpotWriteOutcome => {
        const result = results[index];
        if (result) {
          return {
            ok: true,
            id: input.id,
            created: false,
            record: toHubspotRecord(this.objectType, result, []),
          };
        }
        return {
          ok: false,
          failure: hubspotRecordFailure(this.objectType, errors, [input.id, traceOf(index)]),
        };
      });
    });
  }

  /**
   * Creates records idempotently: an upsert keyed on a unique property (the Salesforce id), so a create
   * retried after a crash finds the record the first attempt made instead of making a second.
   */
  async upsert(idProperty: string, inputs: readonly UpsertInput[]): Promise<HubSpotWriteOutcome[]> {
    return this.writeInBatches(inputs, async (batch) => {
      const response = await this.call('write', `upserting ${batch.length} ${this.objectType}`, () =>
        this.client.crm.objects.batchApi.upsert(this.objectType, {
          inputs: batch.map((input, index) => ({
            idProperty,
            id: input.idValue,
            properties: { ...input.properties, [idProperty]: input.idValue },
            objectWriteTraceId: traceOf(index),
          })),
        }),
      );
      const results = resultsByInput(
        response.results,
        batch,
        (result, input) => result.properties[idProperty] === input.idValue,
      );
      const errors = 'errors' in response ? (response.errors ?? []) : [];
      return batch.map((input, index): HubSpotWriteOutcome => {
        const result = results[index];
        if (result) {
          return {
            ok: true,
            id: result.id,
            created: result._new ?? result.new ?? false,
            record: toHubspotRecord(this.objectType, result, []),
          };
        }
        return {
          ok: false,
          failure: hubspotRecordFailure(this.objectType, errors, [input.idValue, traceOf(index)]),
        };
      });
    });
  }

  /**
   * The primary company of each record (contacts, deals), by record id: null when it has none. One v4 batch
   * read per 1,000 records (a record with more associated companies than a page holds is read on, page by
   * page, until its primary one is found).
   */
  async readPrimaryCompanies(ids: readonly string[]): Promise<Map<string, string | null>> {
    const primary = primaryCompanyType[this.objectType];
    const found = new Map<string, string | null>();
    if (primary === null) return found;
    let pending: Array<{ id: string; after?: string }> = [...new Set(ids)].map((id) => ({ id }));
    while (pending.length > 0) {
      const next: Array<{ id: string; after: string }> = [];
      for (const batch of chunks(pending, HUBSPOT_ASSOCIATION_READ_SIZE)) {
        const response = await this.call(
          'read',
          `reading the companies of ${batch.length} ${this.objectType}`,
          () =>
            this.client.crm.associations.v4.batchApi.getPage(this.objectType, 'companies', { inputs: batch }),
        );
        for (const result of AssociationPages.parse(response.results)) {
          const id = String(result._from?.id ?? result.from?.id ?? '');
          const company = result.to.find((target) =>
            target.associationTypes.some((type) => type.typeId === primary),
          );
          if (company) found.set(id, String(company.toObjectId));
          else if (result.paging?.next?.after) next.push({ id, after: result.paging.next.after });
        }
      }
      pending = next;
    }
    for (const id of ids) if (!found.has(id)) found.set(id, null);
    return found;
  }

  /**
   * Makes each company the record's primary one (HubSpot moves the primary label off any other). One call
   * per 100; a pair HubSpot refused fails alone.
   */
  async setPrimaryCompanies(
    inputs: ReadonlyArray<{ readonly id: string; readonly companyId: string }>,
  ): Promise<AssociationWriteOutcome[]> {
    const typeId = primaryCompanyType[this.objectType];
    if (typeId === null || inputs.length === 0) return [];
    const outcomes: AssociationWriteOutcome[] = [];
    for (const batch of chunks(inputs, HUBSPOT_BATCH_SIZE)) {
      const response = await this.call(
        'write',
        `setting the primary company of ${batch.length} ${this.objectType}`,
        () =>
          this.client.crm.associations.v4.batchApi.create(this.objectType, 'companies', {
            inputs: batch.map((input) => ({
              _from: { id: input.id },
              to: { id: input.companyId },
              types: [
                {
                  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                  associationTypeId: typeId,
                },
              ],
            })),
          }),
      );
      const errors = 'errors' in response ? (response.errors ?? []) : [];
      outcomes.push(...batch.map((input) => this.associationOutcome(errors, input.id)));
    }
    return outcomes;
  }

  /** Takes the primary label off each record's company (the association itself stays). One call per 100. */
  async clearPrimaryCompanies(
    inputs: ReadonlyArray<{ readonly id: string; readonly companyId: string }>,
  ): Promise<void> {
    const typeId = primaryCompanyType[this.objectType];
    if (typeId === null || inputs.length === 0) return;
    for (const batch of chunks(inputs, HUBSPOT_BATCH_SIZE)) {
      await this.call('write', `clearing the primary company of ${batch.length} ${this.objectType}`, () =>
        this.client.crm.associations.v4.batchApi.archiveLabels(this.objectType, 'companies', {
          inputs: batch.map((input) => ({
            _from: { id: input.id },
            to: { id: input.companyId },
            types: [
              {
                associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                associationTypeId: typeId,
              },
            ],
          })),
        }),
      );
    }
  }

  /**
   * Every record of `toType` associated with each record, by record id (an empty list when none): one v4
   * batch read per 1,000 records, and more pages for a record with more associations than a page holds.
   */
  async readAssociatedIds(ids: readonly string[], toType: HubspotObjectType): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>([...new Set(ids)].map((id) => [id, []]));
    let pending: Array<{ id: string; after?: string }> = [...found.keys()].map((id) => ({ id }));
    while (pending.length > 0) {
      const next: Array<{ id: string; after: string }> = [];
      for (const batch of chunks(pending, HUBSPOT_ASSOCIATION_READ_SIZE)) {
        const response = await this.call(
          'read',
          `reading the ${toType} of ${batch.length} ${this.objectType}`,
          () => this.client.crm.associations.v4.batchApi.getPage(this.objectType, toType, { inputs: batch }),
        );
        for (const result of AssociationPages.parse(response.results)) {
          const id = String(result._from?.id ?? result.from?.id ?? '');
          const list = found.get(id);
          if (!list) continue;
          list.push(...result.to.map((target) => String(target.toObjectId)));
          if (result.paging?.next?.after) next.push({ id, after: result.paging.next.after });
        }
      }
      pending = next;
    }
    for (const [id, list] of found) found.set(id, [...new Set(list)].sort());
    return found;
  }

  /**
   * Adds (unlabeled) and removes associations with records of `toType`: one call per 100 pairs each way.
   * Removing takes away every association type between the pair.
   */
  async changeAssociations(
    toType: HubspotObjectType,
    add: ReadonlyArray<{ readonly id: string; readonly toId: string }>,
    remove: ReadonlyArray<{ readonly id: string; readonly toId: string }>,
  ): Promise<AssociationWriteOutcome[]> {
    const outcomes: AssociationWriteOutcome[] = [];
    for (const batch of chunks(add, HUBSPOT_BATCH_SIZE)) {
      const response = await this.call(
        'write',
        `associating ${batch.length} ${this.objectType} with ${toType}`,
        () =>
          this.client.crm.associations.v4.batchApi.createDefault(this.objectType, toType, {
            inputs: batch.map((pair) => ({ _from: { id: pair.id }, to: { id: pair.toId } })),
          }),
      );
      const errors = 'errors' in response ? (response.errors ?? []) : [];
      outcomes.push(...batch.map((pair) => this.associationOutcome(errors, pair.id)));
    }
    const byRecord = new Map<string, string[]>();
    for (const pair of remove) byRecord.set(pair.id, [...(byRecord.get(pair.id) ?? []), pair.toId]);
    for (const batch of chunks([...byRecord], HUBSPOT_BATCH_SIZE)) {
      await this.call('write', `dissociating ${batch.length} ${this.objectType} from ${toType}`, () =>
        this.client.crm.associations.v4.batchApi.archive(this.objectType, toType, {
          inputs: batch.map(([id, toIds]) => ({ _from: { id }, to: toIds.map((toId) => ({ id: toId })) })),
        }),
      );
    }
    return outcomes;
  }

  /**
   * The visible options of an enumeration property, in the portal's display order (a portal's own lifecycle
   * stages, for one). One call.
   */
  async propertyOptions(name: string): Promise<string[]> {
    const property = await this.call('read', `reading the ${this.objectType} property ${name}`, () =>
      this.client.crm.properties.coreApi.getByName(this.objectType, name),
    );
    return PropertyOptions.parse(property)
      .options.filter((option) => !option.hidden)
      .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
      .map((option) => option.value);
  }

  private async batchRead(
    inputs: Array<{ id: string }>,
    properties: readonly string[],
    history: readonly string[],
    options: { archived: boolean; idProperty?: string },
  ): Promise<HubspotRecord[]> {
    const what = `${options.archived ? 'archived ' : ''}${this.objectType}`;
    const response = await this.call('read', `reading ${inputs.length} ${what}`, () =>
      this.client.crm.objects.batchApi.read(
        this.objectType,
        {
          inputs,
          properties: [...properties],
          propertiesWithHistory: [...history],
          ...(options.idProperty ? { idProperty: options.idProperty } : {}),
        },
        options.archived,
      ),
    );
    return response.results.map((wire) => toHubspotRecord(this.objectType, wire, properties));
  }

  /** A record's part of an association batch: refused when one of HubSpot's errors names it. */
  private associationOutcome(errors: readonly unknown[], id: string): AssociationWriteOutcome {
    const named = errors.some((error) =>
      Object.values((error as { context?: Record<string, string[]> }).context ?? {}).some((values) =>
        values.includes(id),
      ),
    );
    return named
      ? { ok: false, id, failure: hubspotRecordFailure(this.objectType, errors, [id]) }
      : { ok: true, id };
  }

  /** Maps requested ids that were merged away to their survivor (by every merged-ids property). */
  private byMergedId(
    requested: readonly string[],
    records: readonly HubspotRecord[],
  ): Map<string, HubspotRecord> {
    const out = new Map<string, HubspotRecord>();
    const wanted = new Set(requested);
    for (const record of records) {
      for (const alias of mergedIdsOf(record)) if (wanted.has(alias)) out.set(alias, record);
    }
    return out;
  }

  /** One API call: through the gate (whose refusal passes through), bounded in time, errors mapped. */
  private async call<T>(kind: CallKind, action: string, run: () => Promise<T>): Promise<T> {
    await this.gate.acquire('hubspot', kind);
    try {
      return await withTimeout(run, this.callTimeoutMs, action);
    } catch (error) {
      throw toHubSpotError(error, action);
    }
  }

  /**
   * Runs a batch write in chunks of 100. A chunk HubSpot rejects as a whole for a reason that belongs to
   * some record (400 validation, 409 duplicate) is split until each bad record fails alone; a chunk that
   * fails for a reason that belongs to the call (auth, rate limit, outage) throws.
   */
  private async writeInBatches<T>(
    inputs: readonly T[],
    write: (batch: readonly T[]) => Promise<HubSpotWriteOutcome[]>,
  ): Promise<HubSpotWriteOutcome[]> {
    const outcomes: HubSpotWriteOutcome[] = [];
    for (const batch of chunks(inputs, HUBSPOT_BATCH_SIZE))
      outcomes.push(...(await this.writeIsolating(batch, write)));
    return outcomes;
  }

  private async writeIsolating<T>(
    batch: readonly T[],
    write: (batch: readonly T[]) => Promise<HubSpotWriteOutcome[]>,
  ): Promise<HubSpotWriteOutcome[]> {
    try {
      return await write(batch);
    } catch (error) {
      if (!(error instanceof HubSpotError) || (error.code !== 'rejected' && error.code !== 'conflict')) {
        throw error;
      }
      if (batch.length === 1) return [{ ok: false, failure: hubspotWriteFailure(this.objectType, error) }];
      const middle = Math.ceil(batch.length / 2);
      return [
        ...(await this.writeIsolating(batch.slice(0, middle), write)),
        ...(await this.writeIsolating(batch.slice(middle), write)),
      ];
    }
  }
}
