/** CRM v4 associations: default and labelled creates, lists, removals, and their batch forms. */
import { z } from 'zod';
import { isoOf } from '../clock';
import { errors, type HubSpotApiError } from '../http/errors';
import { queryInt } from '../http/request';
import type { RequestContext, Router } from '../http/router';
import type { EmulatorState } from '../state/emulator-state';
import type { Portal } from '../state/portal';
import {
  associate,
  AssociationSpecSchema,
  checkAssociation,
  dissociate,
  type AssociationSpec,
} from './association-ops';
import { associationType, defaultAssociationType } from './associations';
import { OBJECT_TYPES, type ObjectType } from './object-types';
import type { WriteContext } from './records';
import { appWriteContext, linkTo, objectScopes, objectTypeOf, parseInput, portalOf } from './route-helpers';

const id = z.union([z.string(), z.number()]).transform(String);
const ObjectIdSchema = z.object({ id });
const BatchCreateSchema = z.object({
  inputs: z.array(
    z.object({ from: ObjectIdSchema, to: ObjectIdSchema, types: z.array(AssociationSpecSchema).min(1) }),
  ),
});
const BatchDefaultSchema = z.object({
  inputs: z.array(z.object({ from: ObjectIdSchema, to: ObjectIdSchema })),
});
const BatchReadSchema = z.object({ inputs: z.array(z.object({ id, after: z.string().optional() })) });
const BatchArchiveSchema = z.object({
  inputs: z.array(z.object({ from: ObjectIdSchema, to: z.array(ObjectIdSchema) })),
});

const DEFAULT_PAGE = 500;

function liveAssociations(portal: Portal, fromType: ObjectType, fromId: string, toType: ObjectType) {
  return portal.associations
    .list(fromType, fromId, toType)
    .filter(({ toId }) => {
      const target = portal.tables[toType].records.get(toId);
      return target !== undefined && !target.archived;
    })
    .map(({ toId, typeIds }) => ({
      toObjectId: Number(toId),
      associationTypes: typeIds.map((typeId) => ({
        category: 'HUBSPOT_DEFINED',
        typeId,
        label: associationType(typeId)?.label ?? null,
      })),
    }));
}

function labelsBetween(
  portal: Portal,
  fromType: ObjectType,
  fromId: string,
  toType: ObjectType,
  toId: string,
) {
  const pair = portal.associations.list(fromType, fromId, toType).find((entry) => entry.toId === toId);
  return {
    fromObjectTypeId: OBJECT_TYPES[fromType].typeId,
    fromObjectId: Number(fromId),
    toObjectTypeId: OBJECT_TYPES[toType].typeId,
    toObjectId: Number(toId),
    labels: (pair?.typeIds ?? [])
      .map((typeId) => associationType(typeId)?.label)
      .filter((label): label is string => Boolean(label)),
  };
}

function createLabelled(
  context: WriteContext,
  fromType: ObjectType,
  fromId: string,
  toType: ObjectType,
  toId: string,
  specs: AssociationSpec[],
): HubSpotApiError | null {
  for (const spec of specs) {
    const problem = checkAssociation(context, fromType, fromId, toType, toId, spec);
    if (problem) return problem;
  }
  associate(
    context,
    fromType,
    fromId,
    toType,
    toId,
    specs.map((spec) => spec.associationTypeId),
  );
  return null;
}

function defaultSpec(fromType: ObjectType, toType: ObjectType): AssociationSpec {
  const info = defaultAssociationType(fromType, toType);
  if (!info)
    throw errors.validation(
      `${OBJECT_TYPES[fromType].upper} cannot be associated with ${OBJECT_TYPES[toType].upper}`,
    );
  return { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: info.typeId };
}

function batchBody(
  results: unknown[],
  failures: unknown[],
  startedAtMs: number,
  nowMs: number,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    status: 'COMPLETE',
    results,
    startedAt: isoOf(startedAtMs),
    completedAt: isoOf(nowMs),
  };
  if (failures.length > 0) Object.assign(body, { numErrors: failures.length, errors: failures });
  return body;
}

function failure(error: HubSpotApiError, context: Record<string, string[]>, subCategory?: string) {
  return {
    status: 'error',
    category: error.category,
    message: error.message,
    context,
    errors: [],
    links: {},
    ...(subCategory ? { subCategory } : {}),
  };
}

export function registerAssociationRoutes(router: Router, state: EmulatorState): void {
  const objectBase = '/crm/v4/objects/:objectType/:objectId/associations';
  const read = objectScopes('read');
  const write = objectScopes('write');

  router.add({
    method: 'PUT',
    pattern: '/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId',
    kind: 'api',
    scopes: objectScopes('write', 'fromObjectType'),
    handler: (ctx) => {
      const fromType = objectTypeOf(ctx, 'fromObjectType');
      const toType = objectTypeOf(ctx, 'toObjectType');
      const context = appWriteContext(state, ctx);
      const fromId = ctx.params.fromObjectId ?? '';
      const toId = ctx.params.toObjectId ?? '';
      const spec = defaultSpec(fromType, toType);
      const problem = createLabelled(context, fromType, fromId, toType, toId, [spec]);
      if (problem) throw problem;
      const result = { from: { id: fromId }, to: { id: toId }, associationSpec: spec };
      return { status: 200, body: batchBody([result], [], context.nowMs, state.nowMs()) };
    },
  });
  router.add({
    method: 'PUT',
    pattern: `${objectBase}/:toObjectType/:toObjectId`,
    kind: 'api',
    body: 'json',
    scopes: write,
    handler: (ctx) => {
      const fromType = objectTypeOf(ctx);
      const toType = objectTypeOf(ctx, 'toObjectType');
      const specs = parseInput(z.array(AssociationSpecSchema).min(1), ctx.body);
      const context = appWriteContext(state, ctx);
      const fromId = ctx.params.objectId ?? '';
      const toId = ctx.params.toObjectId ?? '';
      const problem = createLabelled(context, fromType, fromId, toType, toId, specs);
      if (problem) throw problem;
      return { status: 201, body: labelsBetween(context.portal, fromType, fromId, toType, toId) };
    },
  });
  router.add({
    method: 'DELETE',
    pattern: `${objectBase}/:toObjectType/:toObjectId`,
    kind: 'api',
    scopes: write,
    handler: (ctx) => {
      const context = appWriteContext(state, ctx);
      dissociate(
        context,
        objectTypeOf(ctx),
        ctx.params.objectId ?? '',
        objectTypeOf(ctx, 'toObjectType'),
        ctx.params.toObjectId ?? '',
      );
      return { status: 204 };
    },
  });
  router.add({
    method: 'GET',
    pattern: `${objectBase}/:toObjectType`,
    kind: 'api',
    scopes: read,
    handler: (ctx) => {
      const portal = portalOf(ctx);
      const fromType = objectTypeOf(ctx);
      const fromId = ctx.params.objectId ?? '';
      const record = portal.tables[fromType].records.get(portal.tables[fromType].resolveId(fromId));
      if (!record || record.archived) throw errors.objectNotFound(fromId);
      const limit = queryInt(ctx.query, 'limit') ?? DEFAULT_PAGE;
      if (!Number.isInteger(limit) || limit < 1 || limit > DEFAULT_PAGE)
        throw errors.validation(`limit must be between 1 and ${DEFAULT_PAGE}`);
      const offset = Number(ctx.query.get('after') ?? 0) || 0;
      const all = liveAssociations(portal, fromType, record.id, objectTypeOf(ctx, 'toObjectType'));
      const body: Record<string, unknown> = { results: all.slice(offset, offset + limit) };
      if (offset + limit < all.length) {
        const query = new URLSearchParams(ctx.query);
        query.set('after', String(offset + limit));
        body.paging = { next: { after: String(offset + limit), link: linkTo(ctx, ctx.path, query) } };
      }
      return { status: 200, body };
    },
  });

  const batchBase = '/crm/v4/associations/:fromObjectType/:toObjectType/batch';
  const batchWrite = objectScopes('write', 'fromObjectType');
  const batch = (
    suffix: string,
    scopes: (ctx: RequestContext) => string[],
    handler: (
      ctx: RequestContext,
      fromType: ObjectType,
      toType: ObjectType,
    ) => { status: number; body?: unknown },
  ) =>
    router.add({
      method: 'POST',
      pattern: `${batchBase}/${suffix}`,
      kind: 'api',
      body: 'json',
      scopes,
      handler: (ctx) => handler(ctx, objectTypeOf(ctx, 'fromObjectType'), objectTypeOf(ctx, 'toObjectType')),
    });

  batch('create', batchWrite, (ctx, fromType, toType) => {
    const input = parseInput(BatchCreateSchema, ctx.body);
    if (input.inputs.length > 100)
      throw errors.validation(`Batch input size ${input.inputs.length} exceeds the maximum of 100 inputs`);
    const context = appWriteContext(state, ctx);
    const results: unknown[] = [];
    const failures: unknown[] = [];
    for (const item of input.inputs) {
      const problem = createLabelled(context, fromType, item.from.id, toType, item.to.id, item.types);
      if (problem)
        failures.push(failure(problem, { fromObjectId: [item.from.id], toObjectId: [item.to.id] }));
      else results.push(labelsBetween(context.portal, fromType, item.from.id, toType, item.to.id));
    }
    return {
      status: failures.length > 0 ? 207 : 201,
      body: batchBody(results, failures, context.nowMs, state.nowMs()),
    };
  });
  batch('associate/default', batchWrite, (ctx, fromType, toType) => {
    const input = parseInput(BatchDefaultSchema, ctx.body);
    const context = appWriteContext(state, ctx);
    const spec = defaultSpec(fromType, toType);
    const results: unknown[] = [];
    const failures: unknown[] = [];
    for (const item of input.inputs) {
      const problem = createLabelled(context, fromType, item.from.id, toType, item.to.id, [spec]);
      if (problem)
        failures.push(failure(problem, { fromObjectId: [item.from.id], toObjectId: [item.to.id] }));
      else results.push({ from: { id: item.from.id }, to: { id: item.to.id }, associationSpec: spec });
    }
    // The SDK accepts only 200 here, so failures ride along in the body.
    return { status: 200, body: batchBody(results, failures, context.nowMs, state.nowMs()) };
  });
  batch('read', objectScopes('read', 'fromObjectType'), (ctx, fromType, toType) => {
    const portal = portalOf(ctx);
    const input = parseInput(BatchReadSchema, ctx.body);
    if (input.inputs.length > 1000)
      throw errors.validation(`Batch input size ${input.inputs.length} exceeds the maximum of 1000 inputs`);
    const results: unknown[] = [];
    const failures: unknown[] = [];
    for (const item of input.inputs) {
      const table = portal.tables[fromType];
      const record = table.records.get(table.resolveId(item.id));
      const all = record && !record.archived ? liveAssociations(portal, fromType, record.id, toType) : [];
      if (all.length === 0) {
        const message = `No ${OBJECT_TYPES[toType].singular} is associated with ${OBJECT_TYPES[fromType].singular} ${item.id}.`;
        failures.push(
          failure(
            errors.notFound(message),
            { fromObjectId: [item.id] },
            'crm.associations.NO_ASSOCIATIONS_FOUND',
          ),
        );
        continue;
      }
      const offset = Number(item.after ?? 0) || 0;
      const page: Record<string, unknown> = {
        from: { id: record?.id ?? item.id },
        to: all.slice(offset, offset + DEFAULT_PAGE),
      };
      if (offset + DEFAULT_PAGE < all.length)
        page.paging = { next: { after: String(offset + DEFAULT_PAGE) } };
      results.push(page);
    }
    const nowMs = state.nowMs();
    return { status: failures.length > 0 ? 207 : 200, body: batchBody(results, failures, nowMs, nowMs) };
  });
  batch('archive', batchWrite, (ctx, fromType, toType) => {
    const input = parseInput(BatchArchiveSchema, ctx.body);
    const context = appWriteContext(state, ctx);
    for (const item of input.inputs) {
      for (const target of item.to) dissociate(context, fromType, item.from.id, toType, target.id);
    }
    return { status: 204 };
  });
  batch('labels/archive', batchWrite, (ctx, fromType, toType) => {
    const input = parseInput(BatchCreateSchema, ctx.body);
    const context = appWriteContext(state, ctx);
    for (const item of input.inputs) {
      dissociate(
        context,
        fromType,
        item.from.id,
        toType,
        item.to.id,
        item.types.map((spec) => spec.associationTypeId),
      );
    }
    return { status: 204 };
  });
}
