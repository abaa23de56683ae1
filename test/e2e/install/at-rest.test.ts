import { Browser } from '../../support/browser';
import { testDialects } from '../../support/db';
import {
  connectSalesforce,
  installApp,
  installationOf,
  plaintextTokens,
  startHarness,
  type Harness,
} from './harness';

async function everyRow(harness: Harness): Promise<string> {
  const { db, dialect } = harness.testDb;
  const tables =
    dialect === 'postgres'
      ? (
          (await db.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")) as {
            rows: Array<{ name: string }>;
          }
        ).rows
      : ((await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'")) as Array<{ name: string }>);
  const dump: string[] = [];
  for (const { name } of tables) dump.push(JSON.stringify(await db(name).select('*')));
  return dump.join('\n');
}

describe.each(testDialects)('tokens at rest on %s', (dialect) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(dialect);
  });
  afterAll(async () => harness.close());

  it('never stores or logs a token in plain text, through install, connect and refreshes', async () => {
    const seen = new Set<string>();
    const remember = async () => (await plaintextTokens(harness)).forEach((token) => seen.add(token));

    const browser = new Browser();
    const page = await installApp(harness, browser, 9001);
    await remember();
    await connectSalesforce(harness, browser, page);
    await remember();
    const installation = await installationOf(harness, 9001);

    harness.clock.advance(26 * 60_000);
    await harness.bridge.context.credentials.getHubSpotAccessToken(installation.id);
    await harness.salesforce.control.setRefreshTokenRotation(true);
    await harness.salesforce.control.expireAccessTokens();
    const connection = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    if (!connection.ok) throw connection.error;
    await connection.value.query('SELECT Id FROM User LIMIT 1');
    await remember();
    // Two of each provider's access tokens, and the first and rotated Salesforce refresh tokens at least.
    expect(seen.size).toBeGreaterThanOrEqual(7);

    const rows = await everyRow(harness);
    for (const token of seen) expect(rows).not.toContain(token);
    const stored = await harness.testDb.db('installations').where({ id: installation.id }).first();
    for (const column of [
      'hubspot_access_token',
      'hubspot_refresh_token',
      'salesforce_access_token',
      'salesforce_refresh_token',
    ]) {
      expect(stored[column]).toMatch(/^v1\.[0-9a-f]{16}\./);
    }

    const logs = harness.bridge.context.lines.join('');
    expect(logs).toContain('HubSpot access token refreshed');
    expect(logs).toContain('Salesforce access token refreshed');
    for (const token of seen) expect(logs).not.toContain(token);
  });
});
