/**
 * Both emulators as the sync engine meets them: a HubSpot portal with the bridge's app properties and a
 * token, a Salesforce org reached through the OAuth flow, and SDK clients built the way the bridge builds
 * them (createHubSpotClient, createSalesforceConnection with a refresh function).
 */
import type { Client } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import { createHubSpotClient } from '../../src/connectors/hubspot/client';
import { createSalesforceConnection } from '../../src/connectors/salesforce/connection';
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

/**
 * The properties the bridge keeps on HubSpot contacts (the install flow creates them at install time).
 * Created through the control-free API, as an install would.
 */
export async function createAppProperties(client: Client): Promise<void> {
  const text = (name: string, label: string, hasUniqueValue = false) => ({
    name,
    label,
    type: 'string' as never,
    fieldType: 'text' as never,
    groupName: 'contactinformation',
    hasUniqueValue,
  });
  const select = (name: string, label: string, values: string[]) => ({
    name,
    label,
    type: 'enumeration' as never,
    fieldType: 'select' as never,
    groupName: 'contactinformation',
    options: values.map((value, displayOrder) => ({ value, label: value, displayOrder, hidden: false })),
  });
  const datetime = (name: string, label: string) => ({
    name,
    label,
    type: 'datetime' as never,
    fieldType: 'date' as never,
    groupName: 'contactinformation',
  });
  for (const property of [
    text('salesforce_record_id', 'Salesforce record ID', true),
    select('salesforce_object_type', 'Salesforce object type', ['Lead', 'Contact', 'Account', 'Opportunity']),
    text('salesforce_record_url', 'Salesforce record URL'),
    select('salesforce_sync_status', 'Salesforce sync status', [
      'synced',
      'pending',
      'conflict',
      'error',
      'paused',
      'excluded',
      'deleted_in_salesforce',
    ]),
    datetime('salesforce_last_synced_at', 'Salesforce last synced at'),
    datetime('salesforce_deleted_at', 'Deleted in Salesforce at'),
  ]) {
    await client.crm.properties.coreApi.create('contacts', property);
  }
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
