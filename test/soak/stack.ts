/**
 * The whole system the soak runs against: both emulators in this process, the bridge's HTTP server in its
 * own process (`server/main.ts --role=server`: OAuth, webhooks), change detection (the polls) in this
 * process exactly as the worker role runs it, and two sync worker processes (`src/app/syncWorkerMain.ts`) on
 * a fresh PostgreSQL database. One of the workers is the one the soak kills.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { bridgeAppFromConfig, composeAppContext } from '../../src/app/appContext';
import { createTokenCipher } from '../../src/auth/tokenCipher';
import { startChangeDetection, type ChangeDetectionHandle } from '../../src/changes/start';
import { loadConfig } from '../../src/config';
import * as installations from '../../src/db/installations';
import { createDb, type Db } from '../../src/db/knex';
import { benchSettingsDocument, saveBenchSettings } from '../bench/settings';
import { startHubSpotEmulator } from '../emulators/hubspot';
import { startSalesforceEmulator } from '../emulators/salesforce';
import { startWorkerProcess, type WorkerProcess } from '../support/installedBridge';
import {
  bridgeEnv,
  freePort,
  generateAppCredentials,
  startBridgeProcess,
  type BridgeProcess,
} from '../support/stack/bridge-process';
import { installThroughBrowser } from '../support/stack/install';
import type { Stack } from '../support/stack/stack';
import { subscribeBridgeWebhooks } from '../support/stack/webhooks';

export const SOAK_PORTAL_ID = 77_001;
/** The shortest poll interval the settings allow: Salesforce edits are found by the SOQL poll. */
export const SOAK_POLL_INTERVAL_MS = 15_000;
/** Short leases, so a killed worker's claims come back within seconds rather than minutes. */
const WORKER_LEASE_MS = 6_000;

export interface SoakStack extends Stack {
  installationId: string;
  /** The worker processes' environment. */
  workerEnv: Record<string, string>;
  workers: [WorkerProcess, WorkerProcess];
  /** SIGKILLs the given worker and starts a fresh one in its place. */
  restartWorker(index: 0 | 1, signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  close(): Promise<void>;
}

export async function startSoakStack(input: {
  serverUrl: string;
  logDir: string;
  seed: number;
  /** Leave the run's database in place after it (its URL is logged) instead of dropping it. */
  keepDatabase: boolean;
  log: (line: string) => void;
}): Promise<SoakStack> {
  fs.mkdirSync(input.logDir, { recursive: true });
  // What has been started, stopped in reverse order by close(), or at once when starting fails halfway.
  const started: Array<() => Promise<void>> = [];
  const stopStarted = async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  };
  try {
    return await startInOrder(input, started, stopStarted);
  } catch (error) {
    await stopStarted().catch(() => undefined);
    throw error;
  }
}

async function startInOrder(
  input: Parameters<typeof startSoakStack>[0],
  started: Array<() => Promise<void>>,
  stopStarted: () => Promise<void>,
): Promise<SoakStack> {
  const databaseName = `bridge_soak_${input.seed}_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = createDb(input.serverUrl, { maxConnections: 1 });
  await admin.raw(`CREATE DATABASE "${databaseName}"`);
  await admin.destroy();
  const databaseUrl = new URL(input.serverUrl);
  databaseUrl.pathname = `/${databaseName}`;
  started.push(async () => {
    if (input.keepDatabase) {
      input.log(`database kept: ${databaseUrl.toString()}`);
      return;
    }
    const dropper = createDb(input.serverUrl, { maxConnections: 1 });
    await dropper.raw(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await dropper.destroy();
  });

  const credentials = generateAppCredentials();
  const hubspotAppId = Number(credentials.hubspot.appId);
  const hubspot = await startHubSpotEmulator({
    defaultPortalId: SOAK_PORTAL_ID,
    apps: {
      bridge: {
        appId: hubspotAppId,
        clientId: credentials.hubspot.clientId,
        clientSecret: credentials.hubspot.clientSecret,
        name: 'Salesforce Bridge',
      },
    },
    settings: { search: { indexingDelayMs: 2_000 } },
    env: {},
  });
  started.push(() => hubspot.close());
  const salesforce = await startSalesforceEmulator({
    clientId: credentials.salesforce.clientId,
    clientSecret: credentials.salesforce.clientSecret,
  });
  started.push(() => salesforce.close());
  const env = bridgeEnv({
    port: await freePort(),
    databaseUrl: databaseUrl.toString(),
    hubspotBaseUrl: hubspot.baseUrl,
    salesforceBaseUrl: salesforce.baseUrl,
    salesforceSandboxLoginUrl: salesforce.sandboxLoginUrl,
    credentials,
    logLevel: 'info',
  });
  const bridge: BridgeProcess = await startBridgeProcess({
    env,
    args: ['--role=server'],
    logFile: path.join(input.logDir, 'bridge-server.log'),
  });
  started.push(async () => {
    await bridge.stop();
  });
  const db: Db = createDb(databaseUrl.toString(), { maxConnections: 4 });
  started.push(() => db.destroy());
  await subscribeBridgeWebhooks(hubspot.control, hubspotAppId, bridge.baseUrl);
  // The portal's owners are the org's users, so owner fields map both ways.
  for (const user of await salesforce.control.listUsers()) {
    if (user.email) await hubspot.control.addOwner(SOAK_PORTAL_ID, { email: user.email });
  }
  let installationId: string | null = null;
  await installThroughBrowser({
    bridgeBaseUrl: bridge.baseUrl,
    hubspotBaseUrl: hubspot.baseUrl,
    portalId: SOAK_PORTAL_ID,
    beforeSalesforce: async () => {
      const installation = await installations.findByPortalId(db, String(SOAK_PORTAL_ID));
      if (!installation) throw new Error('the install left no installation');
      installationId = installation.id;
      await saveBenchSettings(
        db,
        installation.id,
        benchSettingsDocument({ pollIntervalMs: SOAK_POLL_INTERVAL_MS }),
      );
    },
  });
  if (!installationId) throw new Error('the install never reached the Salesforce step');

  // Change detection as the worker role runs it (src/app/workerRole.ts), without its in-process sync worker: the
  // syncing is the two worker processes' alone.
  const config = loadConfig(env);
  const logger = pino(
    { level: 'info', base: { service: 'soak-change-detection' } },
    pino.destination({ dest: path.join(input.logDir, 'change-detection.log'), sync: false }),
  );
  started.push(async () => logger.flush());
  const context = composeAppContext({
    db,
    cipher: createTokenCipher(config.TOKEN_ENCRYPTION_KEY),
    app: bridgeAppFromConfig(config),
    logger,
    now: () => Date.now(),
  });
  const changes: ChangeDetectionHandle = startChangeDetection(context.changeDetection);
  started.push(() => changes.stop());

  const workerEnv = {
    ...env,
    PATH: process.env.PATH ?? '',
    SYNC_LEASE_MS: String(WORKER_LEASE_MS),
    SYNC_BATCH_SIZE: '50',
    LOG_LEVEL: 'info',
  };
  // Each slot's processes, the killed ones and those started in their place, append to one log file.
  const workerLogs = [0, 1].map((index) =>
    fs.createWriteStream(path.join(input.logDir, `worker-${index}.log`), { flags: 'w' }),
  );
  started.push(async () => {
    for (const logFile of workerLogs) await new Promise((resolve) => logFile.end(resolve));
  });
  const startWorker = (index: 0 | 1): WorkerProcess => {
    const worker = startWorkerProcess(workerEnv);
    const logFile = workerLogs[index]!;
    worker.child.stdout?.on('data', (chunk: Buffer) => logFile.write(chunk));
    worker.child.stderr?.on('data', (chunk: Buffer) => logFile.write(chunk));
    return worker;
  };
  const workers: [WorkerProcess, WorkerProcess] = [startWorker(0), startWorker(1)];
  started.push(async () => {
    for (const worker of workers) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  });
  const finalInstallationId: string = installationId;
  const stack: SoakStack = {
    hubspot,
    salesforce,
    bridge,
    credentials,
    portalId: SOAK_PORTAL_ID,
    hubspotAppId,
    env,
    db: () => db,
    startBridge: async () => bridge,
    install: async () => finalInstallationId,
    stop: async () => stack.close(),
    installationId: finalInstallationId,
    workerEnv,
    workers,
    restartWorker: async (index, signal) => {
      const worker = workers[index];
      worker.child.kill(signal);
      await worker.exited;
      workers[index] = startWorker(index);
    },
    close: stopStarted,
  };
  return stack;
}
