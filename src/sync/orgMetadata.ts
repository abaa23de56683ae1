/**
 * What the sync must know about an installation's two systems besides records, cached per installation
 * for a few minutes: the Salesforce describe of the synced objects (which fields exist, which are required
 * on create, which is the external id to upsert on), the owner directory (HubSpot owners and Salesforce
 * users, matched by email) and, when the sync writes it, the portal's own lifecycle stages. Reading these per record would multiply the calls; reading them per batch
 * would make every echo cost calls. A cache entry lives `ttlMs`; a settings change or an error that
 * suggests the org changed (an unknown field) drops it.
 *
 * The cache holds at most `maxInstallations` installations, dropping the one used longest ago: a describe of
 * the synced objects runs to hundreds of kilobytes per org, and a worker serving thousands of portals would
 * otherwise keep every one it ever synced.
 */
import type { SalesforceObjectType } from '../domain/records';
import { requiredFieldsFromDescribe, type SalesforceFieldDescribe } from '../domain/settings/metadata';
import { indexOwners, type OwnerDirectory, type OwnerIndex } from '../domain/transforms/owner';
import type { ObjectDescribe, RecordTypeRef } from '../connectors/salesforce/metadata';
import { contactSalesforceTypes, type OrgFields, type OrgRecordTypes } from '../settings/fields';

export const DEFAULT_METADATA_TTL_MS = 10 * 60_000;

/** Installations whose metadata a cache keeps unless told otherwise. */
export const DEFAULT_METADATA_MAX_INSTALLATIONS = 50;

export interface OrgMetadata {
  readonly describe: OrgFields;
  /** The record types each object's describe listed (Master left out). */
  readonly recordTypes: OrgRecordTypes;
  readonly requiredFields: Partial<Record<SalesforceObjectType, readonly string[]>>;
  readonly owners: OwnerIndex;
  /** The portal's own lifecycle stages, in order (read only when the sync writes the stage to HubSpot). */
  readonly lifecycleStages: readonly string[] | null;
}

/** How to read the metadata of one installation (through its clients and call gate). */
export interface MetadataReaders {
  describe(type: SalesforceObjectType): Promise<ObjectDescribe>;
  ownerDirectory(): Promise<OwnerDirectory>;
  /** The HubSpot contact lifecycle stages, in the portal's order. */
  lifecycleStages?(): Promise<string[]>;
}

interface Entry {
  /** Per Salesforce object: the describe of each object read so far. */
  describe?: Partial<Record<SalesforceObjectType, { value: ObjectDescribe; readAtMs: number }>>;
  owners?: { value: OwnerIndex; readAtMs: number };
  stages?: { value: readonly string[]; readAtMs: number };
}

const NO_OWNERS = indexOwners({ hubspotOwners: [], salesforceUsers: [] });

export class OrgMetadataCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: { ttlMs?: number; maxInstallations?: number; now: () => number }) {}

  /** How many installations the cache holds now. */
  get size(): number {
    return this.entries.size;
  }

  /** Stores an installation's entry as the most recent, dropping the least recently used past the bound. */
  private keep(installationId: string, entry: Entry): void {
    // A Map iterates in insertion order: deleting and setting again moves the entry to the end.
    this.entries.delete(installationId);
    this.entries.set(installationId, entry);
    const max = Math.max(1, this.options.maxInstallations ?? DEFAULT_METADATA_MAX_INSTALLATIONS);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(oldest);
    }
  }

  private fresh(readAtMs: number): boolean {
    return this.options.now() - readAtMs < (this.options.ttlMs ?? DEFAULT_METADATA_TTL_MS);
  }

  async get(
    installationId: string,
    readers: MetadataReaders,
    needs: { owners: boolean; lifecycleStages?: boolean; types?: readonly SalesforceObjectType[] },
  ): Promise<OrgMetadata> {
    const entry = this.entries.get(installationId) ?? {};
    const types = needs.types ?? contactSalesforceTypes;
    const described = entry.describe ?? {};
    for (const type of types) {
      const known = described[type];
      if (!known || !this.fresh(known.readAtMs)) {
        described[type] = { value: await readers.describe(type), readAtMs: this.options.now() };
      }
    }
    entry.describe = described;
    if (needs.owners && (!entry.owners || !this.fresh(entry.owners.readAtMs))) {
      entry.owners = { value: indexOwners(await readers.ownerDirectory()), readAtMs: this.options.now() };
    }
    if (
      needs.lifecycleStages &&
      readers.lifecycleStages &&
      (!entry.stages || !this.fresh(entry.stages.readAtMs))
    ) {
      entry.stages = { value: await readers.lifecycleStages(), readAtMs: this.options.now() };
    }
    this.keep(installationId, entry);
    const describe: Partial<Record<SalesforceObjectType, SalesforceFieldDescribe[]>> = {};
    const recordTypes: Partial<Record<SalesforceObjectType, readonly RecordTypeRef[]>> = {};
    const requiredFields: Partial<Record<SalesforceObjectType, readonly string[]>> = {};
    for (const type of types) {
      const object = described[type]?.value;
      if (!object) continue;
      describe[type] = object.fields;
      recordTypes[type] = object.recordTypes;
      requiredFields[type] = requiredFieldsFromDescribe(object.fields);
    }
    return {
      describe,
      recordTypes,
      requiredFields,
      owners: needs.owners ? (entry.owners?.value ?? NO_OWNERS) : NO_OWNERS,
      lifecycleStages: needs.lifecycleStages ? (entry.stages?.value ?? null) : null,
    };
  }

  /** The Salesforce describe read so far for an installation, without reading anything (null: none yet). */
  cachedDescribe(installationId: string): OrgFields | null {
    const described = this.entries.get(installationId)?.describe;
    if (!described) return null;
    const fields: Partial<Record<SalesforceObjectType, SalesforceFieldDescribe[]>> = {};
    for (const [type, entry] of Object.entries(described) as [
      SalesforceObjectType,
      { value: ObjectDescribe },
    ][]) {
      fields[type] = entry.value.fields;
    }
    return fields;
  }

  forget(installationId: string): void {
    this.entries.delete(installationId);
  }

  /** Drops only the describe (the owner directory stays): the next `get` reads the objects afresh. */
  forgetDescribe(installationId: string): void {
    const entry = this.entries.get(installationId);
    if (entry) delete entry.describe;
  }
}
