/**
 * Change detection end to end: both emulators, a real database, the bridge's HTTP server on a free port,
 * installations made through the real install flow, the app's webhook subscriptions set on the HubSpot
 * emulator, and change detection's dependencies from the server's own app context. The clock is the real
 * one (webhook signatures and leases compare it with the emulators'), with an offset a test may move forward.
 */
import { Client } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import type { ChangeDetectionDeps } from '../../../src/changes/start';
import * as dirty from '../../../src/db/dirty';
import * as installations from '../../../src/db/installations';
import type { Dialect } from '../../../src/db/knex';
import type { Budget } from '../../../src/budget/budget';
import { startSyncWorker, type SyncWorker } from '../../../src/sync/worker';
import { PollDispatcher } from '../../../src/changes/pollDispatcher';
import { startHubSpotEmulator, type HubSpotEmulator } from '../../emulators/hubspot';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import { TEST_HUBSPOT_APP, TEST_SALESFORCE_APP, type TestClock } from '../../support/bridge-context';
import { startBridge, type RunningBridge } from '../../support/bridge-server';
import { Browser } from '../../support/browser';
import { createTestDb, type TestDb } from '../../support/db';
import { subscribeBridgeWebhooks } from '../../support/webhook-subscriptions';
import { connectSalesforce, installApp, type Harness } from '../install/harness';

export const HUBSPOT_APP_ID = Number(TEST_HUBSPOT_APP.appId);

/** The real clock, plus whatever a test moved it forward by. */
export function liveClock(): TestClock {
  let offsetMs = 0;
  return { now: () => Date.now() + offsetMs, advance: (ms) => (offsetMs += ms) };
}

/** The HubSpot emulator's base clock: real time, unless a test stops it (an import at one instant). */
export interface HoldableClock {
  nowMs(): number;
  hold(): void;
  release(): void;
}

function holdableClock(): HoldableClock {
  let held: number | null = null;
  return {
    nowMs: () => held ?? Date.now(),
    hold: () => {
      held = Date.now();
    },
    release: () => {
      held = null;
    },
  };
}

export interface ChangeHarness extends Harness {
  hubspotClock: HoldableClock;
  budget: Budget;
  deps: ChangeDetectionDeps;
  /** Installs the app in a portal and connects a Salesforce org (the default one unless a user is named). */
  install(portalId: number, options?: { salesforceUser?: string }): Promise<installations.Installation>;
  /** A HubSpot client acting as a person in the portal would (another integration, so not an echo). */
  actor(portalId: number): Promise<Client>;
  /** The installation's Salesforce connection, as the bridge holds it. */
  salesforceOf(installationId: string): Promise<Connection>;
  dirtyRows(installationId: string): Promise<dirty.DirtyItem[]>;
  /** Moves time forward for the bridge and both emulators alike (signatures compare their clocks). */
  advanceTime(ms: number): Promise<void>;
  /** The sync worker, as the worker role runs it, on this harness's database, clients and budget. */
  startWorker(): SyncWorker;
  /** Waits until nothing of the installation is due or claimed (the worker drained what was marked). */
  drained(installationId: string): Promise<void>;
  /** Lets every poll become due (at the default interval) and runs them all once. */
  pollAll(): Promise<void>;
}

export async function startChangeHarness(dialect: Dialect): Promise<ChangeHarness> {
  const testDb: TestDb = await createTestDb(dialect);
  const hubspotClock = holdableClock();
  const hubspot: HubSpotEmulator = await startHubSpotEmulator({
    clock: hubspotClock,
    apps: {
      bridge: {
        appId: HUBSPOT_APP_ID,
        clientId: TEST_HUBSPOT_APP.clientId,
        clientSecret: TEST_HUBSPOT_APP.clientSecret,
      },
    },
    // Deliver quickly; a failed delivery is retried at once rather than minutes later.
    settings: { webhooks: { batchWindowMs: 5, retryTimeScale: 0.0001 } },
  });
  const salesforce: SalesforceEmulator = await startSalesforceEmulator({
    clientId: TEST_SALESFORCE_APP.clientId,
    clientSecret: TEST_SALESFORCE_APP.clientSecret,
  });
  const clock = liveClock();
  const bridge: RunningBridge = await startBridge({
    db: testDb.db,
    hubspotBaseUrl: hubspot.baseUrl,
    salesforceBaseUrl: salesforce.baseUrl,
    clock,
  });
  await subscribeBridgeWebhooks(hubspot, bridge.baseUrl);
  // Change detection and the sync worker as the worker role runs them, from the server's own app context.
  const { budget, changeDetection: deps } = bridge.context;
  const harness: Harness = {
    testDb,
    hubspot,
    salesforce,
    bridge,
    clock,
    close: async () => {
      await hubspot.control.removeWebhooks(hubspot.bridgeApp.appId).catch(() => undefined);
      await bridge.close();
      await hubspot.close();
      await salesforce.close();
      await testDb.destroy();
    },
  };
  return {
    ...harness,
    hubspotClock,
    budget,
    deps,
    async install(portalId, options = {}) {
      const browser = new Browser();
      const page = await installApp(harness, browser, portalId);
      await connectSalesforce(harness, browser, page, {
        ...(options.salesforceUser ? { username: options.salesforceUser } : {}),
      });
      const installation = await installations.findByPortalId(testDb.db, String(portalId));
      if (!installation || installation.state.salesforce !== 'connected') {
        throw new Error(`portal ${portalId} did not end up installed and connected`);
      }
      return installation;
    },
    async actor(portalId) {
      const { accessToken } = await hubspot.control.issueToken(portalId, { clientId: 'other-integration' });
      return new Client({ accessToken, basePath: hubspot.baseUrl, numberOfApiCallRetries: 0 });
    },
    async salesforceOf(installationId) {
      const connection = await bridge.context.credentials.getSalesforceConnection(installationId);
      if (!connection.ok) throw connection.error;
      return connection.value;
    },
    dirtyRows: (installationId) => dirty.list(testDb.db, installationId, { limit: 10_000 }),
    async advanceTime(ms) {
      clock.advance(ms);
      await hubspot.control.advanceClock(ms);
      await salesforce.control.advanceClock(ms);
    },
    startWorker() {
      return startSyncWorker(bridge.context.syncWorker, { idleMs: 20 });
    },
    async drained(installationId) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const counts = await dirty.counts(testDb.db, installationId, clock.now());
        if (counts.due === 0 && counts.claimed === 0) return;
        if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async pollAll() {
      await hubspot.control.waitForWebhooksIdle();
      const dispatcher = new PollDispatcher(deps, { holder: 'harness:polls', settingsRefreshMs: 0 });
      clock.advance(61_000);
      await hubspot.control.advanceClock(61_000);
      await salesforce.control.advanceClock(61_000);
      await dispatcher.dispatch();
      await dispatcher.idle();
    },
  };
}
