/**
 * What one installation's batch works with: its database handle, settings (as they can work in the org),
 * connectors bound to its clients and call gate, org metadata, the time of the batch and how failures are
 * settled. Built once per batch by syncBatch.ts.
 */
import type { Knex } from 'knex';
import type { HubSpotObjects } from '../connectors/hubspot/objects';
import type { SalesforceRecords } from '../connectors/salesforce/records';
import type { Settings } from '../domain/settings/schema';
import type { BackoffPolicy } from '../queue/backoff';
import type { QueueLogger } from '../queue/logger';
import type { ContactSalesforceType, OrgFields } from './fields';
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
  readonly hubspot: HubSpotObjects;
  readonly salesforce: Readonly<Record<ContactSalesforceType, SalesforceRecords>>;
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
  readonly salesforceFields: Readonly<Record<ContactSalesforceType, readonly string[]>>;
  /** The clock; plans of one batch share `nowMs` taken at its start. */
  readonly now: () => number;
  readonly nowMs: number;
  /** Ties the audit lines, link events and log lines of one batch together. */
  readonly correlationId: string;
  readonly logger: QueueLogger;
  readonly policy: SettlePolicy;
  readonly workerId: string | null;
}

export const BRIDGE_ACTOR = 'bridge';
