/**
 * Who may do what, end to end: requests from the card and the settings page through HubSpot's signing
 * proxy as the portal's super admin or as a rep, the bridge asking the HubSpot emulator who they are.
 */
import * as failures from '../../../src/db/failures';
import * as installations from '../../../src/db/installations';
import * as settingsTable from '../../../src/db/settings';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import { whoMayManageSettings } from '../../../src/domain/settingsAccess';
import { computeSignatureV3 } from '../../../server/middleware/hubspot-signature';
import { TEST_HUBSPOT_APP } from '../../support/bridge-context';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;
interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const portalId = 4101;
const ADMIN = `admin@portal${portalId}.example.com`;
const REP = `rep@portal${portalId}.example.com`;

describe.each(testDialects)('who may change the settings, on %s', (dialect) => {
  let harness: ChangeHarness;
  let installation: installations.Installation;
  let salesRepRoleId: string;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installation = await harness.install(portalId);
    const { results } = await harness.hubspot.control.roles(portalId);
    salesRepRoleId = results.find((role) => role.name === 'Sales Rep')!.id;
  });
  afterAll(async () => harness.close());

  async function as(user: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      user,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }
  const errorOf = (answer: { body: Json }) => (answer.body as unknown as Envelope).error;

  const settingsChanges: Array<[string, 'POST' | 'PUT', string, Json]> = [
    ['save the settings', 'PUT', '/api/settings', { document: defaultSettingsInput as Json, baseVersion: 0 }],
    ['check the settings', 'POST', '/api/settings/validate', { document: defaultSettingsInput as Json }],
    ['preview the settings', 'POST', '/api/settings/dry-run', { document: defaultSettingsInput as Json }],
    ['pause the sync', 'PUT', '/api/sync/pause', { paused: true }],
    ['retry every failure', 'POST', '/api/sync/failures/retry', {}],
    [
      'get a Salesforce connect link',
      'POST',
      '/api/settings/salesforce/connect-url',
      { environment: 'sandbox' },
    ],
    ['disconnect Salesforce', 'POST', '/api/settings/salesforce/disconnect', {}],
    ['confirm a Salesforce connection', 'POST', '/api/settings/salesforce/confirm', { orgId: 'any' }],
  ];

  it('tells the settings page who the user is and whether they may change anything', async () => {
    const admin = await as(ADMIN, 'GET', '/api/me');
    const { users } = await harness.hubspot.control.portal(portalId);
    expect(admin).toEqual({
      status: 200,
      body: {
        portalId: String(portalId),
        user: { id: String(users[0]!.userId), email: ADMIN },
        canManageSettings: true,
        superAdmin: true,
        reason: null,
      },
    });
    const rep = await as(REP, 'GET', '/api/me');
    expect(rep).toEqual({
      status: 200,
      body: {
        portalId: String(portalId),
        user: { id: String(users[1]!.userId), email: REP },
        canManageSettings: false,
        superAdmin: false,
        reason: whoMayManageSettings([]),
      },
    });
  });

  it("lists the portal's roles to anyone, for the settings page's picker", async () => {
    const roles = await as(REP, 'GET', '/api/settings/roles');
    expect(roles).toEqual({
      status: 200,
      body: {
        roles: [
          { id: expect.any(String), name: 'Sales Manager' },
          { id: salesRepRoleId, name: 'Sales Rep' },
        ],
      },
    });
  });

  it.each(settingsChanges)(
    'refuses a rep who tries to %s, saying who can',
    async (_what, method, path, body) => {
      const before = await installations.findById(harness.testDb.db, installation.id);
      const refused = await as(REP, method, path, body);
      expect(refused.status).toBe(403);
      expect(errorOf(refused)).toEqual({
        code: 'forbidden',
        message: whoMayManageSettings([]),
        details: { basis: 'no_role' },
      });
      expect(await installations.findById(harness.testDb.db, installation.id)).toEqual(before);
      expect(await settingsTable.current(harness.testDb.db, installation.id, (raw) => raw)).toBeNull();
    },
  );

  it('leaves the card open to a rep: status, sync now, and retrying one failure', async () => {
    const contact = await harness.hubspot.control
      .asUser(portalId, REP)
      .create('contacts', { email: 'card@example.com', lastname: 'Card' });
    const record = `/api/sync/records/hubspot/contacts/${contact.id}`;
    expect((await as(REP, 'GET', record)).status).toBe(200);
    expect((await as(REP, 'GET', '/api/settings')).status).toBe(200);
    expect((await as(REP, 'POST', `${record}/sync-now`, {})).status).toBe(202);
    const failure = await failures.record(
      harness.testDb.db,
      {
        installationId: installation.id,
        record: { side: 'hubspot', objectType: 'contacts', recordId: contact.id },
        kind: 'quarantine',
        category: 'validation',
        code: 'INVALID_EMAIL_ADDRESS',
        message: 'The value of "Email" cannot be written to Salesforce.',
        attempts: 1,
      },
      harness.clock.now(),
    );
    const retried = await as(REP, 'POST', '/api/sync/failures/retry', { failureId: failure.id });
    expect(retried).toMatchObject({ status: 200, body: { retried: 1, failure: { state: 'retrying' } } });
  });

  it('lets a super admin change the settings, and a rep too once the settings name their role', async () => {
    const saved = await as(ADMIN, 'PUT', '/api/settings', {
      document: { ...(defaultSettingsInput as Json), access: { settingsRoleIds: [salesRepRoleId] } },
      baseVersion: 0,
    });
    expect(saved.status).toBe(200);
    // The rep's HubSpot answer is still cached; what the settings allow is read afresh.
    expect((await as(REP, 'GET', '/api/me')).body).toMatchObject({ canManageSettings: true, reason: null });
    const paused = await as(REP, 'PUT', '/api/sync/pause', { paused: true });
    expect(paused).toMatchObject({ status: 200, body: { pausedByAdmin: true } });
    expect((await as(REP, 'PUT', '/api/sync/pause', { paused: false })).status).toBe(200);

    // A user without that role is still refused, with the sentence for named roles.
    const outsider = await harness.hubspot.control.addUser(portalId, { email: 'outsider@example.com' });
    const refused = await as(outsider.email, 'PUT', '/api/sync/pause', { paused: true });
    expect(refused.status).toBe(403);
    expect(errorOf(refused).message).toBe(whoMayManageSettings([salesRepRoleId]));
  });

  it('answers 503 and changes nothing while HubSpot cannot say who the user is', async () => {
    const newcomer = await harness.hubspot.control.addUser(portalId, {
      email: 'newcomer@example.com',
      superAdmin: true,
    });
    // HubSpot's proxy retries a 5xx from the backend once, so the fault outlasts both attempts.
    await harness.hubspot.control.addFault({ match: 'GET /settings/v3/users/*', kind: '503', times: 4 });
    const refused = await as(newcomer.email, 'PUT', '/api/sync/pause', { paused: true });
    expect(refused.status).toBe(503);
    expect(errorOf(refused)).toMatchObject({
      code: 'access_check_unavailable',
      details: { reason: 'hubspot_unavailable' },
    });
    expect((await installations.findById(harness.testDb.db, installation.id))?.state.pausedByAdmin).toBe(
      false,
    );
    const me = await as(newcomer.email, 'GET', '/api/me');
    expect(me).toMatchObject({ status: 200, body: { canManageSettings: false, superAdmin: false } });
    expect(me.body.reason).toMatch(/try again/);
    await harness.hubspot.control.clearFaults();
    expect((await as(newcomer.email, 'GET', '/api/me')).body).toMatchObject({ canManageSettings: true });
  });

  it('refuses a signed request that names no user', async () => {
    const path = `/api/sync/pause?portalId=${portalId}`;
    const url = `${harness.bridge.baseUrl}${path}`;
    const body = JSON.stringify({ paused: true });
    const timestamp = String(harness.clock.now());
    const response = await fetch(url, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/json',
        'X-HubSpot-Request-Timestamp': timestamp,
        'X-HubSpot-Signature-v3': computeSignatureV3({
          clientSecret: TEST_HUBSPOT_APP.clientSecret,
          method: 'PUT',
          url,
          rawBody: body,
          timestamp,
        }),
      },
      body,
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as Envelope).error).toMatchObject({
      code: 'forbidden',
      details: { basis: 'no_signed_user' },
    });
  });
});
