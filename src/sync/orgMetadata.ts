/**
 * What the sync must know about an installation's two systems besides records, cached per installation
 * for a few minutes: the Salesforce describe of Leads and Contacts (which fields exist, which are required
 * on create, which is the external id to upsert on), the owner directory (HubSpot owners and Salesforce
 * users, matched by email) and, when the sync writes it, the portal's own lifecycle stages. Reading these per record would multiply the calls; reading them per batch
 * would make every echo cost calls. A cache entry lives `ttlMs`; a settings change or an error that
 * suggests the org changed (an unknown field) drops it.
 */
import type { SalesforceObjectType } from '../domain/records';
import { requiredFieldsFromDescribe, type SalesforceFieldDescribe } from '../domain/settings/metadata';
import { indexOwners, type OwnerDirectory, type OwnerIndex } from '../domain/transforms/owner';
import { contactSalesforceTypes, type OrgFields } from '../settings/fields';

export const DEFAULT_METADATA_TTL_MS = 10 * 60_000;

export interface OrgMetadata {
  readonly describe: OrgFields;
  readonly requiredFields: Partial<Record<SalesforceObjectType, readonly string[]>>;
  readonly owners: OwnerIndex;
  /** The portal's own lifecycle stages, in order (read only when the sync writes the stage to HubSpot). */
  readonly lifecycleStages: readonly string[] | null;
}

/** How to read the metadata of one installation (through its clients and call gate). */
export interface MetadataReaders {
  describe(type: SalesforceObjectType): Promise<SalesforceFieldDescribe[]>;
  ownerDirectory(): Promise<OwnerDirectory>;
  /** The HubSpot contact lifecycle stages, in the portal's order. */
  lifecycleStages?(): Promise<string[]>;
}

interface Entry {
  describe?: { value: OrgFields; readAtMs: number };
  owners?: { value: OwnerIndex; readAtMs: number };
  stages?: { value: readonly string[]; readAtMs: number };
}

const NO_OWNERS = indexOwners({ hubspotOwners: [], salesforceUsers: [] });

export class OrgMetadataCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: { ttlMs?: number; now: () => number }) {}

  private fresh(readAtMs: number): boolean {
    return this.options.now() - readAtMs < (this.options.ttlMs ?? DEFAULT_METADATA_TTL_MS);
  }

  async get(
    installationId: string,
    readers: MetadataReaders,
    needs: { owners: boolean; lifecycleStages?: boolean },
  ): Promise<OrgMetadata> {
    const entry = this.entries.get(installationId) ?? {};
    if (!entry.describe || !this.fresh(entry.describe.readAtMs)) {
      const value: Partial<Record<SalesforceObjectType, SalesforceFieldDescribe[]>> = {};
      for (const type of contactSalesforceTypes) value[type] = await readers.describe(type);
      entry.describe = { value, readAtMs: this.options.now() };
    }
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
    this.entries.set(installationId, entry);
    const describe = entry.describe.value;
    const requiredFields: Partial<Record<SalesforceObjectType, readonly string[]>> = {};
    for (const type of contactSalesforceTypes) {
      const fields = describe[type];
      if (fields) requiredFields[type] = requiredFieldsFromDescribe(fields);
    }
    return {
      describe,
      requiredFields,
      owners: needs.owners ? (entry.owners?.value ?? NO_OWNERS) : NO_OWNERS,
      lifecycleStages: needs.lifecycleStages ? (entry.stages?.value ?? null) : null,
    };
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
