/**
 * The install flow end to end: both emulators, a real database, the bridge's HTTP server on a free port,
 * and a browser that follows redirects through all three. Each suite gets its own of everything.
 */
import { Client } from '@hubspot/api-client';
import { startHubSpotEmulator, type HubSpotEmulator } from '../../emulators/hubspot';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';
import { startBridge, type RunningBridge } from '../../support/bridge-server';
import {
  TEST_HUBSPOT_APP,
  TEST_SALESFORCE_APP,
  testClock,
  type TestClock,
} from '../../support/bridge-context';
import { createTestDb, type TestDb } from '../../support/db';
import type { Browser, OpenOptions } from '../../support/browser';
import { linkTo, type Page } from '../../support/browser';
import type { Dialect } from '../../../src/db/knex';
import * as installations from '../../../src/db/installations';
import { openToken } from '../../../src/auth/sealedColumns';

export interface Harness {
  testDb: TestDb;
  hubspot: HubSpotEmulator;
  salesforce: SalesforceEmulator;
  bridge: RunningBridge;
  clock: TestClock;
  close(): Promise<void>;
}

export const HUBSPOT_APP_ID = Number(TEST_HUBSPOT_APP.appId);

export async function startHarness(
  dialect: Dialect,
  options: Pick<Parameters<typeof startBridge>[0], 'timing' | 'oauthTimeoutMs'> = {},
): Promise<Harness> {
  const testDb = await createTestDb(dialect);
  const hubspot = await startHubSpotEmulator({
    apps: {
      bridge: {
        appId: HUBSPOT_APP_ID,
        clientId: TEST_HUBSPOT_APP.clientId,
        clientSecret: TEST_HUBSPOT_APP.clientSecret,
      },
    },
  });
  const salesforce = await startSalesforceEmulator({
    clientId: TEST_SALESFORCE_APP.clientId,
    clientSecret: TEST_SALESFORCE_APP.clientSecret,
  });
  const clock = testClock();
  const bridge = await startBridge({
    db: testDb.db,
    hubspotBaseUrl: hubspot.baseUrl,
    salesforceBaseUrl: salesforce.baseUrl,
    clock,
    ...options,
  });
  return {
    testDb,
    hubspot,
    salesforce,
    bridge,
    clock,
    close: async () => {
      await bridge.close();
      await hubspot.close();
      await salesforce.close();
      await testDb.destroy();
    },
  };
}

/** Picks the portal on HubSpot's approval screen (the emulator's `portal_id`). */
export function choosingPortal(harness: Harness, portalId: number) {
  return (url: URL): URL => {
    if (url.origin === harness.hubspot.baseUrl && url.pathname === '/oauth/authorize') {
      url.searchParams.set('portal_id', String(portalId));
    }
    return url;
  };
}

/** Logs in as a given Salesforce user on the login screen (the emulator's `login_hint`). */
export function loggingInAs(harness: Harness, username: string) {
  return (url: URL): URL => {
    if (url.origin === harness.salesforce.baseUrl && url.pathname.endsWith('/services/oauth2/authorize')) {
      url.searchParams.set('login_hint', username);
    }
    return url;
  };
}

export async function installApp(harness: Harness, browser: Browser, portalId: number): Promise<Page> {
  return browser.open(`${harness.bridge.baseUrl}/oauth/hubspot/install`, {
    beforeRequest: choosingPortal(harness, portalId),
  });
}

export async function connectSalesforce(
  harness: Harness,
  browser: Browser,
  installPage: Page,
  options: { environment?: 'production' | 'sandbox'; username?: string } = {},
): Promise<Page> {
  const label = options.environment === 'sandbox' ? /sandbox/i : /production/i;
  return followConnectLink(browser, linkTo(installPage, label), {
    ...(options.username ? { beforeRequest: loggingInAs(harness, options.username) } : {}),
  });
}

/**
 * Opens a connect link and presses "Continue to Salesforce" on the page it shows (when it shows one; an
 * error page is returned as it is). `options` apply to the way from the button on.
 */
export async function followConnectLink(
  browser: Browser,
  link: string,
  options: OpenOptions = {},
): Promise<Page> {
  const review = await browser.open(link);
  if (review.status !== 200 || !review.html.includes('Continue to Salesforce')) return review;
  return browser.submit(review, options);
}

export async function installationOf(
  harness: Harness,
  portalId: number,
): Promise<installations.Installation> {
  const installation = await installations.findByPortalId(harness.testDb.db, String(portalId));
  if (!installation) throw new Error(`no installation for portal ${portalId}`);
  return installation;
}

/** A HubSpot client that acts as the test itself (the emulator issues it a token), to look at the portal. */
export async function inspectPortal(harness: Harness, portalId: number): Promise<Client> {
  const { results } = await harness.hubspot.control.portals();
  if (!results.some((portal) => portal.portalId === portalId))
    await harness.hubspot.control.createPortal(portalId);
  const { accessToken } = await harness.hubspot.control.issueToken(portalId, {
    clientId: 'other-integration',
  });
  return new Client({ accessToken, basePath: harness.hubspot.baseUrl, numberOfApiCallRetries: 0 });
}

/** Every token the bridge currently holds, decrypted: what must never appear in plain text anywhere. */
export async function plaintextTokens(harness: Harness): Promise<string[]> {
  const tokens: string[] = [];
  for (const installation of await installations.list(harness.testDb.db)) {
    const sealed = [
      ['hubspot_access_token', installation.hubspot.accessToken],
      ['hubspot_refresh_token', installation.hubspot.refreshToken],
      ['salesforce_access_token', installation.salesforce.accessToken],
      ['salesforce_refresh_token', installation.salesforce.refreshToken],
    ] as const;
    for (const [column, value] of sealed) {
      if (!value) continue;
      const opened = openToken(harness.bridge.context.cipher, installation.id, column, value);
      if (!opened.ok) throw opened.error;
      tokens.push(opened.value);
    }
  }
  return tokens;
}
