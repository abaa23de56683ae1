/**
 * /_emulator/portals/:portalId/… — simulated people working in HubSpot's UI (history and webhooks say CRM_UI
 * and `userId:<id>`), plus a raw view of records for assertions that must not spend API calls.
 */
import { isoOf } from '../clock';
import { associate, dissociate } from '../crm/association-ops';
import { defaultAssociationType, ASSOCIATION_TYPES } from '../crm/associations';
import type { Actor } from '../crm/actor';
import { findRecord } from '../crm/lookup';
import { gdprDelete, mergeRecords } from '../crm/merge';
import { resolveObjectType, type ObjectType } from '../crm/object-types';
import {
  applyArchive,
  applyCreate,
  applyRestore,
  applySystemUpdate,
  applyUpdate,
  prepareWrite,
  type WriteContext,
} from '../crm/records';
import { parseInput } from '../crm/route-helpers';
import { errors } from '../http/errors';
import type { RequestContext, Router } from '../http/router';
import type { EmulatorState } from '../state/emulator-state';
import type { CrmRecord, Portal } from '../state/portal';
import { seedPortal } from '../seed';
import { portalParam } from './admin-routes';
import { pipelineToWire } from '../crm/pipelines';
import {
  DealPipelineSchema,
  LifecycleStagesSchema,
  SeedSchema,
  SystemUpdateSchema,
  UserAssociationSchema,
  UserCreateSchema,
  UserGdprSchema,
  UserMergeSchema,
  UserRefSchema,
  UserUpdateSchema,
} from './schemas';

export function rawRecord(portal: Portal, record: CrmRecord): Record<string, unknown> {
  const table = portal.tables[record.objectType];
  const history: Record<string, unknown[]> = {};
  for (const [name, versions] of record.history) {
    history[name] = versions.map((version) => ({
      value: version.value,
      timestamp: isoOf(version.timestampMs),
      sourceType: version.sourceType,
      ...(version.sourceId !== null ? { sourceId: version.sourceId } : {}),
      ...(version.updatedByUserId !== null ? { updatedByUserId: version.updatedByUserId } : {}),
    }));
  }
  const associations: Record<string, Array<{ id: string; typeIds: number[] }>> = {};
  for (const toType of ['contacts', 'companies', 'deals'] as const) {
    const list = portal.associations
      .list(record.objectType, record.id, toType)
      .map(({ toId, typeIds }) => ({ id: toId, typeIds }));
    if (list.length > 0) associations[toType] = list;
  }
  return {
    id: record.id,
    objectType: record.objectType,
    archived: record.archived,
    createdAt: isoOf(record.createdAtMs),
    updatedAt: isoOf(record.updatedAtMs),
    archivedAt: record.archivedAtMs === null ? null : isoOf(record.archivedAtMs),
    properties: Object.fromEntries(record.values),
    propertiesWithHistory: history,
    mergedFromIds: [...table.aliases].filter(([, target]) => target === record.id).map(([alias]) => alias),
    associations,
  };
}

function typeParam(raw: string | undefined): ObjectType {
  const type = resolveObjectType(raw ?? '');
  if (!type) throw errors.validation(`Unknown object type ${raw}`);
  return type;
}

function userContext(state: EmulatorState, portal: Portal, user: string | number | undefined): WriteContext {
  const owner = user === undefined ? portal.admin : portal.findUser(user);
  if (!owner) throw errors.notFound(`Portal ${portal.id} has no user ${user}`);
  const actor: Actor = { kind: 'user', userId: owner.userId, email: owner.email };
  return state.writeContext(portal, actor);
}

function recordParam(portal: Portal, type: ObjectType, id: string, archived: boolean | 'any'): CrmRecord {
  const table = portal.tables[type];
  const record =
    archived === 'any'
      ? (findRecord(table, id) ?? findRecord(table, id, { archived: true }))
      : findRecord(table, id, { archived });
  if (!record) throw errors.objectNotFound(id);
  return record;
}

function primaryTypeFor(from: ObjectType, to: ObjectType): number | undefined {
  return ASSOCIATION_TYPES.find((info) => info.from === from && info.to === to && info.primary)?.typeId;
}

function associationTypeIds(from: ObjectType, to: ObjectType, primary: boolean): number[] {
  const unlabeled = defaultAssociationType(from, to);
  if (!unlabeled) throw errors.validation(`${from} cannot be associated with ${to}`);
  const primaryType = primary ? primaryTypeFor(from, to) : undefined;
  if (primary && primaryType === undefined) throw errors.validation(`${from} has no primary ${to}`);
  return primaryType === undefined ? [unlabeled.typeId] : [unlabeled.typeId, primaryType];
}

export function registerActionRoutes(router: Router, state: EmulatorState): void {
  const add = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    pattern: string,
    handler: (ctx: RequestContext) => unknown,
    status = 200,
  ) =>
    router.add({
      method,
      pattern: `/_emulator/portals/:portalId${pattern}`,
      kind: 'control',
      body: 'json',
      handler: (ctx) => ({ status, body: handler(ctx) }),
    });

  add(
    'POST',
    '/seed',
    (ctx) => seedPortal(state, portalParam(state, ctx), parseInput(SeedSchema, ctx.body ?? {})),
    201,
  );
  add('GET', '/objects/:objectType', (ctx) => {
    const portal = portalParam(state, ctx);
    const table = portal.tables[typeParam(ctx.params.objectType)];
    return { results: [...table.records.values()].map((record) => rawRecord(portal, record)) };
  });
  add('GET', '/objects/:objectType/:objectId', (ctx) => {
    const portal = portalParam(state, ctx);
    return rawRecord(
      portal,
      recordParam(portal, typeParam(ctx.params.objectType), ctx.params.objectId ?? '', 'any'),
    );
  });
  add(
    'POST',
    '/objects/:objectType',
    (ctx) => {
      const portal = portalParam(state, ctx);
      const type = typeParam(ctx.params.objectType);
      const input = parseInput(UserCreateSchema, ctx.body);
      const context = userContext(state, portal, input.user);
      const links = input.associations.map((link) => {
        const toType = typeParam(link.toObjectType);
        recordParam(portal, toType, link.toObjectId, false);
        return { toType, toId: link.toObjectId, typeIds: associationTypeIds(type, toType, link.primary) };
      });
      const prepared = prepareWrite(context, type, null, input.properties);
      if (!prepared.ok) throw prepared.error;
      const record = applyCreate(context, type, prepared.value);
      for (const link of links) associate(context, type, record.id, link.toType, link.toId, link.typeIds);
      return rawRecord(portal, record);
    },
    201,
  );
  add('PATCH', '/objects/:objectType/:objectId', (ctx) => {
    const portal = portalParam(state, ctx);
    const type = typeParam(ctx.params.objectType);
    const input = parseInput(UserUpdateSchema, ctx.body);
    const context = userContext(state, portal, input.user);
    const record = recordParam(portal, type, ctx.params.objectId ?? '', false);
    const prepared = prepareWrite(context, type, record, input.properties);
    if (!prepared.ok) throw prepared.error;
    applyUpdate(context, type, record, prepared.value);
    return rawRecord(portal, record);
  });
  add('PUT', '/lifecycle-stages', (ctx) => {
    // An admin customises the portal's lifecycle stages (HubSpot allows it since 2022): the order given is
    // the stage order, which decides what "backward" means.
    const portal = portalParam(state, ctx);
    const input = parseInput(LifecycleStagesSchema, ctx.body);
    const property = portal.tables[input.objectType].liveProperty('lifecyclestage');
    if (!property) throw errors.notFound(`${input.objectType} have no lifecyclestage property`);
    property.options = input.stages.map((stage, index) => ({
      label: stage.label ?? stage.value,
      value: stage.value,
      hidden: false,
      displayOrder: index,
    }));
    return { objectType: input.objectType, stages: property.options };
  });
  add('POST', '/deal-pipelines', (ctx) => {
    const portal = portalParam(state, ctx);
    const input = parseInput(DealPipelineSchema, ctx.body);
    return pipelineToWire(portal.addDealPipeline(input, state.clock.nowMs()));
  });
  add('POST', '/objects/:objectType/:objectId/system-update', (ctx) => {
    const portal = portalParam(state, ctx);
    const type = typeParam(ctx.params.objectType);
    const input = parseInput(SystemUpdateSchema, ctx.body ?? {});
    const record = recordParam(portal, type, ctx.params.objectId ?? '', false);
    const table = portal.tables[type];
    for (const name of Object.keys(input.properties)) {
      if (!table.liveProperty(name)) throw errors.validation(`Property "${name}" does not exist`);
    }
    const context = userContext(state, portal, undefined);
    applySystemUpdate(context, type, record, new Map(Object.entries(input.properties)));
    return rawRecord(portal, record);
  });
  add('POST', '/objects/:objectType/:objectId/archive', (ctx) => {
    const portal = portalParam(state, ctx);
    const type = typeParam(ctx.params.objectType);
    const context = userContext(state, portal, parseInput(UserRefSchema, ctx.body ?? {}).user);
    const record = recordParam(portal, type, ctx.params.objectId ?? '', false);
    applyArchive(context, type, record);
    return rawRecord(portal, record);
  });
  add('POST', '/objects/:objectType/:objectId/restore', (ctx) => {
    const portal = portalParam(state, ctx);
    const type = typeParam(ctx.params.objectType);
    const context = userContext(state, portal, parseInput(UserRefSchema, ctx.body ?? {}).user);
    const restored = applyRestore(context, type, recordParam(portal, type, ctx.params.objectId ?? '', true));
    if (!restored.ok) throw restored.error;
    return rawRecord(portal, restored.value);
  });
  add('POST', '/objects/:objectType/merge', (ctx) => {
    const portal = portalParam(state, ctx);
    const type = typeParam(ctx.params.objectType);
    const input = parseInput(UserMergeSchema, ctx.body);
    const context = userContext(state, portal, input.user);
    const merged = mergeRecords(
      context,
      type,
      recordParam(portal, type, input.primaryObjectId, false),
      recordParam(portal, type, input.objectIdToMerge, false),
    );
    if (!merged.ok) throw merged.error;
    return rawRecord(portal, merged.value);
  });
  add('POST', '/associations', (ctx) => {
    const portal = portalParam(state, ctx);
    const input = parseInput(UserAssociationSchema, ctx.body);
    const fromType = typeParam(input.fromObjectType);
    const toType = typeParam(input.toObjectType);
    recordParam(portal, fromType, input.fromObjectId, false);
    recordParam(portal, toType, input.toObjectId, false);
    const context = userContext(state, portal, input.user);
    associate(
      context,
      fromType,
      input.fromObjectId,
      toType,
      input.toObjectId,
      associationTypeIds(fromType, toType, input.primary),
    );
    return { ok: true };
  });
  add('POST', '/associations/remove', (ctx) => {
    const portal = portalParam(state, ctx);
    const input = parseInput(UserAssociationSchema, ctx.body);
    const context = userContext(state, portal, input.user);
    dissociate(
      context,
      typeParam(input.fromObjectType),
      input.fromObjectId,
      typeParam(input.toObjectType),
      input.toObjectId,
    );
    return { ok: true };
  });
  add('POST', '/gdpr-delete', (ctx) => {
    const portal = portalParam(state, ctx);
    const input = parseInput(UserGdprSchema, ctx.body);
    const context = userContext(state, portal, input.user);
    const table = portal.tables.contacts;
    const record = input.objectId
      ? recordParam(portal, 'contacts', input.objectId, 'any')
      : input.email
        ? (findRecord(table, input.email, { idProperty: 'email' }) ??
          findRecord(table, input.email, { idProperty: 'email', archived: true }))
        : null;
    if (!input.objectId && !input.email) throw errors.validation('give objectId or email');
    gdprDelete(context, record, record ? null : (input.email ?? null));
    return { ok: true };
  });
}
