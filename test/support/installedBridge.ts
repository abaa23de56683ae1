/**
 * A bridge installed for real, for tests that run the sync worker as a separate process: both emulators,
 * a database, the bridge's HTTP server, the install and Salesforce connection done through the OAuth flow
 * in a test browser, and the environment `tsx src/app/syncWorkerMain.ts` needs to find all of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { createTokenCipher } from '../../src/auth/tokenCipher';
import * as installations from '../../src/db/installations';
import type { Dialect } from '../../src/db/knex';
import { startHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot';
import { startSalesforceEmulator, type SalesforceEmulator } from '../emulators/salesforce';
import { TEST_HUBSPOT_APP, TEST_OPS_TOKEN, TEST_SALESFORCE_APP } from './bridge-context';
import { startBridge, type RunningBridge } from './bridge-server';
import { Browser, linkTo } from './browser';
import { createTestDb, type TestDb } from './db';

export interface InstalledBridge {
  testDb: TestDb;
  hubspot: HubSpotEmulator;
  salesforce: SalesforceEmulator;
  bridge: RunningBridge;
  installationId: string;
  portalId: number;
  /** The environment a worker process needs. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function installBridge(dialect: Dialect, portalId = 4242): Promise<InstalledBridge> {
  const testDb = await createTestDb(dialect);
  const hubspot = await startHubSpotEmulator({
    apps: {
      bridge: {
        appId: Number(TEST_HUBSPOT_APP.appId),
        clientId: TEST_HUBSPOT_APP.clientId,
        clientSecret: TEST_HUBSPOT_APP.clientSecret,
      },
    },
  });
  const salesforce = await startSalesforceEmulator({
    clientId: TEST_SALESFORCE_APP.clientId,
    clientSecret: TEST_SALESFORCE_APP.clientSecret,
  });
  const key = crypto.randomBytes(32);
  const bridge = await startBridge({
    db: testDb.db,
    hubspotBaseUrl: hubspot.baseUrl,
    salesforceBaseUrl: salesforce.baseUrl,
    cipher: createTokenCipher(key),
  });
  const browser = new Browser();
  const installPage = await browser.open(`${bridge.baseUrl}/oauth/hubspot/install`, {
    beforeRequest: (url) => {
      if (url.origin === hubspot.baseUrl && url.pathname === '/oauth/authorize') {
        url.searchParams.set('portal_id', String(portalId));
      }
      return url;
    },
  });
  await browser.submit(await browser.open(linkTo(installPage, /production/i)));
  const installation = await installations.findByPortalId(testDb.db, String(portalId));
  if (!installation || installation.status !== 'active') {
    throw new Error(`the install did not finish: ${JSON.stringify(installation?.status)}`);
  }
  // The portal's owners are the org's users, so owner fields map both ways.
  for (const user of await salesforce.control.listUsers()) {
    if (user.email) await hubspot.control.addOwner(portalId, { email: user.email });
  }
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: testDb.url,
    TOKEN_ENCRYPTION_KEY: key.toString('hex'),
    PUBLIC_BASE_URL: bridge.baseUrl,
    HUBSPOT_CLIENT_ID: TEST_HUBSPOT_APP.clientId,
    HUBSPOT_CLIENT_SECRET: TEST_HUBSPOT_APP.clientSecret,
    HUBSPOT_APP_ID: TEST_HUBSPOT_APP.appId,
    HUBSPOT_API_BASE_URL: hubspot.baseUrl,
    HUBSPOT_AUTHORIZE_URL: `${hubspot.baseUrl}/oauth/authorize`,
    SALESFORCE_CLIENT_ID: TEST_SALESFORCE_APP.clientId,
    SALESFORCE_CLIENT_SECRET: TEST_SALESFORCE_APP.clientSecret,
    SALESFORCE_LOGIN_URL: salesforce.baseUrl,
    SALESFORCE_SANDBOX_LOGIN_URL: salesforce.sandboxLoginUrl,
    OPS_TOKEN: TEST_OPS_TOKEN,
  };
  return {
    testDb,
    hubspot,
    salesforce,
    bridge,
    installationId: installation.id,
    portalId,
    env,
    close: async () => {
      await bridge.close();
      await hubspot.close();
      await salesforce.close();
      await testDb.destroy();
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Every JSON log line so far. */
  lines(): Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  /** SIGTERM and wait. */
  stop(): Promise<number | null>;
}

const root = path.join(__dirname, '../..');

export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  // Node itself with tsx as a loader, so the process the test signals is the worker (the tsx launcher would
  // run it as a grandchild, which a SIGKILL of the launcher does not reach). No stdin: an open pipe would
  // outlive the process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/syncWorkerMain.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  const parsed: Array<Record<string, unknown>> = [];
  const take = (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        parsed.push({ msg: line });
      }
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines: () => parsed,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls until `check` holds (or fails the test after `timeoutMs`). */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
