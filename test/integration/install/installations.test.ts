import { createTestDb, testDialects, type TestDb } from '../../support/db';
import { testContext, type TestContext } from '../../support/bridge-context';
import { makeInstallation } from '../../support/installations';
import type { SealedToken } from '../../../src/auth/tokenCipher';
import { sealToken } from '../../../src/auth/sealedColumns';
import * as installations from '../../../src/db/installations';
import { setAdminPause } from '../../../src/settings/pause';

describe.each(testDialects)('installations table on %s', (dialect) => {
  let testDb: TestDb;
  let ctx: TestContext;

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    ctx = testContext(testDb.db);
  });
  afterAll(async () => testDb.destroy());

  it('creates a first install awaiting Salesforce, with sync paused for that reason', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    expect(installation).toMatchObject({
      status: 'awaiting_salesforce',
      state: { hubspot: 'connected', salesforce: 'not_connected', pausedByAdmin: false },
      syncPaused: true,
      pauseReason: 'salesforce_not_connected',
    });
    const row = await testDb.db('installations').where({ id: installation.id }).first();
    expect(row).toMatchObject({ status: 'awaiting_salesforce', pause_reason: 'salesforce_not_connected' });
    expect(Boolean(row.sync_paused)).toBe(true);
  });

  it('keeps one row per portal', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await expect(
      makeInstallation(testDb.db, ctx.cipher, { portalId: installation.portalId }),
    ).rejects.toThrow();
    expect(await installations.findByPortalId(testDb.db, installation.portalId)).toMatchObject({
      id: installation.id,
    });
  });

  it('refuses to write a token that is not sealed', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await expect(
      installations.update(testDb.db, installation.id, Date.now(), {
        hubspotAccessToken: 'plain-token' as SealedToken,
      }),
    ).rejects.toThrow(/unsealed token/);
  });

  it('moves states through the state machine and stores the derived status', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    const connected = await installations.applyEvent(
      testDb.db,
      installation.id,
      'salesforce_connected',
      Date.now(),
      {
        salesforceOrgId: '00D000000000001AAA',
      },
    );
    expect(connected.ok && connected.installation).toMatchObject({
      status: 'active',
      syncPaused: false,
      pauseReason: null,
    });
    expect(connected.ok && connected.previous.status).toBe('awaiting_salesforce');

    const failed = await installations.applyEvent(
      testDb.db,
      installation.id,
      'salesforce_refresh_failed',
      Date.now(),
    );
    expect(failed.ok && failed.installation).toMatchObject({
      status: 'needs_reauth',
      pauseReason: 'salesforce_needs_reauth',
    });
    const row = await testDb.db('installations').where({ id: installation.id }).first();
    expect(row).toMatchObject({
      status: 'needs_reauth',
      salesforce_state: 'needs_reauth',
      salesforce_org_id: '00D000000000001AAA',
    });
  });

  it('rejects an illegal move and changes nothing', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    const before = await testDb.db('installations').where({ id: installation.id }).first();
    const result = await installations.applyEvent(
      testDb.db,
      installation.id,
      'salesforce_refresh_failed',
      Date.now() + 5,
      {
        lastError: { side: 'salesforce', code: 'x', message: 'should not be written', at: 1 },
      },
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/salesforce_refresh_failed.*not_connected/);
    expect(await testDb.db('installations').where({ id: installation.id }).first()).toEqual(before);
  });

  it('reads back the JSON columns it wrote', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    const report = {
      checkedAt: 5,
      ok: false,
      objects: [],
      problems: ['The connected user cannot read Lead records.'],
      error: 'timeout',
    };
    await installations.update(testDb.db, installation.id, 6, {
      salesforceCapabilities: report,
      salesforceScopes: ['api', 'refresh_token'],
      lastError: { side: 'hubspot', code: 'provider_unavailable', message: 'down', at: 6 },
    });
    const read = await installations.findById(testDb.db, installation.id);
    expect(read?.salesforce.capabilities).toEqual(report);
    expect(read?.salesforce.scopes).toEqual(['api', 'refresh_token']);
    expect(read?.lastError).toEqual({
      side: 'hubspot',
      code: 'provider_unavailable',
      message: 'down',
      at: 6,
    });
    expect(read?.updatedAt).toBe(6);
  });

  it('keeps the admin pause and connection pauses apart', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    await installations.applyEvent(testDb.db, installation.id, 'salesforce_connected', Date.now());
    const paused = await setAdminPause(ctx, installation.id, true);
    expect(paused.ok && paused.value).toMatchObject({ syncPaused: true, pauseReason: 'paused_by_admin' });
    await installations.applyEvent(testDb.db, installation.id, 'salesforce_refresh_failed', Date.now());
    const resumed = await setAdminPause(ctx, installation.id, false);
    // Resuming does not start sync while Salesforce still needs a reconnect.
    expect(resumed.ok && resumed.value).toMatchObject({
      syncPaused: true,
      pauseReason: 'salesforce_needs_reauth',
    });
    const reconnected = await installations.applyEvent(
      testDb.db,
      installation.id,
      'salesforce_connected',
      Date.now(),
    );
    expect(reconnected.ok && reconnected.installation).toMatchObject({
      syncPaused: false,
      pauseReason: null,
      status: 'active',
    });
  });

  it('writes refreshed tokens only while the side is connected and holds the refresh token the refresh used', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    const used = installation.hubspot.refreshToken as SealedToken;
    const sealed = (value: string) => sealToken(ctx.cipher, installation.id, 'hubspot_access_token', value);
    const expected = { side: 'hubspot', refreshToken: used } as const;
    expect(
      await installations.updateTokensIfCurrent(testDb.db, installation.id, Date.now(), expected, {
        hubspotAccessToken: sealed('first'),
      }),
    ).toBe(true);

    // Another refresh rotated the refresh token meanwhile: the late one writes nothing.
    const rotated = sealToken(ctx.cipher, installation.id, 'hubspot_refresh_token', 'rotated');
    await installations.update(testDb.db, installation.id, Date.now(), { hubspotRefreshToken: rotated });
    expect(
      await installations.updateTokensIfCurrent(testDb.db, installation.id, Date.now(), expected, {
        hubspotAccessToken: sealed('late'),
      }),
    ).toBe(false);
    const stored = await installations.findById(testDb.db, installation.id);
    expect(stored?.hubspot.accessToken).not.toBeNull();
    expect(
      ctx.cipher.open(
        stored?.hubspot.accessToken as SealedToken,
        `installations/${installation.id}/hubspot_access_token`,
      ),
    ).toBe('first');

    // Uninstalled meanwhile: nothing comes back either, even with the right refresh token.
    await installations.applyEvent(testDb.db, installation.id, 'hubspot_refresh_refused', Date.now(), {
      hubspotAccessToken: null,
    });
    expect(
      await installations.updateTokensIfCurrent(
        testDb.db,
        installation.id,
        Date.now(),
        { side: 'hubspot', refreshToken: rotated },
        { hubspotAccessToken: sealed('after-uninstall') },
      ),
    ).toBe(false);
    expect((await installations.findById(testDb.db, installation.id))?.hubspot.accessToken).toBeNull();
  });

  it('applies an event only if the row is still what the caller decided on', async () => {
    const installation = await makeInstallation(testDb.db, ctx.cipher);
    const refused = await installations.applyEvent(
      testDb.db,
      installation.id,
      'hubspot_refresh_refused',
      Date.now(),
      { hubspotRefreshToken: null },
      { onlyIf: () => false },
    );
    expect(refused).toMatchObject({ ok: false, reason: 'the installation changed meanwhile' });
    expect((await installations.findById(testDb.db, installation.id))?.status).toBe('awaiting_salesforce');
  });
});
