/**
 * The composition root: everything a process of the bridge shares, built once from the configuration. Every
 * entry point starts here (server/main.ts for `npm start` in each role, src/app/syncWorkerMain.ts for
 * `npm run sync-worker`); tests and the soak run build the same context around their own database, clock
 * and logger with `composeAppContext`.
 *
 *   Config ─► database, logger, clock, token cipher, the app's OAuth registration ─► credentials
 *          ─► one API budget (every call's gate) ─► clients (one side at a time, or both per batch)
 *          ─► live metadata and settings-access caches, the engine API's deps (its org metadata cache),
 *             change detection's deps, the sync worker's deps
 *   and the process's metrics, which the credentials, the budget and the sync worker report to.
 *
 * Nothing below src/app/ builds any of these; each module takes what it needs as an argument.
 */
import type { RefreshTiming } from '../auth/refreshCoordinator';
import type { BridgeApp, BridgeContext } from '../auth/bridgeContext';
import {
  clientsBySide,
  credentialsClientSource,
  type ClientsBySide,
  type ClientSource,
} from '../auth/clients';
import { Credentials } from '../auth/credentials';
import { createTokenCipher } from '../auth/tokenCipher';
import { Budget } from '../budget/budget';
import type { ChangeDetectionDeps } from '../changes/start';
import type { Config } from '../config';
import { createDb } from '../db/knex';
import type { InstallContext } from '../install/context';
import type { Logger } from '../logger';
import { SettingsAccess } from '../settings/access';
import { LiveMetadataReader } from '../settings/liveMetadata';
import type { EngineDeps } from '../sync/engineApi';
import { OrgMetadataCache } from '../sync/orgMetadata';
import type { SyncWorkerDeps } from '../sync/worker';
import { BridgeMetrics } from '../ops/metrics';
import type { AlertWebhook } from '../ops/alertDelivery';
import type { ReconcileDeps } from '../reconcile/run';
import type { AlertsJobDeps } from './alertsJob';
import { createLogger } from './logger';

/** The app-wide context: the install flow's context plus every service the processes share. */
export interface AppContext extends InstallContext {
  /** API limits and budgets per installation; every API call of this process passes its gate. */
  readonly budget: Budget;
  /** An installation's API clients one side at a time (polls, settings checks). */
  readonly clients: ClientsBySide;
  /** Both API clients of an installation at once (a sync batch, a preview). */
  readonly clientSource: ClientSource;
  /** HubSpot property definitions and Salesforce describes for the settings page (cached). */
  readonly liveMetadata: LiveMetadataReader;
  /** Who may change an installation's settings (cached). */
  readonly settingsAccess: SettingsAccess;
  /** The engine API's dependencies (the card, "Sync now", previews), with its org metadata cache. */
  readonly engine: EngineDeps;
  /** Change detection's dependencies (webhooks, polls, housekeeping). */
  readonly changeDetection: ChangeDetectionDeps;
  /** The sync worker's dependencies. */
  readonly syncWorker: SyncWorkerDeps;
  /** This process's counts (src/ops/metrics.ts): `/metrics` serves them, the heartbeat relays them. */
  readonly metrics: BridgeMetrics;
  /** The alerts' evaluation and webhook deliveries (src/app/alertsJob.ts), run by the worker role. */
  readonly alerts: AlertsJobDeps;
  /** Reconciliation's dependencies (src/reconcile/), run by the worker role. */
  readonly reconcile: ReconcileDeps;
}

export function bridgeAppFromConfig(config: Config): BridgeApp {
  return {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    hubspot: {
      clientId: config.HUBSPOT_CLIENT_ID,
      clientSecret: config.HUBSPOT_CLIENT_SECRET,
      appId: config.HUBSPOT_APP_ID,
      apiBaseUrl: config.HUBSPOT_API_BASE_URL,
      authorizeUrl: config.HUBSPOT_AUTHORIZE_URL,
    },
    salesforce: {
      clientId: config.SALESFORCE_CLIENT_ID,
      clientSecret: config.SALESFORCE_CLIENT_SECRET,
      loginUrl: config.SALESFORCE_LOGIN_URL,
      sandboxLoginUrl: config.SALESFORCE_SANDBOX_LOGIN_URL,
    },
  };
}

export interface AppContextOptions {
  /** Default: the bridge's redacting logger at `LOG_LEVEL` (src/app/logger.ts). */
  logger?: Logger;
  /** Epoch milliseconds; default the system clock. */
  now?: () => number;
}

/**
 * The context of a bridge process, from its configuration. Opens a database pool: the caller applies
 * migrations (`migrateLatest(context.db)`) and destroys it on shutdown.
 */
export function createAppContext(config: Config, options: AppContextOptions = {}): AppContext {
  return composeAppContext({
    db: createDb(config.DATABASE_URL),
    cipher: createTokenCipher(config.TOKEN_ENCRYPTION_KEY, config.TOKEN_ENCRYPTION_KEY_PREVIOUS),
    app: bridgeAppFromConfig(config),
    logger: options.logger ?? createLogger({ level: config.LOG_LEVEL }),
    now: options.now ?? (() => Date.now()),
    metrics: new BridgeMetrics({ processMetrics: true }),
    alertWebhook:
      config.ALERT_WEBHOOK_URL && config.ALERT_WEBHOOK_SECRET
        ? { url: config.ALERT_WEBHOOK_URL, secret: config.ALERT_WEBHOOK_SECRET }
        : null,
  });
}

/**
 * The app-wide context around a base the caller built (tests and the soak run bring their own database,
 * clock and logger). Keeps every extra field of `base`; uses `base.credentials` when given, else makes them
 * (with `timing` for their refresh coordination), and `base.metrics` when given, else a registry of its own;
 * alerts go to `base.alertWebhook` when given.
 */
export function composeAppContext<
  Base extends BridgeContext & {
    credentials?: Credentials;
    metrics?: BridgeMetrics;
    /** Where alerts are delivered; none by default. */
    alertWebhook?: AlertWebhook | null;
  },
>(base: Base, options: { timing?: Partial<RefreshTiming> } = {}): Base & AppContext {
  const { db, now, logger } = base;
  const metrics = base.metrics ?? new BridgeMetrics();
  const credentials = base.credentials ?? new Credentials({ ...base, metrics }, options.timing);
  const budget = new Budget({ db, now, logger, metrics });
  const clients = clientsBySide(credentials);
  const clientSource = credentialsClientSource(credentials);
  const gateFor = (installationId: string) => budget.gateFor(installationId);
  return {
    ...base,
    metrics,
    credentials,
    budget,
    clients,
    clientSource,
    liveMetadata: new LiveMetadataReader({ clients, budget, now, logger }),
    settingsAccess: new SettingsAccess({ db, clients, budget, now, logger }),
    engine: { db, now, clients: clientSource, gateFor, metadata: new OrgMetadataCache({ now }) },
    changeDetection: { db, logger, now, hubspotAppId: base.app.hubspot.appId, clients, budget },
    syncWorker: {
      db,
      clients: clientSource,
      gateFor,
      canSync: (installationId) => budget.canSync(installationId),
      logger,
      now,
      metrics,
    },
    alerts: { db, now, logger, budget, webhook: base.alertWebhook ?? null },
    // Its own metadata cache: a run reads the org's describe and owners once, as a batch does.
    reconcile: { db, now, logger, clients: clientSource, gateFor, metadata: new OrgMetadataCache({ now }) },
  };
}
