/**
 * What one installation's batch works with: its database handle, settings (as they can work in the org),
 * connectors bound to its clients and call gate, org metadata, the time of the batch and how failures are
 * settled. Built once per batch (`buildContext`), from the worker's `SyncDeps`.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { openGate, type CallGate } from '../connectors/gate';
import { HubSpotObjects } from '../connectors/hubspot/records';
import { listHubSpotOwners } from '../connectors/hubspot/owners';
import { describeObject, listSalesforceUsers } from '../connectors/salesforce/metadata';
import { SalesforceRecords } from '../connectors/salesforce/records';
import * as installations from '../db/installations';
import { LIFECYCLE_STAGE_PROPERTY } from '../domain/lifecycleStages';
import { salesforceObjectTypes, type HubspotObjectType, type SalesforceObjectType } from '../domain/records';
import {
  hubspotPropertiesToRead,
  salesforceFieldsToRead,
  salesforceTypesOf,
  settingsForOrg,
} from '../settings/fields';
import type { ClientSource, InstallationClients } from '../auth/clients';
import type { OrgMetadataCache } from './orgMetadata';
import type { HubSpotRecordsPort, SalesforceRecordsPort } from './ports';
import type { ObjectSettings, Settings } from '../domain/settings/schema';
import { defaultBackoff, type BackoffPolicy } from '../queue/backoff';
import { silentLogger, withLogFields, type Logger } from '../logger';
import { silentMetrics, type Metrics } from '../metrics';
import type { OrgFields } from '../settings/fields';
import type { OrgMetadata } from './orgMetadata';

export interface SettlePolicy {
  /** Attempts before a record that keeps failing transiently becomes a dead letter. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** A number in [0, 1) for backoff jitter. */
  readonly random: () => number;
  /** How long work another worker holds the other side of is put back for. */
  readonly contendedRetryMs: number;
  /**
   * How long a round waits for write calls that got no answer in time to end before their records are
   * written again (see inDoubt.ts); default 30 s.
   */
  readonly abandonedWriteWaitMs?: number;
}

export interface BatchContext {
  readonly db: Knex;
  readonly installationId: string;
  readonly settings: Settings;
  /** The HubSpot object this batch syncs; its Salesforce objects are `salesforceTypes`. */
  readonly objectType: HubspotObjectType;
  /** The Salesforce objects of `objectType`, in the order they are read, matched and written. */
  readonly salesforceTypes: readonly SalesforceObjectType[];
  readonly hubspot: HubSpotRecordsPort;
  readonly salesforce: Readonly<Record<SalesforceObjectType, SalesforceRecordsPort>>;
  readonly metadata: OrgMetadata;
  /**
   * Reads the org's describe afresh (and keeps it for the next batches), after Salesforce refused a request
   * for a field it does not know. Absent: the batch's metadata stands.
   */
  readonly refreshSalesforceDescribe?: () => Promise<OrgFields>;
  /** The Salesforce user the bridge acts as (CreatedById of what it creates), when known. */
  readonly salesforceUserId: string | null;
  /** The org's instance URL, for links to Salesforce records. */
  readonly instanceUrl: string;
  readonly hubspotProperties: readonly string[];
  readonly salesforceFields: Readonly<Record<SalesforceObjectType, readonly string[]>>;
  /** The clock; plans of one batch share `nowMs` taken at its start. */
  readonly now: () => number;
  readonly nowMs: number;
  /** Ties the audit lines, link events and log lines of one batch together (`logger` adds it to each). */
  readonly correlationId: string;
  readonly logger: Logger;
  readonly policy: SettlePolicy;
  readonly workerId: string | null;
  /** Told how rows settle and when changes are written (src/metrics.ts). */
  readonly metrics: Metrics;
}

export const BRIDGE_ACTOR = 'bridge';

function bySalesforceType<T>(make: (type: SalesforceObjectType) => T): Record<SalesforceObjectType, T> {
  return Object.fromEntries(salesforceObjectTypes.map((type) => [type, make(type)])) as Record<
    SalesforceObjectType,
    T
  >;
}

export interface SyncDeps {
  readonly db: Knex;
  readonly clients: ClientSource;
  /** The call gate of an installation (rate limits, API budget). Default: no limits. */
  readonly gateFor?: (installationId: string) => CallGate;
  readonly metadata: OrgMetadataCache;
  readonly now: () => number;
  readonly logger: Logger;
  readonly policy: SettlePolicy;
  readonly callTimeoutMs?: number;
  /** How long the rows of a paused installation, or one whose connection is unusable, wait to be looked at again. */
  readonly blockedRetryMs: number;
  /** Named in the log lines that say which records this worker holds. */
  readonly workerId?: string;
  /** The batch's correlation id, set by syncInstallationBatch; a context built on its own makes one. */
  readonly correlationId?: string;
  /** Default: none. */
  readonly metrics?: Metrics;
}

/**
 * The dependencies of a look that writes nothing (the card's dry run, the settings preview): one attempt,
 * no retry waits, and no log lines of its own.
 */
export function previewSyncDeps(
  deps: Pick<SyncDeps, 'db' | 'clients' | 'gateFor' | 'metadata' | 'now'>,
): SyncDeps {
  return {
    db: deps.db,
    clients: deps.clients,
    ...(deps.gateFor ? { gateFor: deps.gateFor } : {}),
    metadata: deps.metadata,
    now: deps.now,
    logger: silentLogger,
    policy: { maxAttempts: 1, backoff: defaultBackoff, random: Math.random, contendedRetryMs: 0 },
    blockedRetryMs: 0,
  };
}

export async function buildContext(
  deps: SyncDeps,
  installationId: string,
  settings: Settings,
  clients: InstallationClients,
  objectType: HubspotObjectType = 'contacts',
): Promise<BatchContext> {
  const gate = deps.gateFor?.(installationId) ?? openGate;
  const options = {
    gate,
    ...(deps.callTimeoutMs ? { callTimeoutMs: deps.callTimeoutMs } : {}),
  };
  const objectSettings: ObjectSettings = settings.objects[objectType];
  const needsOwners = objectSettings.fields.some(
    (mapping) => mapping.transform.kind === 'owner' && mapping.rule !== 'none',
  );
  const hubspot = new HubSpotObjects(clients.hubspot, objectType, options);
  // The portal's own stages matter only when the sync writes the stage to HubSpot.
  const needsStages = objectSettings.fields.some(
    (mapping) =>
      mapping.hubspotProperty === LIFECYCLE_STAGE_PROPERTY &&
      mapping.rule !== 'none' &&
      mapping.rule !== 'hubspot',
  );
  const readers = {
    lifecycleStages: () => hubspot.propertyOptions(LIFECYCLE_STAGE_PROPERTY),
    describe: (type: SalesforceObjectType) => describeObject(clients.salesforce, type, options),
    ownerDirectory: async () => ({
      hubspotOwners: [...(await listHubSpotOwners(clients.hubspot, options))],
      salesforceUsers: [...(await listSalesforceUsers(clients.salesforce, options))],
    }),
  };
  const types = salesforceTypesOf[objectType];
  const metadata = await deps.metadata.get(installationId, readers, {
    owners: needsOwners,
    lifecycleStages: needsStages,
    types,
  });
  const effective = settingsForOrg(settings, metadata.describe, metadata.recordTypes);
  const installation = await installations.findById(deps.db, installationId);
  const nowMs = deps.now();
  const correlationId = deps.correlationId ?? crypto.randomUUID();
  return {
    db: deps.db,
    installationId,
    settings: effective,
    objectType,
    salesforceTypes: types,
    hubspot,
    salesforce: bySalesforceType((type) => new SalesforceRecords(clients.salesforce, type, options)),
    metadata,
    refreshSalesforceDescribe: async () => {
      deps.metadata.forgetDescribe(installationId);
      return (
        await deps.metadata.get(installationId, readers, {
          owners: false,
          types,
        })
      ).describe;
    },
    salesforceUserId: installation?.salesforce.userId ?? null,
    instanceUrl: clients.salesforce.instanceUrl,
    hubspotProperties: hubspotPropertiesToRead(effective, objectType),
    salesforceFields: bySalesforceType((type) => salesforceFieldsToRead(effective, type)),
    now: deps.now,
    nowMs,
    correlationId,
    logger: withLogFields(deps.logger, { correlationId, installationId }),
    policy: deps.policy,
    workerId: deps.workerId ?? null,
    metrics: deps.metrics ?? silentMetrics,
  };
}
