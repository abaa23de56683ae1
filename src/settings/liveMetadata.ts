/**
 * The live metadata a settings document is checked against: the HubSpot property definitions of each synced
 * object type (one call per type) and the Salesforce describe of each synced object (one call per object),
 * through the installation's budget like every other call.
 *
 * Cached per installation for a few minutes: the settings page reads and saves repeatedly while an admin
 * works, and metadata changes rarely. A save that the cached metadata would refuse is checked once more
 * against fresh metadata, so a field created in Salesforce a minute ago is found (see saveSettings).
 */
import { z } from 'zod';
import type { ClientsBySide } from '../auth/clients';
import type { CallBudget } from '../connectors/gate';
import { toHubSpotError } from '../connectors/hubspot/errors';
import { describeObject } from '../connectors/salesforce/metadata';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../connectors/timeout';
import type { HubspotObjectType, SalesforceObjectType } from '../domain/records';
import {
  DealPipelineSchema,
  HubspotPropertyDefinitionSchema,
  type DealPipeline,
  type HubspotPropertyDefinition,
  type LiveMetadata,
  type SalesforceFieldDescribe,
} from '../domain/settings/metadata';
import { enabledHubspotObjects, enabledSalesforceTypes } from '../domain/settings/readLists';
import type { Settings } from '../domain/settings/schema';
import type { Logger } from '../logger';

export const METADATA_TTL_MS = 5 * 60_000;

export interface MetadataDeps {
  clients: ClientsBySide;
  budget: CallBudget;
  now: () => number;
  logger: Logger;
}

export interface MetadataRead {
  metadata: LiveMetadata;
  /** Why an object's metadata is missing (validation then says it could not check it). */
  problems: string[];
  /** True when every object came from the cache. */
  cached: boolean;
}

interface Cached<T> {
  value: T;
  readAt: number;
}

const PropertiesSchema = z.array(HubspotPropertyDefinitionSchema);
const PipelinesSchema = z.array(DealPipelineSchema);

export class LiveMetadataReader {
  private readonly hubspot = new Map<string, Cached<HubspotPropertyDefinition[]>>();
  private readonly salesforce = new Map<
    string,
    Cached<{ fields: SalesforceFieldDescribe[]; recordTypes: string[] }>
  >();
  private readonly pipelines = new Map<string, Cached<DealPipeline[]>>();

  constructor(
    private readonly deps: MetadataDeps,
    private readonly options: { ttlMs?: number } = {},
  ) {}

  /** The metadata of every object `settings` syncs; `fresh` skips the cache. */
  async read(
    installationId: string,
    settings: Settings,
    options: { fresh?: boolean } = {},
  ): Promise<MetadataRead> {
    const metadata: {
      hubspot: Partial<Record<HubspotObjectType, readonly HubspotPropertyDefinition[]>>;
      salesforce: Partial<Record<SalesforceObjectType, readonly SalesforceFieldDescribe[]>>;
      dealPipelines?: readonly DealPipeline[];
      recordTypes: Partial<Record<SalesforceObjectType, readonly string[]>>;
    } = { hubspot: {}, salesforce: {}, recordTypes: {} };
    const problems: string[] = [];
    let cached = true;
    const gate = this.deps.budget.gateFor(installationId);

    const objects = enabledHubspotObjects(settings);
    if (objects.length > 0) {
      let client: Awaited<ReturnType<ClientsBySide['hubspot']>> | null = null;
      for (const object of objects) {
        const hit = this.fromCache(this.hubspot, `${installationId}:${object}`, options.fresh);
        if (hit) {
          metadata.hubspot[object] = hit;
          continue;
        }
        cached = false;
        client ??= await this.deps.clients.hubspot(installationId);
        if (!client.ok) {
          problems.push(`HubSpot ${object} properties: ${client.error.message}`);
          continue;
        }
        try {
          await gate.acquire('hubspot', 'read');
          const action = `reading the ${object} property definitions`;
          const hubspot = client.value;
          const response = await withTimeout(
            () => hubspot.crm.properties.coreApi.getAll(object, false),
            DEFAULT_CALL_TIMEOUT_MS,
            action,
          ).catch((error: unknown) => {
            throw toHubSpotError(error, action);
          });
          const definitions = PropertiesSchema.parse(JSON.parse(JSON.stringify(response.results)));
          this.hubspot.set(`${installationId}:${object}`, { value: definitions, readAt: this.deps.now() });
          metadata.hubspot[object] = definitions;
        } catch (error) {
          problems.push(`HubSpot ${object} properties: ${messageOf(error)}`);
        }
      }
      // The deal stage map is checked against the pipelines: one call, cached like the properties.
      if (objects.includes('deals')) {
        const hit = this.fromCache(this.pipelines, installationId, options.fresh);
        if (hit) metadata.dealPipelines = hit;
        else {
          cached = false;
          client ??= await this.deps.clients.hubspot(installationId);
          if (!client.ok) problems.push(`HubSpot deal pipelines: ${client.error.message}`);
          else {
            try {
              await gate.acquire('hubspot', 'read');
              const action = 'reading the deal pipelines';
              const hubspot = client.value;
              const response = await withTimeout(
                () => hubspot.crm.pipelines.pipelinesApi.getAll('deals'),
                DEFAULT_CALL_TIMEOUT_MS,
                action,
              ).catch((error: unknown) => {
                throw toHubSpotError(error, action);
              });
              const pipelines = PipelinesSchema.parse(JSON.parse(JSON.stringify(response.results)));
              this.pipelines.set(installationId, { value: pipelines, readAt: this.deps.now() });
              metadata.dealPipelines = pipelines;
            } catch (error) {
              problems.push(`HubSpot deal pipelines: ${messageOf(error)}`);
            }
          }
        }
      }
    }

    const types = enabledSalesforceTypes(settings);
    if (types.length > 0) {
      let connection: Awaited<ReturnType<ClientsBySide['salesforce']>> | null = null;
      for (const type of types) {
        const hit = this.fromCache(this.salesforce, `${installationId}:${type}`, options.fresh);
        if (hit) {
          metadata.salesforce[type] = hit.fields;
          metadata.recordTypes[type] = hit.recordTypes;
          continue;
        }
        cached = false;
        connection ??= await this.deps.clients.salesforce(installationId);
        if (!connection.ok) {
          problems.push(`Salesforce ${type} fields: ${connection.error.message}`);
          continue;
        }
        try {
          const object = await describeObject(connection.value, type, { gate });
          const described = {
            fields: object.fields,
            recordTypes: object.recordTypes.map((recordType) => recordType.developerName),
          };
          this.salesforce.set(`${installationId}:${type}`, { value: described, readAt: this.deps.now() });
          metadata.salesforce[type] = described.fields;
          metadata.recordTypes[type] = described.recordTypes;
        } catch (error) {
          problems.push(`Salesforce ${type} fields: ${messageOf(error)}`);
        }
      }
    }
    await gate.settled();
    if (problems.length > 0) {
      this.deps.logger.warn({ installationId, problems }, `live metadata incomplete: ${problems.join('; ')}`);
    }
    return { metadata, problems, cached };
  }

  private fromCache<T>(cache: Map<string, Cached<T>>, key: string, fresh: boolean | undefined): T | null {
    const entry = cache.get(key);
    if (!entry || fresh) return null;
    if (this.deps.now() - entry.readAt >= (this.options.ttlMs ?? METADATA_TTL_MS)) return null;
    return entry.value;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
