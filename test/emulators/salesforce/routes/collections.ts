/**
 * sObject Collections: create, update, upsert, delete and retrieve up to 200 records in one call.
 * Answers are HTTP 200 with one result per record, in order; failures carry `statusCode` errors.
 * With allOrNone, one failure rolls every record back.
 *
 * A request Salesforce cannot even read is refused as a whole before any record is written: a field the
 * object does not have (or the user cannot see) is one 400 `INVALID_FIELD`, a value of the wrong JSON
 * type (or an impossible date) one 400 `JSON_PARSER_ERROR`, as Salesforce deserializes the whole body
 * first. Everything else (validation, duplicates, required fields, locks) fails per record.
 */

import { errors, SfError, toCollectionError } from '../core/errors';
import { normalizeId } from '../core/ids';
import {
  AmbiguousMatch,
  createRecord,
  deleteRecord,
  fieldOf,
  updateRecord,
  upsertKeyField,
  upsertRecord,
} from '../data/dml';
import { serializeRecord } from '../data/serialize';
import { coerceValue } from '../data/values';
import type { RequestContext } from '../http/context';
import { jsonObjectBody, orgOf, sendJson, writeContextOf } from '../http/context';
import { dmlFaultError } from '../http/pipeline';
import type { Route } from '../http/router';
import { route } from '../http/router';
import type { FieldDef, ObjectDef } from '../schema/types';
import { objectOf } from './sobjects';

const MAX_RECORDS = 200;

interface Done {
  id: string;
  created?: boolean;
}

type Outcome = { done: Done } | { error: SfError; id: string | undefined };

class RollBack extends Error {}

function tooMany(): SfError {
  return new SfError(
    400,
    'EXCEEDED_ID_LIMIT',
    'record limit reached. cannot submit more than 200 records into this call',
  );
}

function recordsOf(ctx: RequestContext): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const body = jsonObjectBody(ctx);
  if (!Array.isArray(body.records))
    throw errors.jsonParser('records: the request must contain a records array');
  if (body.records.length > MAX_RECORDS) throw tooMany();
  const records = body.records.map((r) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw errors.jsonParser('records must be objects');
    return r as Record<string, unknown>;
  });
  const types = [...new Set(records.map((record) => typeOf(record) ?? '?'))].sort();
  if (types.length > 0) ctx.callObject = types.join('+');
  return { allOrNone: body.allOrNone === true, records };
}

/**
 * Refuses the whole request for what Salesforce finds while reading the body: a column the object does not
 * have, or a value it cannot deserialize into the field's type. `skip` names keys checked elsewhere (the
 * update's id, the upsert key).
 */
function checkReadable(
  records: readonly Record<string, unknown>[],
  objectFor: (record: Record<string, unknown>) => ObjectDef | undefined,
  skip: readonly string[] = [],
): void {
  const skipped = new Set(['attributes', ...skip.map((name) => name.toLowerCase())]);
  for (const record of records) {
    const object = objectFor(record);
    if (!object) continue;
    for (const [key, raw] of Object.entries(record)) {
      if (skipped.has(key.toLowerCase())) continue;
      const field = fieldOf(object, key);
      if (!field) {
        const relationship = object.fields.some(
          (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === key.toLowerCase(),
        );
        if (relationship) continue;
        throw errors.invalidField(`No such column '${key}' on sobject of type ${object.name}`, []);
      }
      try {
        coerceValue(field, raw);
      } catch (error) {
        if (error instanceof SfError && error.errorCode === 'JSON_PARSER_ERROR') throw error;
        // Other refusals (too long, bad e-mail, picklist…) belong to the record: answered per record.
      }
    }
  }
}

function typeOf(record: Record<string, unknown>): string | undefined {
  const attributes = record.attributes as { type?: unknown } | undefined;
  return typeof attributes?.type === 'string' ? attributes.type : undefined;
}

function keyValue(record: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function without(record: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  const lower = names.map((n) => n.toLowerCase());
  return Object.fromEntries(
    Object.entries(record).filter(([k]) => !lower.includes(k.toLowerCase()) && k !== 'attributes'),
  );
}

/**
 * Runs one operation per record, each atomic on its own; with allOrNone all of them in one
 * transaction that is undone when any fails. An armed DML fault fails the chosen records.
 */
function runEach(
  ctx: RequestContext,
  count: number,
  allOrNone: boolean,
  idOf: (i: number) => string | undefined,
  op: (i: number) => Done,
): Outcome[] {
  const org = orgOf(ctx);
  const fault = ctx.fault;
  const runOne = (i: number): Outcome => {
    if (fault && (!fault.recordIndexes || fault.recordIndexes.includes(i))) {
      return { error: dmlFaultError(fault, idOf(i)), id: idOf(i) };
    }
    try {
      return { done: org.atomic(() => op(i)) };
    } catch (error) {
      if (error instanceof SfError)
        return { error: error.errorCode === 'NOT_FOUND' ? errors.entityIsDeleted() : error, id: idOf(i) };
      throw error;
    }
  };
  const indexes = [...Array(count).keys()];
  if (!allOrNone) return indexes.map(runOne);
  let outcomes: Outcome[] = [];
  try {
    org.atomic(() => {
      outcomes = indexes.map(runOne);
      if (outcomes.some((o) => 'error' in o)) throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
    outcomes = outcomes.map((o) =>
      'error' in o ? o : { error: errors.rolledBack(), id: o.done.created === true ? undefined : o.done.id },
    );
  }
  return outcomes;
}

function toResults(outcomes: Outcome[], withCreated: boolean): unknown[] {
  return outcomes.map((o) => {
    if ('done' in o) {
      return withCreated
        ? { id: o.done.id, success: true, errors: [], created: o.done.created ?? false }
        : { id: o.done.id, success: true, errors: [] };
    }
    const failure = { success: false, errors: [toCollectionError(o.error)] };
    return o.id ? { id: o.id, ...failure } : failure;
  });
}

function create(ctx: RequestContext): void {
  const { allOrNone, records } = recordsOf(ctx);
  const write = writeContextOf(ctx);
  checkReadable(records, (record) => {
    const type = typeOf(record);
    return type ? write.org.object(type) : undefined;
  });
  const outcomes = runEach(
    ctx,
    records.length,
    allOrNone,
    () => undefined,
    (i) => {
      const record = records[i] as Record<string, unknown>;
      const type = typeOf(record);
      if (!type) throw errors.invalidType('Must send a concrete entity type.');
      if (keyValue(record, 'id') !== undefined)
        throw errors.invalidField('cannot specify Id in an insert call', ['Id']);
      const object = write.org.object(type);
      if (!object) throw errors.invalidType(`sObject type '${type}' is not supported.`);
      return { id: createRecord(write, object, without(record)), created: true };
    },
  );
  sendJson(ctx, 200, toResults(outcomes, false));
}

function idFor(record: Record<string, unknown>): string | undefined {
  const raw = keyValue(record, 'id');
  return typeof raw === 'string' ? (normalizeId(raw) ?? undefined) : undefined;
}

function update(ctx: RequestContext): void {
  const { allOrNone, records } = recordsOf(ctx);
  const write = writeContextOf(ctx);
  checkReadable(
    records,
    (record) => {
      const type = typeOf(record) ?? write.org.get(idFor(record) ?? '')?.type;
      return type ? write.org.object(type) : undefined;
    },
    ['id'],
  );
  const outcomes = runEach(
    ctx,
    records.length,
    allOrNone,
    (i) => idFor(records[i] as Record<string, unknown>),
    (i) => {
      const record = records[i] as Record<string, unknown>;
      const raw = keyValue(record, 'id');
      if (raw === undefined || raw === null)
        throw new SfError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', []);
      const id = typeof raw === 'string' ? normalizeId(raw) : null;
      if (!id) throw errors.malformedId(`malformed id ${String(raw)}`, ['Id']);
      const type = typeOf(record) ?? write.org.get(id)?.type;
      const object = type ? write.org.object(type) : undefined;
      if (!object) throw errors.invalidType('Must send a concrete entity type.');
      if (id.slice(0, 3) !== object.keyPrefix) {
        throw errors.malformedId(`${object.label} ID: id value of incorrect type: ${id}`, ['Id']);
      }
      updateRecord(write, object, id, without(record, 'id'));
      return { id };
    },
  );
  sendJson(ctx, 200, toResults(outcomes, false));
}

function upsert(ctx: RequestContext): void {
  const object = objectOf(ctx);
  const field = upsertKeyField(object, ctx.params.field ?? '') as FieldDef | undefined;
  if (!field)
    throw errors.notFound(
      `Provided external ID field does not exist or is not accessible: ${ctx.params.field ?? ''}`,
    );
  const { allOrNone, records } = recordsOf(ctx);
  const write = writeContextOf(ctx);
  checkReadable(records, () => object, [field.name]);
  const values = records.map((r) => keyValue(r, field.name));
  const seen = new Map<string, number>();
  for (const v of values)
    if (typeof v === 'string') seen.set(v.toLowerCase(), (seen.get(v.toLowerCase()) ?? 0) + 1);
  const outcomes = runEach(
    ctx,
    records.length,
    allOrNone,
    () => undefined,
    (i) => {
      const record = records[i] as Record<string, unknown>;
      const value = values[i];
      if (value === undefined || value === null || value === '') {
        throw new SfError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, []);
      }
      const text = String(value);
      if ((seen.get(text.toLowerCase()) ?? 0) > 1) {
        throw new SfError(400, 'DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${text}`, [
          field.name,
        ]);
      }
      try {
        return upsertRecord(write, object, field, text, without(record, field.name));
      } catch (error) {
        if (error instanceof AmbiguousMatch) {
          throw new SfError(
            400,
            'DUPLICATE_EXTERNAL_ID',
            `${field.label}: more than one record found for external id field: [${error.ids.join(', ')}]`,
            [field.name],
          );
        }
        throw error;
      }
    },
  );
  sendJson(ctx, 200, toResults(outcomes, true));
}

function destroy(ctx: RequestContext): void {
  const ids = (ctx.url.searchParams.get('ids') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new SfError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  if (ids.length > MAX_RECORDS) throw tooMany();
  const allOrNone = ctx.url.searchParams.get('allOrNone') === 'true';
  const write = writeContextOf(ctx);
  const types = new Set(ids.map((raw) => write.org.get(normalizeId(raw) ?? '')?.type ?? '?'));
  ctx.callObject = [...types].sort().join('+');
  const outcomes = runEach(
    ctx,
    ids.length,
    allOrNone,
    (i) => normalizeId(ids[i] as string) ?? undefined,
    (i) => {
      const id = normalizeId(ids[i] as string);
      if (!id) throw errors.malformedId(`malformed id ${ids[i] as string}`, []);
      deleteRecord(write, id);
      return { id };
    },
  );
  sendJson(ctx, 200, toResults(outcomes, false));
}

function retrieve(ctx: RequestContext): void {
  const object = objectOf(ctx);
  const org = orgOf(ctx);
  let ids: unknown;
  let names: unknown;
  if (ctx.method === 'GET') {
    ids = (ctx.url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    names = (ctx.url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
  } else {
    const body = jsonObjectBody(ctx);
    ids = body.ids;
    names = body.fields;
  }
  if (!Array.isArray(ids) || !Array.isArray(names) || names.length === 0) {
    throw errors.jsonParser('ids and fields are required');
  }
  if (ids.length > 2000)
    throw new SfError(400, 'EXCEEDED_ID_LIMIT', 'too many ids: at most 2000 can be retrieved');
  const fields = names.map((n) => {
    const field = fieldOf(object, String(n));
    if (!field) throw errors.invalidField(`No such column '${String(n)}' on sobject of type ${object.name}`);
    return field;
  });
  const records = ids.map((raw) => {
    const id = normalizeId(String(raw));
    if (!id) throw errors.malformedId(`malformed id ${String(raw)}`);
    const record = org.get(id);
    return record && record.type === object.name && record.deletedAtMs === null
      ? serializeRecord(ctx.version, object, record, fields)
      : null;
  });
  sendJson(ctx, 200, records);
}

export function collectionRoutes(): Route[] {
  const base = '/services/data/:version/composite/sobjects';
  return [
    route('POST', base, 'rest', create),
    route('PATCH', base, 'rest', update),
    route('DELETE', base, 'rest', destroy),
    route('POST', `${base}/:sobject`, 'rest', retrieve),
    route('GET', `${base}/:sobject`, 'rest', retrieve),
    route('PATCH', `${base}/:sobject/:field`, 'rest', upsert),
  ];
}
