/**
 * Who may change the settings, asked of the HubSpot emulator through the real SDK with a real database:
 * the answer is cached per portal and user for a few minutes (bounded), the settings' roles apply at once,
 * and every way HubSpot can fail to answer refuses rather than allows.
 */
import { Client } from '@hubspot/api-client';
import type { ClientsBySide } from '../../../src/auth/clients';
import { openGate, type CallBudget } from '../../../src/connectors/gate';
import * as settingsTable from '../../../src/db/settings';
import { err, ok } from '../../../src/domain/result';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import { SettingsAccess, USER_CACHE_TTL_MS } from '../../../src/settings/access';
import { startHubSpotEmulator, type HubSpotEmulator } from '../../emulators/hubspot';
import { recordingLogger } from '../../fakes/recordingLogger';
import { insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const USER_ROUTE = 'GET /settings/v3/users/{userId}';
const noBudget: CallBudget = { gateFor: () => ({ ...openGate, settled: async () => undefined }) };

describe.each(testDialects)('settings access against HubSpot on %s', (dialect) => {
  let testDb: TestDb;
  let emulator: HubSpotEmulator;
  let portalId: number;
  let installationId: string;
  let accessToken: string;
  let now: number;
  let admin: { userId: number; email: string };
  let rep: { userId: number; email: string; roleIds: string[] };

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    emulator = await startHubSpotEmulator({ env: {} });
  });
  afterAll(async () => {
    await emulator.close();
    await testDb.destroy();
  });
  beforeEach(async () => {
    await emulator.control.reset();
    portalId = emulator.defaultPortalId;
    installationId = await insertInstallation(testDb.db);
    accessToken = (await emulator.control.issueToken(portalId)).accessToken;
    const { users } = await emulator.control.portal(portalId);
    admin = users[0]!;
    rep = users[1]!;
    now = 1_800_000_000_000;
  });

  const clients = (): ClientsBySide => ({
    hubspot: async () =>
      ok(new Client({ accessToken, basePath: emulator.baseUrl, numberOfApiCallRetries: 0 })),
    salesforce: async () => err({ code: 'salesforce_not_connected', message: 'not needed here' }),
  });

  function access(options: { maxEntries?: number; callTimeoutMs?: number; clients?: ClientsBySide } = {}) {
    return new SettingsAccess(
      {
        db: testDb.db,
        clients: options.clients ?? clients(),
        budget: noBudget,
        now: () => now,
        logger: recordingLogger(),
      },
      options,
    );
  }
  const installation = () => ({ id: installationId, portalId: String(portalId) });
  const signed = (user: { userId: number; email: string }) => ({
    userId: String(user.userId),
    userEmail: user.email,
  });
  const userCalls = async () => (await emulator.control.calls()).byRoute[USER_ROUTE] ?? 0;

  async function nameRoles(settingsRoleIds: string[], baseVersion: number) {
    const saved = await settingsTable.save(
      testDb.db,
      installationId,
      {
        document: { ...defaultSettingsInput, access: { settingsRoleIds } } as never,
        createdBy: 'test',
        baseVersion,
      },
      now,
    );
    expect(saved.ok).toBe(true);
  }

  it('lets a super admin through and refuses a rep, each asked of HubSpot once within the cache time', async () => {
    const checker = access();
    const adminAnswer = await checker.check(installation(), signed(admin));
    expect(adminAnswer).toEqual({
      ok: true,
      value: {
        user: { id: String(admin.userId), email: admin.email },
        superAdmin: true,
        decision: { allowed: true, basis: 'super_admin', reason: null },
      },
    });
    const repAnswer = await checker.check(installation(), signed(rep));
    expect(repAnswer.ok && repAnswer.value.decision).toMatchObject({ allowed: false, basis: 'no_role' });
    expect(await userCalls()).toBe(2);

    await checker.check(installation(), signed(admin));
    await checker.check(installation(), signed(rep));
    expect(await userCalls()).toBe(2);

    // A change in HubSpot shows once the cached answer is older than the cache time.
    await emulator.control.updateUser(portalId, admin.userId, { superAdmin: false });
    now += USER_CACHE_TTL_MS - 1;
    expect((await checker.check(installation(), signed(admin))).ok).toBe(true);
    expect(await userCalls()).toBe(2);
    now += 1;
    const demoted = await checker.check(installation(), signed(admin));
    expect(demoted.ok && demoted.value.decision.allowed).toBe(false);
    expect(await userCalls()).toBe(3);
  });

  it('applies a role named in the settings at once, without asking HubSpot again', async () => {
    const checker = access();
    expect((await checker.check(installation(), signed(rep))).ok).toBe(true);
    await nameRoles(rep.roleIds, 0);
    const allowed = await checker.check(installation(), signed(rep));
    expect(allowed.ok && allowed.value.decision).toEqual({ allowed: true, basis: 'role', reason: null });
    await nameRoles(['some-other-role'], 1);
    const refused = await checker.check(installation(), signed(rep));
    expect(refused.ok && refused.value.decision.allowed).toBe(false);
    expect(await userCalls()).toBe(1);
  });

  it('keeps a bounded number of users, dropping the least recently asked', async () => {
    const checker = access({ maxEntries: 2 });
    const third = await emulator.control.addUser(portalId, { email: 'third@example.com' });
    await checker.check(installation(), signed(admin));
    await checker.check(installation(), signed(rep));
    await checker.check(installation(), signed(admin)); // admin is now the most recent
    await checker.check(installation(), signed(third)); // rep goes
    expect(await userCalls()).toBe(3);
    await checker.check(installation(), signed(admin));
    expect(await userCalls()).toBe(3);
    await checker.check(installation(), signed(rep));
    expect(await userCalls()).toBe(4);
  });

  it('refuses a request without a signed user, and a user HubSpot does not know, without allowing anything', async () => {
    const checker = access();
    const unsigned = await checker.check(installation(), { userId: null, userEmail: null });
    expect(unsigned.ok && unsigned.value.decision).toMatchObject({ allowed: false, basis: 'no_signed_user' });
    expect(await userCalls()).toBe(0);
    const stranger = await checker.check(installation(), { userId: '424242', userEmail: 'x@example.com' });
    expect(stranger.ok && stranger.value).toMatchObject({
      user: { id: '424242', email: 'x@example.com' },
      superAdmin: false,
      decision: { allowed: false, basis: 'unknown_user' },
    });
  });

  it.each([
    ['a 503', { kind: '503' as const }, 'hubspot_unavailable'],
    ['a 429', { kind: '429' as const }, 'hubspot_unavailable'],
    ['no answer', { kind: 'hang' as const, delayMs: 2_000 }, 'hubspot_unavailable'],
  ])('fails closed on %s from HubSpot, and asks again next time', async (_case, fault, reason) => {
    const checker = access({ callTimeoutMs: 300 });
    await emulator.control.addFault({ match: 'GET /settings/v3/users/*', ...fault });
    const failed = await checker.check(installation(), signed(admin));
    expect(failed).toMatchObject({ ok: false, error: { code: 'access_check_unavailable', reason } });
    expect(failed.ok ? '' : failed.error.message).toMatch(/try again/);
    const retried = await checker.check(installation(), signed(admin));
    expect(retried.ok && retried.value.decision.allowed).toBe(true);
  });

  it('fails closed when the token lacks settings.users.read, saying the app must be installed again', async () => {
    accessToken = (
      await emulator.control.issueToken(portalId, { scopes: ['oauth', 'crm.objects.contacts.read'] })
    ).accessToken;
    const checker = access();
    const failed = await checker.check(installation(), signed(admin));
    expect(failed).toMatchObject({ ok: false, error: { reason: 'missing_scope' } });
    expect(failed.ok ? '' : failed.error.message).toMatch(/install the app again/);
    expect(await checker.roles(installation())).toMatchObject({
      ok: false,
      error: { reason: 'missing_scope' },
    });
  });

  it('fails closed when the installation has no working HubSpot token', async () => {
    const checker = access({
      clients: {
        hubspot: async () => err({ code: 'hubspot_uninstalled', message: 'The app was uninstalled.' }),
        salesforce: async () => err({ code: 'salesforce_not_connected', message: '' }),
      },
    });
    expect(await checker.check(installation(), signed(admin))).toMatchObject({
      ok: false,
      error: { reason: 'not_connected' },
    });
  });

  it("lists the portal's roles by id and name", async () => {
    const roles = await access().roles(installation());
    expect(roles.ok && roles.value.map((role) => role.name)).toEqual(['Sales Manager', 'Sales Rep']);
    expect(roles.ok && roles.value.map((role) => role.id)).toContain(rep.roleIds[0]);
  });
});
