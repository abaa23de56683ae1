/**
 * Record writes with Salesforce's rules: which fields may be written, required fields, unique
 * values, lookups that must point at live records, converted leads that refuse writes, audit
 * stamps, and the recycle bin (cascading deletes, undelete). Every write is atomic per call.
 */

import { errors, SfError } from '../core/errors';
import type { IdGenerator } from '../core/ids';
import { normalizeId } from '../core/ids';
import type { Org, StoredRecord } from '../core/org';
import { OPPORTUNITY_STAGES } from '../schema/default-schema';
import type { FieldDef, ObjectDef, StoredFields, Value } from '../schema/types';
import { coerceValue } from './values';

export interface WriteContext {
  org: Org;
  /** The User the write is attributed to (LastModifiedById). */
  actorId: string;
  nowMs: number;
  ids: IdGenerator;
}

/** Raised when an external-id value matches several records (HTTP 300 on upsert). */
export class AmbiguousMatch extends Error {
  constructor(readonly ids: string[]) {
    super('external id matched several records');
  }
}

type Mode = 'create' | 'update';

export function fieldOf(object: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return object.fields.find((f) => f.name.toLowerCase() === lower);
}

function noSuchColumn(object: ObjectDef, name: string): SfError {
  return errors.invalidField(`No such column '${name}' on sobject of type ${object.name}`, []);
}

/** Finds live records whose field equals value, the way upsert and external-id lookups match. */
export function findByField(org: Org, object: ObjectDef, field: FieldDef, value: string): string[] {
  if (field.name === 'Id') {
    const id = normalizeId(value);
    const record = id ? org.get(id) : undefined;
    return record && record.type === object.name && record.deletedAtMs === null && id ? [id] : [];
  }
  if (field.unique) {
    const id = org.findUnique(object.name, field, value);
    return id ? [id] : [];
  }
  const wanted = field.caseSensitive ? value : value.toLowerCase();
  const found: string[] = [];
  for (const record of org.all(object.name)) {
    if (record.deletedAtMs !== null) continue;
    const stored = record.fields[field.name];
    if (stored === null || stored === undefined) continue;
    const text = field.caseSensitive ? String(stored) : String(stored).toLowerCase();
    if (text === wanted) found.push(record.fields.Id as string);
  }
  return found;
}

/** Resolves `"Account": {"HubSpot_Id__c": "42"}` style parent references to an id. */
function resolveParentReference(org: Org, field: FieldDef, raw: unknown): string {
  const target = org.object(field.referenceTo[0] ?? '');
  if (!target || typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw errors.jsonParser(`Cannot deserialize instance of ${field.relationshipName ?? field.name} from value`);
  }
  const entries = Object.entries(raw).filter(([k]) => k !== 'attributes');
  const [key, value] = entries[0] ?? [];
  const extField = key ? fieldOf(target, key) : undefined;
  if (entries.length !== 1 || !extField || !(extField.externalId || extField.idLookup) || typeof value !== 'string') {
    throw errors.invalidField(`Invalid foreign key relationship name ${field.relationshipName ?? ''}`, []);
  }
  const ids = findByField(org, target, extField, value);
  if (ids.length === 0) {
    throw errors.invalidField(
      `Foreign key external ID: ${value} not found for field ${extField.name} in entity ${target.name}`,
      [],
    );
  }
  if (ids.length > 1) {
    throw new SfError(400, 'DUPLICATE_EXTERNAL_ID', `Foreign key external ID: ${value} matched more than one record`, []);
  }
  return ids[0] as string;
}

function checkReferenceTarget(ctx: WriteContext, field: FieldDef, id: string): void {
  const expected = field.referenceTo.map((name) => ctx.org.object(name)?.keyPrefix);
  if (!expected.includes(id.slice(0, 3))) {
    throw errors.malformedId(`${field.label}: id value of incorrect type: ${id}`, [field.name]);
  }
  const target = ctx.org.get(id);
  if (!target) throw errors.crossReference([field.name]);
  if (target.deletedAtMs !== null) throw errors.entityIsDeleted([field.name]);
  if (target.type === 'User' && target.fields.IsActive !== true) {
    throw new SfError(
      400,
      'INACTIVE_OWNER_OR_USER',
      `operation performed with inactive user [${id.slice(0, 15)}] as owner of ${field.name}`,
      [],
    );
  }
}

/** A record type must be one the object has (RecordType records are not emulated, only the object's list). */
function checkRecordType(object: ObjectDef, id: string): void {
  if (!(object.recordTypes ?? []).some((type) => normalizeId(type.id) === id)) {
    throw errors.crossReference(['RecordTypeId']);
  }
}

/** Validates a request body against the object and returns the stored values it sets. */
export function resolveInput(
  ctx: WriteContext,
  object: ObjectDef,
  input: Record<string, unknown>,
  mode: Mode,
): Map<FieldDef, Value> {
  const changes = new Map<FieldDef, Value>();
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes') continue;
    let field = fieldOf(object, key);
    let value: Value;
    if (!field) {
      const lookup = object.fields.find(
        (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === key.toLowerCase(),
      );
      if (!lookup) throw noSuchColumn(object, key);
      field = lookup;
      if (!(mode === 'create' ? field.createable : field.updateable)) {
        readOnly.push(field.name);
        continue;
      }
      value = resolveParentReference(ctx.org, field, raw);
    } else {
      if (!(mode === 'create' ? field.createable : field.updateable)) {
        readOnly.push(field.name);
        continue;
      }
      value = coerceValue(field, raw);
    }
    if (field.type === 'reference' && typeof value === 'string') {
      if (field.name === 'RecordTypeId') checkRecordType(object, value);
      else checkReferenceTarget(ctx, field, value);
    }
    changes.set(field, value);
  }
  if (readOnly.length > 0) throw errors.invalidFieldForInsertUpdate(readOnly, mode === 'create');
  return changes;
}

function isRequired(field: FieldDef): boolean {
  return field.createable && !field.nillable && !field.defaultedOnCreate && field.type !== 'boolean';
}

function checkUnique(ctx: WriteContext, object: ObjectDef, fields: StoredFields, selfId: string): void {
  for (const field of object.fields) {
    const value = fields[field.name];
    if (!field.unique || value === null || value === undefined) continue;
    const holder = ctx.org.findUnique(object.name, field, String(value));
    if (holder && holder !== selfId) throw errors.duplicateValue(field.name, holder);
  }
}

/** Fields Salesforce computes: full names, and an opportunity's probability and closed/won flags. */
function applyDerived(object: ObjectDef, fields: StoredFields, changed: Set<string>): void {
  if (object.fields.some((f) => f.name === 'Name' && f.calculated)) {
    const name = [fields.FirstName, fields.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
    fields.Name = name === '' ? null : name;
  }
  if (object.name === 'Opportunity') {
    const stage = OPPORTUNITY_STAGES.find((s) => s.name === fields.StageName);
    if (stage) {
      if (changed.has('StageName') && !changed.has('Probability')) fields.Probability = stage.probability;
      fields.IsClosed = stage.closed;
      fields.IsWon = stage.won;
    }
  }
}

function save(ctx: WriteContext, object: ObjectDef, id: string, record: StoredRecord): void {
  ctx.org.put(id, object.name, record);
}

export function createRecord(ctx: WriteContext, object: ObjectDef, input: Record<string, unknown>): string {
  if (!object.createable) throw insufficientAccess();
  const changes = resolveInput(ctx, object, input, 'create');
  const fields: StoredFields = {};
  for (const field of object.fields) {
    if (field.defaultValue !== undefined) fields[field.name] = field.defaultValue;
    else if (field.type !== 'address') fields[field.name] = null;
  }
  for (const [field, value] of changes) fields[field.name] = value;
  const missing = object.fields.filter((f) => isRequired(f) && (fields[f.name] === null || fields[f.name] === undefined));
  if (missing.length > 0) throw errors.requiredMissing(missing.map((f) => f.name));
  const id = ctx.ids.next(object.keyPrefix);
  Object.assign(fields, {
    Id: id,
    IsDeleted: false,
    CreatedDate: ctx.nowMs,
    CreatedById: ctx.actorId,
    LastModifiedDate: ctx.nowMs,
    LastModifiedById: ctx.actorId,
    SystemModstamp: ctx.nowMs,
  });
  if (fieldOf(object, 'OwnerId') && fields.OwnerId === null) fields.OwnerId = ctx.actorId;
  applyDerived(object, fields, new Set([...[...changes.keys()].map((f) => f.name), 'StageName']));
  checkUnique(ctx, object, fields, id);
  save(ctx, object, id, { type: object.name, fields, deletedAtMs: null, cascadeFromId: null });
  return id;
}

/** The live record behind an id, or the error Salesforce gives for a deleted or absent one. */
export function requireLive(org: Org, id: string): StoredRecord {
  const record = org.get(id);
  if (!record) throw errors.notFound();
  if (record.deletedAtMs !== null) throw errors.entityIsDeleted();
  return record;
}

export function updateRecord(ctx: WriteContext, object: ObjectDef, id: string, input: Record<string, unknown>): void {
  const current = requireLive(ctx.org, id);
  if (current.type !== object.name) {
    throw errors.malformedId(`${object.label} ID: id value of incorrect type: ${id}`, ['Id']);
  }
  if (!object.updateable) throw insufficientAccess();
  if (object.name === 'Lead' && current.fields.IsConverted === true) throw errors.convertedLead();
  const body = { ...input };
  for (const key of Object.keys(body)) if (key.toLowerCase() === 'id') delete body[key];
  const changes = resolveInput(ctx, object, body, 'update');
  const fields: StoredFields = { ...current.fields };
  for (const [field, value] of changes) fields[field.name] = value;
  const cleared = [...changes].filter(([f, v]) => v === null && isRequired(f)).map(([f]) => f.name);
  if (cleared.length > 0) throw errors.requiredMissing(cleared);
  Object.assign(fields, { LastModifiedDate: ctx.nowMs, LastModifiedById: ctx.actorId, SystemModstamp: ctx.nowMs });
  applyDerived(object, fields, new Set([...changes.keys()].map((f) => f.name)));
  checkUnique(ctx, object, fields, id);
  save(ctx, object, id, { ...current, fields });
}

function insufficientAccess(): SfError {
  return new SfError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id', []);
}

/** Moves a record, and the records whose delete cascades from it, to the recycle bin. */
export function deleteRecord(ctx: WriteContext, id: string): void {
  const record = requireLive(ctx.org, id);
  const object = ctx.org.object(record.type) as ObjectDef;
  if (!object.deletable) throw insufficientAccess();
  ctx.org.atomic(() => moveToBin(ctx, object, record, null));
}

function moveToBin(ctx: WriteContext, object: ObjectDef, record: StoredRecord, cascadeFromId: string | null): void {
  const id = record.fields.Id as string;
  for (const child of object.childRelationships.filter((c) => c.cascadeDelete)) {
    const childObject = ctx.org.object(child.childSObject);
    if (!childObject) continue;
    for (const candidate of [...ctx.org.all(childObject.name)]) {
      if (candidate.deletedAtMs === null && candidate.fields[child.field] === id) {
        moveToBin(ctx, childObject, candidate, id);
      }
    }
  }
  const fields: StoredFields = {
    ...record.fields,
    IsDeleted: true,
    LastModifiedDate: ctx.nowMs,
    LastModifiedById: ctx.actorId,
    SystemModstamp: ctx.nowMs,
  };
  const outsideBin = cascadeFromId === null && object.directDeleteSkipsBin === true;
  ctx.org.put(id, object.name, {
    type: object.name,
    fields,
    deletedAtMs: ctx.nowMs,
    cascadeFromId,
    ...(outsideBin ? { outsideBin } : {}),
  });
}

/** Restores a record from the recycle bin together with what its delete took along. */
export function undeleteRecord(ctx: WriteContext, id: string): void {
  const record = ctx.org.get(id);
  if (!record) throw errors.notFound();
  if (record.deletedAtMs === null || record.outsideBin) {
    throw new SfError(400, 'UNDELETE_FAILED', 'Entity is not in the recycle bin', []);
  }
  ctx.org.atomic(() => restore(ctx, record));
}

function restore(ctx: WriteContext, record: StoredRecord): void {
  const object = ctx.org.object(record.type) as ObjectDef;
  const id = record.fields.Id as string;
  const fields: StoredFields = {
    ...record.fields,
    IsDeleted: false,
    LastModifiedDate: ctx.nowMs,
    LastModifiedById: ctx.actorId,
    SystemModstamp: ctx.nowMs,
  };
  checkUnique(ctx, object, fields, id);
  ctx.org.put(id, object.name, { type: object.name, fields, deletedAtMs: null, cascadeFromId: null });
  for (const child of object.childRelationships.filter((c) => c.cascadeDelete)) {
    for (const candidate of [...ctx.org.all(child.childSObject)]) {
      if (candidate.deletedAtMs !== null && candidate.cascadeFromId === id) restore(ctx, candidate);
    }
  }
}

export interface UpsertOutcome {
  id: string;
  created: boolean;
}

/** Inserts or updates by an external-id (or idLookup) field value. */
export function upsertRecord(
  ctx: WriteContext,
  object: ObjectDef,
  field: FieldDef,
  value: string,
  input: Record<string, unknown>,
): UpsertOutcome {
  const matches = findByField(ctx.org, object, field, value);
  if (matches.length > 1) throw new AmbiguousMatch(matches);
  const body = { ...input };
  for (const key of Object.keys(body)) if (key.toLowerCase() === field.name.toLowerCase()) delete body[key];
  const existing = matches[0];
  if (existing) {
    updateRecord(ctx, object, existing, body);
    return { id: existing, created: false };
  }
  if (field.name === 'Id') throw errors.notFound();
  return { id: createRecord(ctx, object, { ...body, [field.name]: value }), created: true };
}

/** Upsert keys: fields flagged external id, or idLookup fields such as Id and Email. */
export function upsertKeyField(object: ObjectDef, name: string): FieldDef | undefined {
  const field = fieldOf(object, name);
  return field && (field.externalId || field.idLookup) ? field : undefined;
}
