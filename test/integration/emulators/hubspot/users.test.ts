import type { HubSpotEmulator } from '../../../emulators/hubspot';
import { apiError, sdk, startEmulator } from './support';

let emulator: HubSpotEmulator;
let portalId: number;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  portalId = emulator.defaultPortalId;
});

async function client(scopes?: string[]) {
  const { accessToken } = await emulator.control.issueToken(portalId, scopes ? { scopes } : {});
  return sdk(emulator, accessToken);
}

async function usersOf(id: number) {
  const { users } = await emulator.control.portal(id);
  const [admin, rep] = users;
  if (!admin || !rep) throw new Error('a portal starts with two users');
  return { admin, rep };
}

describe('the user provisioning API (settings/v3/users)', () => {
  it("reads a user by id: the admin is a super admin, the rep holds the portal's Sales Rep role", async () => {
    const hubspot = await client();
    const { admin, rep } = await usersOf(portalId);
    const { results: roles } = await hubspot.settings.users.rolesApi.getAll();
    const salesRep = roles.find((role) => role.name === 'Sales Rep');

    const adminUser = await hubspot.settings.users.usersApi.getById(String(admin.userId));
    expect(adminUser).toMatchObject({
      id: String(admin.userId),
      email: `admin@portal${portalId}.example.com`,
      firstName: 'Avery',
      lastName: 'Admin',
      superAdmin: true,
      roleIds: [],
      secondaryTeamIds: [],
    });
    expect(adminUser.roleId).toBeUndefined();

    const repUser = await hubspot.settings.users.usersApi.getById(String(rep.userId));
    expect(repUser).toMatchObject({
      id: String(rep.userId),
      email: `rep@portal${portalId}.example.com`,
      superAdmin: false,
      roleIds: [salesRep?.id],
      roleId: salesRep?.id,
    });
  });

  it('reads a user by email with idProperty=EMAIL, case-insensitively', async () => {
    const hubspot = await client();
    const { rep } = await usersOf(portalId);
    const byEmail = await hubspot.settings.users.usersApi.getById(
      `REP@portal${portalId}.example.com`,
      'EMAIL',
    );
    expect(byEmail.id).toBe(String(rep.userId));
  });

  it('answers 404 for a user the portal does not have, and 400 for an unknown idProperty', async () => {
    const hubspot = await client();
    const missing = await apiError(hubspot.settings.users.usersApi.getById('999'));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    const { admin } = await usersOf(portalId);
    const response = await fetch(
      `${emulator.baseUrl}/settings/v3/users/${admin.userId}?idProperty=OWNER_ID`,
      { headers: { Authorization: `Bearer ${(await emulator.control.issueToken(portalId)).accessToken}` } },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ category: 'VALIDATION_ERROR' });
  });

  it("lists the account's roles as permission sets: id, name, requiresBillingWrite", async () => {
    const hubspot = await client();
    const { results } = await hubspot.settings.users.rolesApi.getAll();
    expect(results.map((role) => ({ ...role }))).toEqual([
      { id: expect.any(String), name: 'Sales Manager', requiresBillingWrite: false },
      { id: expect.any(String), name: 'Sales Rep', requiresBillingWrite: false },
    ]);
  });

  it('refuses a token without settings.users.read with MISSING_SCOPES, and a call without a token with 401', async () => {
    const hubspot = await client(['oauth', 'crm.objects.contacts.read']);
    const { admin } = await usersOf(portalId);
    for (const call of [
      hubspot.settings.users.usersApi.getById(String(admin.userId)),
      hubspot.settings.users.rolesApi.getAll(),
    ]) {
      const refused = await apiError(call);
      expect(refused.code).toBe(403);
      expect(refused.body).toMatchObject({
        status: 'error',
        category: 'MISSING_SCOPES',
        errors: [{ context: { requiredGranularScopes: ['settings.users.read', 'settings.users.write'] } }],
      });
    }
    const anonymous = await apiError(sdk(emulator).settings.users.rolesApi.getAll());
    expect(anonymous.code).toBe(401);
  });

  it('shows what the control API changes: roles granted, super admin taken away, users and roles added', async () => {
    const hubspot = await client();
    const { admin, rep } = await usersOf(portalId);
    const ops = await emulator.control.addRole(portalId, { name: 'RevOps' });
    expect((await hubspot.settings.users.rolesApi.getAll()).results.map((role) => role.name)).toContain(
      'RevOps',
    );

    await emulator.control.updateUser(portalId, rep.email, { roleIds: [ops.id] });
    await emulator.control.updateUser(portalId, admin.userId, { superAdmin: false });
    expect(await hubspot.settings.users.usersApi.getById(String(rep.userId))).toMatchObject({
      roleIds: [ops.id],
      superAdmin: false,
    });
    expect(await hubspot.settings.users.usersApi.getById(String(admin.userId))).toMatchObject({
      superAdmin: false,
    });

    const added = await emulator.control.addUser(portalId, {
      email: 'ops@example.com',
      firstName: 'Olive',
      roleIds: [ops.id],
    });
    expect(added).toMatchObject({ superAdmin: false, roleIds: [ops.id] });
    expect(await hubspot.settings.users.usersApi.getById('ops@example.com', 'EMAIL')).toMatchObject({
      id: String(added.userId),
      firstName: 'Olive',
      roleIds: [ops.id],
    });
    await expect(
      emulator.control.updateUser(portalId, rep.email, { roleIds: ['no-such-role'] }),
    ).rejects.toMatchObject({ status: 400 });

    // Replacing the roles drops ids that no longer exist from every user.
    const { results } = await emulator.control.setRoles(portalId, [{ id: 'r-1', name: 'Admins' }]);
    expect(results).toEqual([{ id: 'r-1', name: 'Admins', requiresBillingWrite: false }]);
    expect(await hubspot.settings.users.usersApi.getById(String(rep.userId))).toMatchObject({ roleIds: [] });
    expect(
      (await emulator.control.portal(portalId)).users.find((user) => user.userId === rep.userId),
    ).toMatchObject({ roleIds: [] });
  });

  it('gives every new portal the same starting users and roles', async () => {
    const created = await emulator.control.createPortal(7001);
    const { results: roles } = await emulator.control.roles(7001);
    expect(roles.map((role) => role.name)).toEqual(['Sales Manager', 'Sales Rep']);
    expect(created.users.map((user) => [user.superAdmin, user.roleIds])).toEqual([
      [true, []],
      [false, [roles[1]?.id]],
    ]);
  });
});
