/**
 * A whole running bridge, as an admin would have it after installing the app, with no internet: both API
 * emulators in this process, the bridge in its own process (`server/main.ts`, server and worker), the app's
 * webhook subscriptions pointed at it, and the install done through a browser. The sandbox and the
 * benchmarks are built on this; each owns one stack at a time.
 */
import { startHubSpotEmulator, type HubSpotEmulator } from '../../emulators/hubspot';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import { createDb, type Db } from '../../../src/db/knex';
import * as installations from '../../../src/db/installations';
import {
  bridgeEnv,
  freePort,
  generateAppCredentials,
  startBridgeProcess,
  type AppCredentials,
  type BridgeRuntime,
  type BridgeProcess,
} from './bridge-process';
import { installThroughBrowser } from './install';
import { subscribeBridgeWebhooks } from './webhooks';

export const DEFAULT_PORTAL_ID = 62515;

export interface StackOptions {
  databaseUrl: string;
  /** 0 or absent: any free port. */
  bridgePort?: number;
  hubspotPort?: number;
  salesforcePort?: number;
  portalId?: number;
  logLevel?: string;
  logFile?: string;
  echoLogs?: boolean;
  /** How the bridge runs (default `tsx`); `compiled` needs `npm run build` first. */
  bridgeRuntime?: BridgeRuntime;
  /** Options for node itself in the bridge process. */
  bridgeNodeArgs?: readonly string[];
  credentials?: AppCredentials;
  tokenEncryptionKey?: string;
  opsToken?: string;
  /** Where the bridge delivers its alerts (none by default). */
  alertWebhook?: { url: string; secret: string };
  /**
   * How long HubSpot's search lags behind writes (its index is seconds behind; reports say up to ~30 s).
   * Default 2,000 ms, so the sandbox and the benchmarks meet the lag the bridge meets for real.
   */
  searchIndexingDelayMs?: number;
}

/** A realistic lag of HubSpot's search index behind writes. */
export const DEFAULT_SEARCH_INDEXING_DELAY_MS = 2_000;

export interface Stack {
  readonly hubspot: HubSpotEmulator;
  readonly salesforce: SalesforceEmulator;
  /** Started by `startBridge` (seeding first keeps the bridge's memory figures about syncing). */
  bridge: BridgeProcess | null;
  readonly credentials: AppCredentials;
  readonly portalId: number;
  readonly hubspotAppId: number;
  readonly env: Readonly<Record<string, string>>;
  /** This process's own connection to the bridge's database, to watch progress and set settings. */
  db(): Db;
  startBridge(): Promise<BridgeProcess>;
  /**
   * Installs the app through the browser flow. `beforeSalesforce` gets the new installation's id before
   * Salesforce is connected, which is when sync starts (settings saved there apply from the first batch).
   */
  install(options?: { beforeSalesforce?: (installationId: string) => Promise<void> }): Promise<string>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const credentials = options.credentials ?? generateAppCredentials();
  const portalId = options.portalId ?? DEFAULT_PORTAL_ID;
  const hubspotAppId = Number(credentials.hubspot.appId);
  const hubspot = await startHubSpotEmulator({
    port: options.hubspotPort ?? 0,
    defaultPortalId: portalId,
    apps: {
      bridge: {
        appId: hubspotAppId,
        clientId: credentials.hubspot.clientId,
        clientSecret: credentials.hubspot.clientSecret,
        name: 'Salesforce Bridge',
      },
    },
    settings: {
      search: { indexingDelayMs: options.searchIndexingDelayMs ?? DEFAULT_SEARCH_INDEXING_DELAY_MS },
    },
    env: {},
  });
  const salesforce = await startSalesforceEmulator({
    port: options.salesforcePort ?? 0,
    clientId: credentials.salesforce.clientId,
    clientSecret: credentials.salesforce.clientSecret,
  });
  const port = options.bridgePort || (await freePort());
  const env = bridgeEnv({
    port,
    databaseUrl: options.databaseUrl,
    hubspotBaseUrl: hubspot.baseUrl,
    salesforceBaseUrl: salesforce.baseUrl,
    salesforceSandboxLoginUrl: salesforce.sandboxLoginUrl,
    credentials,
    logLevel: options.logLevel ?? 'info',
    ...(options.tokenEncryptionKey ? { tokenEncryptionKey: options.tokenEncryptionKey } : {}),
    ...(options.opsToken ? { opsToken: options.opsToken } : {}),
    ...(options.alertWebhook ? { alertWebhook: options.alertWebhook } : {}),
  });
  let db: Db | null = null;

  const stack: Stack = {
    hubspot,
    salesforce,
    bridge: null,
    credentials,
    portalId,
    hubspotAppId,
    env,
    db: () => {
      if (!db) throw new Error('the bridge has not started: its database is not migrated yet');
      return db;
    },
    startBridge: async () => {
      if (stack.bridge) return stack.bridge;
      stack.bridge = await startBridgeProcess({
        env,
        ...(options.bridgeRuntime ? { runtime: options.bridgeRuntime } : {}),
        ...(options.bridgeNodeArgs ? { nodeArgs: options.bridgeNodeArgs } : {}),
        ...(options.logFile ? { logFile: options.logFile } : {}),
        ...(options.echoLogs ? { echo: true } : {}),
      });
      // The bridge migrated the database on start; open it only now.
      db = createDb(options.databaseUrl, { maxConnections: 2 });
      return stack.bridge;
    },
    install: async (installOptions = {}) => {
      const bridge = await stack.startBridge();
      // Subscriptions exist before any portal installs the app, as they do for a deployed app.
      await subscribeBridgeWebhooks(hubspot.control, hubspotAppId, bridge.baseUrl);
      let installationId: string | null = null;
      await installThroughBrowser({
        bridgeBaseUrl: bridge.baseUrl,
        hubspotBaseUrl: hubspot.baseUrl,
        portalId,
        beforeSalesforce: async () => {
          const installation = await installations.findByPortalId(stack.db(), String(portalId));
          if (!installation) throw new Error(`the install left no installation for portal ${portalId}`);
          installationId = installation.id;
          await installOptions.beforeSalesforce?.(installation.id);
        },
      });
      if (!installationId) throw new Error('the install never reached the Salesforce step');
      return installationId;
    },
    stop: async () => {
      await stack.bridge?.stop();
      await db?.destroy();
      await hubspot.close();
      await salesforce.close();
    },
  };
  return stack;
}
