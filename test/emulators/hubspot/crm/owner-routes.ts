/** /crm/v3/owners: the portal's users who can own records (hubspot_owner_id values are owner ids). */
import { isoOf } from '../clock';
import { errors } from '../http/errors';
import { queryBool, queryInt } from '../http/request';
import type { RequestContext, Router } from '../http/router';
import type { Owner } from '../state/portal';
import { linkTo, portalOf } from './route-helpers';

const SCOPES = () => ['crm.objects.owners.read'];

function ownerToWire(owner: Owner): Record<string, unknown> {
  return {
    id: owner.id,
    email: owner.email,
    type: 'PERSON',
    firstName: owner.firstName,
    lastName: owner.lastName,
    userId: owner.userId,
    userIdIncludingInactive: owner.userId,
    createdAt: isoOf(owner.createdAtMs),
    updatedAt: isoOf(owner.updatedAtMs),
    archived: owner.archived,
    teams: [],
  };
}

function list(ctx: RequestContext) {
  const portal = portalOf(ctx);
  const limit = queryInt(ctx.query, 'limit') ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw errors.validation('limit must be between 1 and 500');
  const archived = queryBool(ctx.query, 'archived');
  const email = ctx.query.get('email')?.toLowerCase();
  const after = Number(ctx.query.get('after') ?? 0);
  const matching = [...portal.owners.values()]
    .filter((owner) => owner.archived === archived && (!email || owner.email.toLowerCase() === email))
    .sort((a, b) => Number(a.id) - Number(b.id))
    .filter((owner) => Number(owner.id) >= after);
  const page = matching.slice(0, limit);
  const body: Record<string, unknown> = { results: page.map(ownerToWire) };
  const next = matching[limit];
  if (next) {
    const query = new URLSearchParams(ctx.query);
    query.set('after', next.id);
    body.paging = { next: { after: next.id, link: linkTo(ctx, ctx.path, query) } };
  }
  return { status: 200, body };
}

function getById(ctx: RequestContext) {
  const portal = portalOf(ctx);
  const id = ctx.params.ownerId ?? '';
  const byUserId = ctx.query.get('idProperty') === 'userId';
  const archived = queryBool(ctx.query, 'archived');
  const owner = [...portal.owners.values()].find(
    (candidate) =>
      (byUserId ? String(candidate.userId) === id : candidate.id === id) && candidate.archived === archived,
  );
  if (!owner) throw errors.objectNotFound(id);
  return { status: 200, body: ownerToWire(owner) };
}

export function registerOwnerRoutes(router: Router): void {
  router.add({ method: 'GET', pattern: '/crm/v3/owners', kind: 'api', scopes: SCOPES, handler: list });
  router.add({
    method: 'GET',
    pattern: '/crm/v3/owners/:ownerId',
    kind: 'api',
    scopes: SCOPES,
    handler: getById,
  });
}
