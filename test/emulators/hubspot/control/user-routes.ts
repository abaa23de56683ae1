/**
 * /_emulator/ control routes for a portal's users and roles: who is a super admin, who holds which role,
 * what roles the account has. What HubSpot's settings pages do for an account's admin.
 */
import { parseInput } from '../crm/route-helpers';
import { errors } from '../http/errors';
import type { RequestContext, Router } from '../http/router';
import type { EmulatorState } from '../state/emulator-state';
import type { Owner, Portal } from '../state/portal';
import { RoleInputSchema, RolesReplaceSchema, UserAddSchema, UserPatchSchema } from './schemas';

/** A portal user as the control API shows it (also in `GET /portals/{id}`). */
export function userView(owner: Owner): Record<string, unknown> {
  return {
    ownerId: owner.id,
    userId: owner.userId,
    email: owner.email,
    firstName: owner.firstName,
    lastName: owner.lastName,
    archived: owner.archived,
    superAdmin: owner.superAdmin,
    roleIds: [...owner.roleIds],
  };
}

function portalParam(state: EmulatorState, ctx: RequestContext): Portal {
  const portal = state.portals.get(Number(ctx.params.portalId));
  if (!portal) throw errors.notFound(`No portal ${ctx.params.portalId}`);
  return portal;
}

function rolesView(portal: Portal): { results: Array<Record<string, unknown>> } {
  return { results: [...portal.roles.values()].map((role) => ({ ...role })) };
}

function knownRoleIds(portal: Portal, roleIds: string[]): string[] {
  const unknown = roleIds.filter((id) => !portal.roles.has(id));
  if (unknown.length > 0) {
    throw errors.validation(`Portal ${portal.id} has no role ${unknown.join(', ')}`);
  }
  return [...new Set(roleIds)];
}

export function registerUserControlRoutes(router: Router, state: EmulatorState): void {
  const add = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    pattern: string,
    handler: (ctx: RequestContext) => unknown,
    status = 200,
  ) =>
    router.add({
      method,
      pattern: `/_emulator${pattern}`,
      kind: 'control',
      body: 'json',
      handler: (ctx) => ({ status, body: handler(ctx) }),
    });

  add(
    'POST',
    '/portals/:portalId/users',
    (ctx) => {
      const portal = portalParam(state, ctx);
      const input = parseInput(UserAddSchema, ctx.body);
      const owner = portal.addOwner(
        { ...input, roleIds: knownRoleIds(portal, input.roleIds) },
        state.nowMs(),
      );
      return userView(owner);
    },
    201,
  );
  add('PATCH', '/portals/:portalId/users/:user', (ctx) => {
    const portal = portalParam(state, ctx);
    const owner = portal.findUser(ctx.params.user ?? '');
    if (!owner) throw errors.notFound(`Portal ${portal.id} has no user ${ctx.params.user}`);
    const input = parseInput(UserPatchSchema, ctx.body ?? {});
    if (input.roleIds !== undefined) owner.roleIds = knownRoleIds(portal, input.roleIds);
    if (input.superAdmin !== undefined) owner.superAdmin = input.superAdmin;
    if (input.firstName !== undefined) owner.firstName = input.firstName;
    if (input.lastName !== undefined) owner.lastName = input.lastName;
    owner.updatedAtMs = state.nowMs();
    return userView(owner);
  });

  add('GET', '/portals/:portalId/roles', (ctx) => rolesView(portalParam(state, ctx)));
  add(
    'POST',
    '/portals/:portalId/roles',
    (ctx) => {
      const portal = portalParam(state, ctx);
      const input = parseInput(RoleInputSchema, ctx.body);
      if (input.id !== undefined && portal.roles.has(input.id)) {
        throw errors.alreadyExists(`Portal ${portal.id} already has a role ${input.id}`);
      }
      return { ...portal.addRole(input) };
    },
    201,
  );
  add('PUT', '/portals/:portalId/roles', (ctx) => {
    const portal = portalParam(state, ctx);
    portal.replaceRoles(parseInput(RolesReplaceSchema, ctx.body).roles);
    return rolesView(portal);
  });
}
