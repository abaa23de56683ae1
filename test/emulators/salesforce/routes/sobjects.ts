/**
 * Single-record REST resources: describe, create, retrieve, update, delete, upsert and lookups by
 * external id, and parent traversal (`/sobjects/Contact/{id}/Account`).
 */

import { errors } from '../core/errors';
import { normalizeId } from '../core/ids';
import type { StoredRecord } from '../core/org';
import {
  AmbiguousMatch,
  createRecord,
  deleteRecord,
  fieldOf,
  findByField,
  updateRecord,
  upsertKeyField,
  upsertRecord,
} from '../data/dml';
import { recordUrl, serializeRecord } from '../data/serialize';
import type { RequestContext } from '../http/context';
import { jsonObjectBody, orgOf, sendEmpty, sendJson, writeContextOf } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { basicInfo, describeGlobal, describeObject } from '../schema/describe';
import type { FieldDef, ObjectDef } from '../schema/types';

export function objectOf(ctx: RequestContext, name = ctx.params.sobject ?? ''): ObjectDef {
  const object = orgOf(ctx).object(name);
  if (!object) throw errors.notFound();
  return object;
}

function requestedFields(ctx: RequestContext, object: ObjectDef): FieldDef[] | undefined {
  const list = ctx.url.searchParams.get('fields');
  if (list === null) return undefined;
  return list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((name) => {
      const field = fieldOf(object, name);
      if (!field) throw errors.invalidField(`No such column '${name}' on sobject of type ${object.name}`);
      return field;
    });
}

/** The record an id path segment names, with the 404s Salesforce gives. */
function recordAt(ctx: RequestContext, object: ObjectDef, segment: string): StoredRecord {
  const id = normalizeId(segment);
  if (!id)
    throw errors.notFound(`Provided external ID field does not exist or is not accessible: ${segment}`);
  const record = orgOf(ctx).get(id);
  if (!record || record.type !== object.name) throw errors.notFound();
  if (record.deletedAtMs !== null) throw errors.entityIsDeleted();
  return record;
}

function sendRecord(ctx: RequestContext, object: ObjectDef, record: StoredRecord): void {
  sendJson(ctx, 200, serializeRecord(ctx.version, object, record, requestedFields(ctx, object)));
}

function create(ctx: RequestContext): void {
  const object = objectOf(ctx);
  const write = writeContextOf(ctx);
  const id = write.org.atomic(() => createRecord(write, object, jsonObjectBody(ctx)));
  sendJson(
    ctx,
    201,
    { id, success: true, errors: [] },
    { Location: recordUrl(ctx.version, object.name, id) },
  );
}

function byId(ctx: RequestContext): void {
  const object = objectOf(ctx);
  const record = recordAt(ctx, object, ctx.params.id ?? '');
  const id = record.fields.Id as string;
  const write = writeContextOf(ctx);
  if (ctx.method === 'GET') return sendRecord(ctx, object, record);
  if (ctx.method === 'PATCH') {
    write.org.atomic(() => updateRecord(write, object, id, jsonObjectBody(ctx)));
    return sendEmpty(ctx, 204);
  }
  deleteRecord(write, id);
  sendEmpty(ctx, 204);
}

/** `POST /sobjects/{T}/Id`: an upsert keyed on Id with no value always inserts (API 37.0+). */
function insertKeyedOnId(ctx: RequestContext): void {
  if ((ctx.params.id ?? '').toLowerCase() !== 'id')
    throw errors.methodNotAllowed('POST', ['GET', 'PATCH', 'DELETE']);
  const object = objectOf(ctx);
  const write = writeContextOf(ctx);
  const id = write.org.atomic(() => createRecord(write, object, jsonObjectBody(ctx)));
  sendJson(ctx, 201, { id, success: true, errors: [], created: true });
}

function multipleChoices(ctx: RequestContext, object: ObjectDef, ids: string[]): void {
  sendJson(
    ctx,
    300,
    ids.map((id) => recordUrl(ctx.version, object.name, id)),
  );
}

/** `/sobjects/{T}/{a}/{b…}`: parent traversal when {a} is an id, else an external-id field and value. */
function byExternalId(ctx: RequestContext): void {
  const object = objectOf(ctx);
  const first = ctx.params.field ?? '';
  const rest = ctx.params.value ?? '';
  const org = orgOf(ctx);
  const asId = normalizeId(first);
  if (asId && ctx.method === 'GET' && !rest.includes('/')) {
    const record = recordAt(ctx, object, first);
    const lookup = object.fields.find((f) => f.relationshipName?.toLowerCase() === rest.toLowerCase());
    if (!lookup) throw errors.notFound();
    const parentId = record.fields[lookup.name];
    const parent = typeof parentId === 'string' ? org.get(parentId) : undefined;
    const parentObject = parent ? org.object(parent.type) : undefined;
    if (!parent || !parentObject || parent.deletedAtMs !== null) throw errors.notFound();
    return sendRecord(ctx, parentObject, parent);
  }
  const field = upsertKeyField(object, first);
  if (!field)
    throw errors.notFound(`Provided external ID field does not exist or is not accessible: ${first}`);
  const write = writeContextOf(ctx);
  if (ctx.method === 'PATCH' || ctx.method === 'POST') {
    const body = jsonObjectBody(ctx);
    const value =
      field.name === 'Id' && ctx.method === 'POST' && (rest === '' || rest === 'null') ? null : rest;
    try {
      const outcome = write.org.atomic(() =>
        value === null
          ? { id: createRecord(write, object, body), created: true }
          : upsertRecord(write, object, field, value, body),
      );
      if (!outcome.created && Number(ctx.version) < 46) return sendEmpty(ctx, 204);
      return sendJson(ctx, outcome.created ? 201 : 200, {
        id: outcome.id,
        success: true,
        errors: [],
        created: outcome.created,
      });
    } catch (error) {
      if (error instanceof AmbiguousMatch) return multipleChoices(ctx, object, error.ids);
      throw error;
    }
  }
  const ids = findByField(org, object, field, rest);
  if (ids.length === 0) throw errors.notFound();
  if (ids.length > 1) return multipleChoices(ctx, object, ids);
  const record = org.get(ids[0] as string) as StoredRecord;
  if (ctx.method === 'GET') return sendRecord(ctx, object, record);
  deleteRecord(write, record.fields.Id as string);
  sendEmpty(ctx, 204);
}

function describe(ctx: RequestContext): void {
  const object = objectOf(ctx);
  sendJson(ctx, 200, describeObject(orgOf(ctx), object, ctx.version));
}

export function sobjectRoutes(): Route[] {
  const base = '/services/data/:version/sobjects';
  return [
    route('GET', base, 'rest', (ctx) => sendJson(ctx, 200, describeGlobal(orgOf(ctx), ctx.version))),
    route('GET', `${base}/:sobject`, 'rest', (ctx) =>
      sendJson(ctx, 200, basicInfo(objectOf(ctx), ctx.version)),
    ),
    route('POST', `${base}/:sobject`, 'rest', create),
    route('GET', `${base}/:sobject/describe`, 'rest', describe),
    route('GET', `${base}/:sobject/:id`, 'rest', byId),
    route('PATCH', `${base}/:sobject/:id`, 'rest', byId),
    route('DELETE', `${base}/:sobject/:id`, 'rest', byId),
    route('POST', `${base}/:sobject/:id`, 'rest', insertKeyedOnId),
    route('GET', `${base}/:sobject/:field/*value`, 'rest', byExternalId),
    route('PATCH', `${base}/:sobject/:field/*value`, 'rest', byExternalId),
    route('POST', `${base}/:sobject/:field/*value`, 'rest', byExternalId),
    route('DELETE', `${base}/:sobject/:field/*value`, 'rest', byExternalId),
  ];
}
