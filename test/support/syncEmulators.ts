/**
 * Both emulators as the sync engine meets them: a HubSpot portal with the bridge's app properties and a
 * token, a Salesforce org reached through the OAuth flow, and SDK clients built the way the bridge builds
 * them (createHubSpotClient, createSalesforceConnection with a refresh function).
 */
import type { Client } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import { ensureAppProperties } from '../../src/connectors/hubspot/bootstrap';
import { createHubSpotClient } from '../../src/connectors/hubspot/client';
import { createSalesforceConnection } from '../../src/connectors/salesforce/client';
import { startHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot';
import { startSalesforceEmulator, type SalesforceEmulator } from '../emulators/salesforce';
import { login } from '../integration/emulators/salesforce/support';

export const BRIDGE_APP = {
  appId: 54321,
  clientId: 'bridge-test-client',
  clientSecret: 'bridge-test-secret',
  name: 'Bridge',
};

export function startHubSpot(options: { latencyMs?: number } = {}): Promise<HubSpotEmulator> {
  return startHubSpotEmulator({
    apps: { bridge: BRIDGE_APP },
    env: {},
    settings: { ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}) },
  });
}

export function startSalesforce(): Promise<SalesforceEmulator> {
  return startSalesforceEmulator({ clientId: 'bridge-client-id', clientSecret: 'bridge-client-secret' });
}

/** A client for the portal with the bridge app's token (the app is installed by issuing it). */
export async function hubspotClientFor(emulator: HubSpotEmulator, portalId: number): Promise<Client> {
  const { accessToken } = await emulator.control.issueToken(portalId);
  return createHubSpotClient({ basePath: emulator.baseUrl, accessToken });
}

/** The properties the bridge keeps on HubSpot records, created as the install flow creates them. */
export async function createAppProperties(client: Client): Promise<void> {
  const report = await ensureAppProperties(client, () => Date.now());
  const bad = report.properties.filter(
    (property) => property.outcome === 'incompatible' || property.outcome === 'refused',
  );
  if (bad.length > 0) throw new Error(`app properties not created: ${JSON.stringify(bad)}`);
}

/** A Connection to the org's admin (the integration user), refreshing itself like the bridge's. */
export async function salesforceConnectionFor(
  emulator: SalesforceEmulator,
  options: { username?: string } = {},
): Promise<Connection> {
  const { conn, tokens, oauth2 } = await login(emulator, options);
  return createSalesforceConnection({
    loginUrl: emulator.baseUrl,
    instanceUrl: conn.instanceUrl,
    accessToken: conn.accessToken as string,
    refreshFn: (connection, callback) => {
      oauth2
        .refreshToken(tokens.refreshToken ?? '')
        .then((response) => {
          tokens.refreshToken = response.refresh_token ?? tokens.refreshToken;
          connection.instanceUrl = response.instance_url;
          callback(null, response.access_token, response);
        })
        .catch((error: Error) => callback(error));
    },
  });
}

/** Both emulators for the suite that calls this: started before its tests, closed after them. */
export function suiteEmulators(): {
  readonly hubspot: HubSpotEmulator;
  readonly salesforce: SalesforceEmulator;
} {
  const emulators = {} as { hubspot: HubSpotEmulator; salesforce: SalesforceEmulator };
  beforeAll(async () => {
    emulators.hubspot = await startHubSpot();
    emulators.salesforce = await startSalesforce();
  });
  afterAll(async () => {
    await emulators.hubspot.close();
    await emulators.salesforce.close();
  });
  return emulators;
}
