/**
 * HubSpot CRM objects for the sync engine: batch reads, the last-modified search poll and batch writes,
 * turning wire objects into canonical HubspotRecords and per-record write outcomes.
 *
 * Every call is a batch call: reads take 100 ids per call (50 when property history is asked for, HubSpot's
 * limit), the search poll 200 records per page, writes 100 inputs per call. A whole call that fails
 * (401, 429, 5xx, network) throws a HubSpotError for the caller to retry later; a write rejected for some of
 * its records yields a failure for those records only. When HubSpot rejects a whole batch for one bad
 * value (it answers 400 for the batch, not per record), the batch is split in halves until the bad records
 * are isolated, so the good ones still land.
 */
import type { Client } from '@hubspot/api-client';
import { z } from 'zod';
import type { SyncFailure } from '../../domain/failures';
import type { HubspotObjectType, HubspotRecord } from '../../domain/records';
import { openGate, type CallGate, type CallKind } from '../gate';
import { toHubSpotError, type HubSpotError } from './errors';
import { hubspotRecordFailure, hubspotWriteFailure } from './record-failures';

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
 * A wire object as a canonical record. Every requested property gets a key (null when HubSpot holds no
 * value), so "not read" and "blank" stay distinct.
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
    const newest = Math.max(...history.map((entry) => epochMs(entry.timestamp)).filter(Number.isFinite));
    if (Number.isFinite(newest)) propertyTimestampsMs[name] = newest;
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
  | { readonly ok: true; readonly id: string; readonly created: boolean; readonly record: HubspotRecord }
  | { readonly ok: false; readonly failure: SyncFailure };

export interface UpdateInput {
  readonly id: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface UpsertInput {
  /** The value of the unique property the upsert keys on. */
  readonly idValue: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface SearchPage {
  readonly records: HubspotRecord[];
  /** Opaque paging token for the next page, absent on the last page. */
  readonly after: string | null;
  readonly total: number;
}

/** One HubSpot object type of one portal. Stateless apart from the client it wraps. */
export class HubSpotObjects {
  constructor(
    private readonly client: Client,
    readonly objectType: HubspotObjectType,
    private readonly gate: CallGate = openGate,
  ) {}

  private pass(kind: CallKind): Promise<void> {
    return this.gate.acquire('hubspot', kind);
  }

  /** Live (not archived) records by id; ids HubSpot does not know are absent from the map. */
  async readByIds(
    ids: readonly string[],
    properties: readonly string[],
    options: ReadOptions = {},
  ): Promise<Map<string, HubspotRecord>> {
    const history = options.historyFor ?? [];
    const size = history.length > 0 ? HUBSPOT_HISTORY_BATCH_SIZE : HUBSPOT_BATCH_SIZE;
    const found = new Map<string, HubspotRecord>();
    for (const batch of chunks([...new Set(ids)], size)) {
      const records = await this.batchRead(
        batch.map((id) => ({ id })),
        properties,
        history,
        undefined,
      );
      for (const record of records) found.set(record.id, record);
      // A merged-away id resolves to the survivor, whose id differs from the one asked for.
      for (const [requested, record] of this.byRequestedId(batch, records)) found.set(requested, record);
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
      out.push(
        ...(await this.batchRead(
          batch.map((id) => ({ id })),
          properties,
          history,
          idProperty,
        )),
      );
    }
    return out;
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
    try {
      await this.pass('search');
      const page = await this.client.crm.objects.searchApi.doSearch(this.objectType, request);
      return {
        records: page.results.map((wire) => toHubspotRecord(this.objectType, wire, properties)),
        after: page.paging?.next?.after ?? null,
        total: page.total,
      };
    } catch (error) {
      throw toHubSpotError(
        error,
        `searching ${this.objectType} modified since ${new Date(sinceMs).toISOString()}`,
      );
    }
  }

  /** Updates existing records; one outcome per input, in input order. */
  async update(
    inputs: readonly UpdateInput[],
    returnProperties: readonly string[],
  ): Promise<HubSpotWriteOutcome[]> {
    return this.writeInBatches(inputs, async (batch) => {
      await this.pass('write');
      const response = await this.client.crm.objects.batchApi.update(this.objectType, {
        inputs: batch.map((input) => ({ id: input.id, properties: { ...input.properties } })),
      });
      return this.matchById(
        batch.map((input) => input.id),
        response,
        returnProperties,
        false,
      );
    });
  }

  /**
   * Creates records idempotently: an upsert keyed on a unique property (the Salesforce id), so a create
   * retried after a crash finds the record the first attempt made instead of making a second.
   */
  async upsert(
    idProperty: string,
    inputs: readonly UpsertInput[],
    returnProperties: readonly string[],
  ): Promise<HubSpotWriteOutcome[]> {
    return this.writeInBatches(inputs, async (batch) => {
      await this.pass('write');
      const response = await this.client.crm.objects.batchApi.upsert(this.objectType, {
        inputs: batch.map((input) => ({
          idProperty,
          id: input.idValue,
          properties: { ...input.properties, [idProperty]: input.idValue },
        })),
      });
      const results = z
        .array(z.object({ properties: z.record(z.string(), z.string().nullable().optional()) }).loose())
        .parse(response.results);
      const byKey = new Map<string, { wire: unknown; created: boolean }>();
      for (const wire of results) {
        const key = wire.properties[idProperty];
        const created =
          (wire as { _new?: boolean; new?: boolean })._new ?? (wire as { new?: boolean }).new ?? false;
        if (key) byKey.set(key, { wire, created });
      }
      const errors = 'errors' in response ? (response.errors ?? []) : [];
      return batch.map((input) => {
        const hit = byKey.get(input.idValue);
        if (hit) {
          return {
            ok: true,
            id: (hit.wire as { id: string }).id,
            created: hit.created,
            record: toHubspotRecord(this.objectType, hit.wire, returnProperties),
          };
        }
        return { ok: false, failure: hubspotRecordFailure(this.objectType, errors, [input.idValue]) };
      });
    });
  }

  private async batchRead(
    inputs: Array<{ id: string }>,
    properties: readonly string[],
    history: readonly string[],
    idProperty: string | undefined,
  ): Promise<HubspotRecord[]> {
    try {
      await this.pass('read');
      const response = await this.client.crm.objects.batchApi.read(
        this.objectType,
        {
          inputs,
          properties: [...properties],
          propertiesWithHistory: [...history],
          ...(idProperty ? { idProperty } : {}),
        },
        false,
      );
      return response.results.map((wire) => toHubspotRecord(this.objectType, wire, properties));
    } catch (error) {
      throw toHubSpotError(error, `reading ${inputs.length} ${this.objectType}`);
    }
  }

  /** Maps each requested id to its record, following merges (hs_merged_object_ids / merged vids). */
  private byRequestedId(
    requested: readonly string[],
    records: readonly HubspotRecord[],
  ): Map<string, HubspotRecord> {
    const out = new Map<string, HubspotRecord>();
    const wanted = new Set(requested);
    for (const record of records) {
      const aliases =
        `${record.properties.hs_merged_object_ids ?? ''};${record.properties.hs_calculated_merged_vids ?? ''}`
          .split(/[;,]/)
          .map((part) => part.split(':')[0]?.trim() ?? '')
          .filter((part) => part.length > 0);
      for (const alias of aliases) if (wanted.has(alias)) out.set(alias, record);
    }
    return out;
  }

  private matchById(
    ids: readonly string[],
    response: { results: unknown[]; errors?: unknown[] },
    returnProperties: readonly string[],
    created: boolean,
  ): HubSpotWriteOutcome[] {
    const byId = new Map<string, HubspotRecord>();
    for (const wire of response.results) {
      const record = toHubspotRecord(this.objectType, wire, returnProperties);
      byId.set(record.id, record);
    }
    const errors = response.errors ?? [];
    return ids.map((id) => {
      const record = byId.get(id);
      if (record) return { ok: true, id, created, record };
      return { ok: false, failure: hubspotRecordFailure(this.objectType, errors, [id]) };
    });
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
      const mapped: HubSpotError = toHubSpotError(error, `writing ${batch.length} ${this.objectType}`);
      if (mapped.code !== 'rejected' && mapped.code !== 'conflict') throw mapped;
      if (batch.length === 1) return [{ ok: false, failure: hubspotWriteFailure(this.objectType, error) }];
      const middle = Math.ceil(batch.length / 2);
      return [
        ...(await this.writeIsolating(batch.slice(0, middle), write)),
        ...(await this.writeIsolating(batch.slice(middle), write)),
      ];
    }
  }
}
