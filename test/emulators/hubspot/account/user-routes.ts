/**
 * The user provisioning API's reads (`/settings/v3/users`): one user of the account, and the account's roles.
 * Users are the portal's users (the same people as its owners); a deactivated (archived) one is not found.
 */
import { errors } from '../http/errors';
import type { RequestContext, Router } from '../http/router';
import { portalOf } from '../crm/route-helpers';
import type { Owner, Role } from '../state/portal';

/** Either scope reads users; HubSpot lists both for the user provisioning API. */
const SCOPES = () => ['settings.users.read', 'settings.users.write'];

const ID_PROPERTIES = ['USER_ID', 'EMAIL'] as const;

/** A PublicUser: `roleId` is the older single-role field, kept while a user holds exactly one role. */
export function userToWire(owner: Owner): Record<string, unknown> {
  return {
    id: String(owner.userId),
    email: owner.email,
    firstName: owner.firstName,
    lastName: owner.lastName,
    roleIds: [...owner.roleIds],
    ...(owner.roleIds.length === 1 ? { roleId: owner.roleIds[0] } : {}),
    secondaryTeamIds: [],
    superAdmin: owner.superAdmin,
  };
}

export function roleToWire(role: Role): Record<string, unknown> {
  return { id: role.id, name: role.name, requiresBillingWrite: role.requiresBillingWrite };
}

function getById(ctx: RequestContext) {
  const portal = portalOf(ctx);
  const idProperty = ctx.query.get('idProperty') ?? 'USER_ID';
  if (!(ID_PROPERTIES as readonly string[]).includes(idProperty)) {
    throw errors.validation(
      `idProperty must be one of ${ID_PROPERTIES.join(', ')}; got ${JSON.stringify(idProperty)}`,
    );
  }
  const reference = (ctx.params.userId ?? '').trim();
  const wanted = reference.toLowerCase();
  const user = [...portal.owners.values()].find(
    (owner) =>
      !owner.archived &&
      (idProperty === 'EMAIL' ? owner.email.toLowerCase() === wanted : String(owner.userId) === reference),
  );
  if (!user) throw errors.notFound(`Could not find user with ${idProperty} ${reference}`);
  return { status: 200, body: userToWire(user) };
}

function listRoles(ctx: RequestContext) {
  const portal = portalOf(ctx);
  return { status: 200, body: { results: [...portal.roles.values()].map(roleToWire) } };
}

export function registerUserRoutes(router: Router): void {
  // The literal route first: `roles` would otherwise be taken for a user id.
  router.add({
    method: 'GET',
    pattern: '/settings/v3/users/roles',
    kind: 'api',
    scopes: SCOPES,
    handler: listRoles,
  });
  router.add({
    method: 'GET',
    pattern: '/settings/v3/users/:userId',
    kind: 'api',
    scopes: SCOPES,
    handler: getById,
  });
}
