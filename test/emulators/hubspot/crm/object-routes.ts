/** CRM v3 single-object routes: get, list, create, update, archive, merge, GDPR delete. */
import { z } from 'zod';
import { errors } from '../http/errors';
import { queryBool, queryInt, queryList } from '../http/request';
import type { RequestContext, Router } from '../http/router';
import type { EmulatorState } from '../state/emulator-state';
import { associate, CreateAssociationsSchema } from './association-ops';
import { associationType } from './associations';
import { assertIdProperty, findRecord } from './lookup';
import { gdprDelete, mergeRecords } from './merge';
import { resolveObjectType, type ObjectType } from './object-types';
import { applyArchive, applyCreate, applyUpdate, prepareWrite, type WriteContext } from './records';
import { appWriteContext, linkTo, objectScopes, objectTypeOf, parseInput, portalOf } from './route-helpers';
import { recordToWire, type ReadShape } from './serialize';

export const PropertiesSchema = z.record(z.string(), z.unknown());

const CreateSchema = z.object({
  properties: PropertiesSchema,
  associations: CreateAssociationsSchema.optional(),
});
const UpdateSchema = z.object({ properties: PropertiesSchema });
const MergeSchema = z.object({ primaryObjectId: z.coerce.string(), objectIdToMerge: z.coerce.string() });
const GdprSchema = z.object({ objectId: z.coerce.string(), idProperty: z.string().optional() });

const LIST_LIMIT_MAX = 100;
const LIST_WITH_HISTORY_LIMIT_MAX = 50;

export function readShapeFromQuery(ctx: RequestContext): ReadShape {
  const associations = (queryList(ctx.query, 'associations') ?? [])
    .map((name) => resolveObjectType(name))
    .filter((type): type is ObjectType => type !== null);
  const shape: ReadShape = { associations };
  const properties = queryList(ctx.query, 'properties');
  if (properties) shape.properties = properties;
  const history = queryList(ctx.query, 'propertiesWithHistory');
  if (history) shape.propertiesWithHistory = history;
  return shape;
}

function getById(state: EmulatorState, ctx: RequestContext) {
  const portal = portalOf(ctx);
  const type = objectTypeOf(ctx);
  const table = portal.tables[type];
  const idProperty = ctx.query.get('idProperty') ?? undefined;
  assertIdProperty(table, idProperty);
  const id = ctx.params.objectId ?? '';
  const record = findRecord(table, id, { idProperty, archived: queryBool(ctx.query, 'archived') });
  if (!record) throw errors.objectNotFound(id);
  return { status: 200, body: recordToWire(portal, record, readShapeFromQuery(ctx)) };
}

function list(state: EmulatorState, ctx: RequestContext) {
  const portal = portalOf(ctx);
  const type = objectTypeOf(ctx);
  const table = portal.tables[type];
  const shape = readShapeFromQuery(ctx);
  const maxLimit = shape.propertiesWithHistory ? LIST_WITH_HISTORY_LIMIT_MAX : LIST_LIMIT_MAX;
  const limit = queryInt(ctx.query, 'limit') ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw errors.validation(`limit must be between 1 and ${maxLimit}, got ${ctx.query.get('limit')}`);
  }
  const afterText = ctx.query.get('after');
  const after = afterText === null || afterText === '' ? 0 : Number(afterText);
  if (!Number.isFinite(after)) throw errors.validation(`after must be a paging cursor, got ${afterText}`);
  const archived = queryBool(ctx.query, 'archived');
  const results: Record<string, unknown>[] = [];
  let next: number | null = null;
  for (let index = table.indexFrom(after); index < table.sortedIds.length; index += 1) {
    const record = table.records.get(String(table.sortedIds[index]));
    if (!record || record.archived !== archived) continue;
    if (results.length === limit) {
      next = Number(record.id);
      break;
    }
    results.push(recordToWire(portal, record, shape));
  }
  const body: Record<string, unknown> = { results };
  if (next !== null) {
    const query = new URLSearchParams(ctx.query);
    query.set('after', String(next));
    body.paging = { next: { after: String(next), link: linkTo(ctx, ctx.path, query) } };
  }
  return { status: 200, body };
}

function create(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  const input = parseInput(CreateSchema, ctx.body);
  const context = appWriteContext(state, ctx);
  const prepared = prepareWrite(context, type, null, input.properties);
  if (!prepared.ok) throw prepared.error;
  const links = (input.associations ?? []).flatMap((association) =>
    association.types.map((spec) => ({ toId: association.to.id, spec })),
  );
  for (const { toId, spec } of links) {
    const info = associationType(spec.associationTypeId);
    if (!info || info.from !== type || spec.associationCategory !== 'HUBSPOT_DEFINED') {
      throw errors.validation(
        `One or more associations are invalid: ${spec.associationCategory} ${spec.associationTypeId} is not an association type from ${type}`,
      );
    }
    const problem = checkTarget(context, info.to, toId);
    if (problem) throw problem;
  }
  const record = applyCreate(context, type, prepared.value);
  for (const { toId, spec } of links) {
    const info = associationType(spec.associationTypeId);
    if (info) associate(context, type, record.id, info.to, toId, [spec.associationTypeId]);
  }
  return { status: 201, body: recordToWire(context.portal, record, { properties: 'all' }) };
}

/** At create time the new record does not exist yet; only the type pairing and the target are checked. */
function checkTarget(context: WriteContext, toType: ObjectType, toId: string) {
  const target = context.portal.tables[toType].records.get(toId);
  return !target || target.archived
    ? errors.validation(`One or more associations are invalid: no ${toType} with id ${toId}`)
    : null;
}

function update(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  const input = parseInput(UpdateSchema, ctx.body);
  const context = appWriteContext(state, ctx);
  const table = context.portal.tables[type];
  const idProperty = ctx.query.get('idProperty') ?? undefined;
  assertIdProperty(table, idProperty);
  const id = ctx.params.objectId ?? '';
  const record = findRecord(table, id, { idProperty });
  if (!record) throw errors.objectNotFound(id);
  const prepared = prepareWrite(context, type, record, input.properties);
  if (!prepared.ok) throw prepared.error;
  applyUpdate(context, type, record, prepared.value);
  return { status: 200, body: recordToWire(context.portal, record, { properties: 'all' }) };
}

function archive(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  const context = appWriteContext(state, ctx);
  const record = findRecord(context.portal.tables[type], ctx.params.objectId ?? '');
  // HubSpot answers 204 for ids that do not exist (or are archived already).
  if (record) applyArchive(context, type, record);
  return { status: 204 };
}

function merge(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  const input = parseInput(MergeSchema, ctx.body);
  const context = appWriteContext(state, ctx);
  const table = context.portal.tables[type];
  const primary = findRecord(table, input.primaryObjectId);
  if (!primary) throw errors.objectNotFound(input.primaryObjectId);
  const secondary = findRecord(table, input.objectIdToMerge);
  if (!secondary) throw errors.objectNotFound(input.objectIdToMerge);
  const merged = mergeRecords(context, type, primary, secondary);
  if (!merged.ok) throw merged.error;
  return { status: 200, body: recordToWire(context.portal, merged.value, { properties: 'all' }) };
}

function purge(state: EmulatorState, ctx: RequestContext) {
  const type = objectTypeOf(ctx);
  if (type !== 'contacts') throw errors.routeNotFound(ctx.method, ctx.path);
  const input = parseInput(GdprSchema, ctx.body);
  const context = appWriteContext(state, ctx);
  const table = context.portal.tables.contacts;
  assertIdProperty(table, input.idProperty);
  const record =
    findRecord(table, input.objectId, { idProperty: input.idProperty }) ??
    findRecord(table, input.objectId, { idProperty: input.idProperty, archived: true });
  if (!record && input.idProperty !== 'email') throw errors.objectNotFound(input.objectId);
  gdprDelete(context, record, record ? null : input.objectId);
  return { status: 204 };
}

export function registerObjectRoutes(router: Router, state: EmulatorState): void {
  const read = objectScopes('read');
  const write = objectScopes('write');
  const base = '/crm/v3/objects/:objectType';
  router.add({
    method: 'POST',
    pattern: `${base}/merge`,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => merge(state, ctx),
  });
  router.add({
    method: 'POST',
    pattern: `${base}/gdpr-delete`,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => purge(state, ctx),
  });
  router.add({ method: 'GET', pattern: base, kind: 'api', scopes: read, handler: (ctx) => list(state, ctx) });
  router.add({
    method: 'POST',
    pattern: base,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => create(state, ctx),
  });
  router.add({
    method: 'GET',
    pattern: `${base}/:objectId`,
    kind: 'api',
    scopes: read,
    handler: (ctx) => getById(state, ctx),
  });
  router.add({
    method: 'PATCH',
    pattern: `${base}/:objectId`,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => update(state, ctx),
  });
  router.add({
    method: 'DELETE',
    pattern: `${base}/:objectId`,
    kind: 'api',
    scopes: write,
    handler: (ctx) => archive(state, ctx),
  });
}
