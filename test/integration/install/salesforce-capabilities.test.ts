import { Connection, OAuth2 } from 'jsforce';
import { checkSalesforceCapabilities } from '../../../src/connectors/salesforce/capabilities';
import { SALESFORCE_API_VERSION } from '../../../src/connectors/salesforce/client';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce';

/** Logs in through the emulator's OAuth flow (the redirect is read, not followed) and returns a Connection. */
async function login(emulator: SalesforceEmulator, username?: string): Promise<Connection> {
  const oauth2 = new OAuth2({
    loginUrl: emulator.baseUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    redirectUri: 'http://127.0.0.1:9/callback',
  });
  const authorize = new URL(oauth2.getAuthorizationUrl({ scope: 'api refresh_token id' }));
  if (username) authorize.searchParams.set('login_hint', username);
  const response = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const connection = new Connection({ oauth2, version: SALESFORCE_API_VERSION });
  await connection.authorize(code);
  return connection;
}

describe('Salesforce capability check against the emulator', () => {
  let emulator: SalesforceEmulator;
  const now = () => 1_800_000_000_000;

  beforeAll(async () => {
    emulator = await startSalesforceEmulator();
  });
  afterAll(async () => emulator.close());

  it('finds a default org complete, optional fields included', async () => {
    const report = await checkSalesforceCapabilities(await login(emulator), now);
    expect(report).toMatchObject({ ok: true, problems: [], checkedAt: now() });
    expect(report.objects.map((object) => object.name)).toEqual([
      'Lead',
      'Contact',
      'Account',
      'Opportunity',
      'User',
    ]);
    expect(report.objects.every((object) => object.name === 'User' || object.hubspotIdField?.usable)).toBe(
      true,
    );
  });

  it('names what an org lacks: a read-only field, and an optional field that is absent', async () => {
    await emulator.control.createOrg({ name: 'locked', adminUsername: 'admin@locked.example' });
    await emulator.control.updateField('Lead', 'Status', { updateable: false }, { org: 'locked' });
    await emulator.control.removeField('Account', 'HubSpot_Id__c', { org: 'locked' });
    const report = await checkSalesforceCapabilities(await login(emulator, 'admin@locked.example'), now);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      'Lead fields the bridge writes are read-only for the connected user: Status.',
    ]);
    const account = report.objects.find((object) => object.name === 'Account');
    expect(account?.hubspotIdField).toEqual({ present: false, usable: false });
  });

  it('reports a check that could not finish instead of throwing', async () => {
    const connection = await login(emulator);
    await emulator.control.addFault({
      kind: 'http_error',
      status: 400,
      sobject: 'Contact',
      message: 'describe refused',
    });
    const report = await checkSalesforceCapabilities(connection, now);
    expect(report.ok).toBe(false);
    expect(report.error).toContain('describe refused');
    expect(report.problems).toEqual([expect.stringContaining('Reconnect Salesforce to run the check again')]);
    expect(report.objects.map((object) => object.name)).toEqual(['Lead']);
  });
});
