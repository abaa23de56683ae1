/**
 * A sync engine under test: a fresh database (SQLite or PostgreSQL), an installation, a HubSpot portal with
 * the bridge's properties and owners matching the Salesforce users, a Salesforce org, clients made the way
 * the bridge makes them, and a manual clock. `drain()` claims and syncs until nothing is due, moving the
 * clock to the next retry when only retries wait: retries and backoff run without real waiting (the HubSpot
 * emulator's clock skips the wait too, so a rate-limit window the backoff waited out is over).
 */
import type { Client } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import * as dirty from '../../src/db/dirty';
import type { RecordRef } from '../../src/db/recordRefs';
import * as settingsTable from '../../src/db/settings';
import { ok } from '../../src/domain/result';
import { defaultSettingsInput } from '../../src/domain/settings/defaults';
import type { SettingsInput } from '../../src/domain/settings/schema';
import type { CallGate } from '../../src/connectors/gate';
import { claimBatch } from '../../src/queue/claim';
import { recoverExpiredLeases } from '../../src/queue/leases';
import type { ClientSource } from '../../src/auth/clients';
import { OrgMetadataCache } from '../../src/sync/orgMetadata';
import { toDirtyPayload, type DirtyPayload } from '../../src/queue/payload';
import { syncInstallationBatch, type SyncDeps } from '../../src/sync/batch';
import type { BatchSummary } from '../../src/sync/batch';
import type { HubSpotEmulator } from '../emulators/hubspot';
import type { SalesforceEmulator } from '../emulators/salesforce';
import { insertInstallation } from '../factories/storage';
import { recordingLogger } from '../fakes/recordingLogger';
import { createTestDb, type TestDb } from './db';
import { createAppProperties, hubspotClientFor, salesforceConnectionFor } from './syncEmulators';

export interface HarnessOptions {
  settings?: (defaults: SettingsInput) => SettingsInput;
  gate?: CallGate;
  callTimeoutMs?: number;
  maxAttempts?: number;
  /** How long a round waits for writes that got no answer in time (default 30 s). */
  abandonedWriteWaitMs?: number;
}

export interface Harness {
  testDb: TestDb;
  installationId: string;
  portalId: number;
  hubspot: Client;
  salesforce: Connection;
  hubspotEmulator: HubSpotEmulator;
  salesforceEmulator: SalesforceEmulator;
  clock: { now(): number; advance(ms: number): void };
  logger: ReturnType<typeof recordingLogger>;
  deps: SyncDeps;
  /** Marks a record dirty as change detection would. */
  mark(record: RecordRef, payload?: DirtyPayload, source?: dirty.MarkSource): Promise<void>;
  markHubspot(id: string, payload?: DirtyPayload): Promise<void>;
  markSalesforce(type: 'Lead' | 'Contact', id: string, payload?: DirtyPayload): Promise<void>;
  /** Claims and syncs until nothing is pending (advancing the clock over backoff); returns the summaries. */
  drain(options?: { maxBatches?: number }): Promise<BatchSummary[]>;
  saveSettings(settings: SettingsInput): Promise<void>;
  /** API calls made since the last resetCalls(), per route, for this portal and org. */
  calls(): Promise<ApiCalls>;
  resetCalls(): Promise<void>;
  destroy(): Promise<void>;
}

export interface ApiCalls {
  hubspot: Record<string, number>;
  salesforce: Record<string, number>;
}

const sum = (routes: Record<string, number>, pattern: RegExp) =>
  Object.entries(routes)
    .filter(([route]) => pattern.test(route))
    .reduce((total, [, count]) => total + count, 0);

/** Calls that write: HubSpot batch create/update/upsert, Salesforce collection and sObject writes. */
export function writeCalls(calls: ApiCalls): { hubspot: number; salesforce: number } {
  return {
    hubspot: sum(
      calls.hubspot,
      /^(POST \/crm\/v3\/objects\/\w+\/batch\/(update|upsert|create)|PATCH|DELETE)/,
    ),
    salesforce: sum(calls.salesforce, /^(POST|PATCH|DELETE) \/services\/data/),
  };
}

export function totalCalls(calls: ApiCalls): { hubspot: number; salesforce: number } {
  return { hubspot: sum(calls.hubspot, /./), salesforce: sum(calls.salesforce, /./) };
}

let portalSequence = 70_000;

export async function createHarness(
  dialect: 'sqlite' | 'postgres',
  hubspotEmulator: HubSpotEmulator,
  salesforceEmulator: SalesforceEmulator,
  options: HarnessOptions = {},
): Promise<Harness> {
  const testDb = await createTestDb(dialect);
  const installationId = await insertInstallation(testDb.db);
  portalSequence += 1;
  const portalId = portalSequence;
  await hubspotEmulator.control.createPortal(portalId);
  const hubspot = await hubspotClientFor(hubspotEmulator, portalId);
  await createAppProperties(hubspot);
  // The same people own records in both systems: Salesforce's users are HubSpot owners too.
  const users = await salesforceEmulator.control.listUsers();
  for (const user of users) {
    if (user.email) await hubspotEmulator.control.addOwner(portalId, { email: user.email });
  }
  // The connection logs in as the org's admin, as the install stores it.
  const integrationUser = users.find((user) => user.role === 'admin');
  await testDb
    .db('installations')
    .where({ id: installationId })
    .update({ salesforce_user_id: integrationUser?.id ?? null });
  const salesforce = await salesforceConnectionFor(salesforceEmulator);
  let nowMs = Date.now();
  const clock = { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
  const clients: ClientSource = { clientsFor: async () => ok({ hubspot, salesforce }) };
  const logger = recordingLogger();
  const deps: SyncDeps = {
    db: testDb.db,
    clients,
    ...(options.gate ? { gateFor: () => options.gate as CallGate } : {}),
    metadata: new OrgMetadataCache({ now: clock.now }),
    now: clock.now,
    logger,
    policy: {
      maxAttempts: options.maxAttempts ?? 8,
      backoff: { baseDelayMs: 1_000, maxDelayMs: 60_000 },
      random: () => 0.5,
      contendedRetryMs: 1_000,
      ...(options.abandonedWriteWaitMs !== undefined
        ? { abandonedWriteWaitMs: options.abandonedWriteWaitMs }
        : {}),
    },
    callTimeoutMs: options.callTimeoutMs ?? 5_000,
    blockedRetryMs: 60_000,
  };
  const harness: Harness = {
    testDb,
    installationId,
    portalId,
    hubspot,
    salesforce,
    hubspotEmulator,
    salesforceEmulator,
    clock,
    logger,
    deps,
    async mark(record, payload, source = 'webhook') {
      await dirty.mark(
        testDb.db,
        { installationId, record, source, payload: payload ? toDirtyPayload(payload) : null },
        clock.now(),
      );
    },
    markHubspot(id, payload) {
      return harness.mark({ side: 'hubspot', objectType: 'contacts', recordId: id }, payload);
    },
    markSalesforce(type, id, payload) {
      return harness.mark({ side: 'salesforce', objectType: type, recordId: id }, payload, 'poll');
    },
    async drain({ maxBatches = 50 } = {}) {
      const summaries: BatchSummary[] = [];
      for (let batch = 0; batch < maxBatches; batch += 1) {
        await recoverExpiredLeases(testDb.db, { now: clock.now(), maxAttempts: deps.policy.maxAttempts });
        const claims = await claimBatch(testDb.db, {
          workerId: 'test-worker',
          now: clock.now(),
          maxBatchSize: 100,
          leaseMs: 600_000,
          maxAttempts: deps.policy.maxAttempts,
        });
        if (claims.length === 0) {
          const next = (await testDb
            .db('dirty')
            .where({ installation_id: installationId, state: 'pending' })
            .min({ due: 'next_attempt_at' })
            .first()) as { due: number | string | null } | undefined;
          if (next?.due === null || next?.due === undefined) return summaries;
          const waitMs = Math.max(1, Number(next.due) - clock.now());
          clock.advance(waitMs);
          // The wait passes for HubSpot too: its rolling rate-limit windows empty as they would have.
          await hubspotEmulator.control.advanceClock(waitMs);
          continue;
        }
        summaries.push(await syncInstallationBatch(deps, installationId, claims));
        clock.advance(1);
      }
      throw new Error(`the queue did not drain in ${maxBatches} batches`);
    },
    async saveSettings(settings) {
      const current = await settingsTable.history(testDb.db, installationId);
      const saved = await settingsTable.save(
        testDb.db,
        installationId,
        {
          document: settings as unknown as Record<string, never>,
          createdBy: 'test',
          baseVersion: current[0]?.version ?? 0,
        },
        clock.now(),
      );
      if (!saved.ok) throw new Error('settings were not saved');
    },
    async calls() {
      const hubspotCalls = await hubspotEmulator.control.calls();
      const salesforceCalls = await salesforceEmulator.control.calls();
      return {
        hubspot: hubspotCalls.byPortal[String(portalId)]?.byRoute ?? {},
        salesforce: salesforceCalls.byRoute,
      };
    },
    async resetCalls() {
      await hubspotEmulator.control.resetCalls();
      await salesforceEmulator.control.resetCalls();
    },
    destroy: () => testDb.destroy(),
  };
  if (options.settings) await harness.saveSettings(options.settings(structuredClone(defaultSettingsInput)));
  return harness;
}
