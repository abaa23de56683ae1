/** Control routes for simulated user actions on records, lead conversion, merges and schema changes. */

import { SfError } from '../core/errors';
import type { Org } from '../core/org';
import { convertLead } from '../data/convert-lead';
import { createRecord, deleteRecord, undeleteRecord, updateRecord } from '../data/dml';
import { mergeRecords } from '../data/merge';
import { serializeRecord } from '../data/serialize';
import type { RequestContext } from '../http/context';
import { sendJson } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { field as buildField, values } from '../schema/fields';
import type { FieldDef, FieldType, ObjectDef } from '../schema/types';
import { actingAs, ControlError, idParam, orgParam, parseBody } from './helpers';
import {
  actorBody,
  addFieldBody,
  multiCurrencyBody,
  recordTypeBody,
  convertLeadBody,
  createRecordBody,
  createRecordsBody,
  mergeBody,
  updateFieldBody,
  updateRecordBody,
} from './schemas';

function objectNamed(org: Org, name: string): ObjectDef {
  const object = org.object(name);
  if (!object) throw new ControlError(404, 'sobject_not_found', `No sObject named ${name}`);
  return object;
}

function recordJson(ctx: RequestContext, org: Org, id: string): Record<string, unknown> {
  const record = org.get(id);
  if (!record)
    throw new ControlError(404, 'record_not_found', `No record with id ${id} (it may have been purged)`);
  return serializeRecord(ctx.version, objectNamed(org, record.type), record);
}

const DEFAULT_LENGTHS: Partial<Record<FieldType, number>> = {
  string: 255,
  textarea: 32768,
  email: 80,
  phone: 40,
  url: 255,
  picklist: 255,
  multipicklist: 4099,
};

function addField(ctx: RequestContext): void {
  const org = orgParam(ctx);
  const object = objectNamed(org, ctx.params.sobject ?? '');
  const spec = parseBody(ctx, addFieldBody);
  if (object.fields.some((f) => f.name.toLowerCase() === spec.name.toLowerCase())) {
    throw new ControlError(409, 'field_exists', `${object.name}.${spec.name} already exists`);
  }
  if (spec.type === 'reference' && !(spec.referenceTo && org.object(spec.referenceTo))) {
    throw new ControlError(
      400,
      'invalid_reference',
      'reference fields need referenceTo naming an existing sObject',
    );
  }
  const numeric = ['int', 'double', 'currency', 'percent'].includes(spec.type);
  const checkbox = spec.type === 'boolean';
  const def: FieldDef = buildField(
    spec.name,
    spec.label ?? spec.name.replace(/__c$/, '').replace(/_/g, ' '),
    spec.type,
    {
      length: spec.length ?? DEFAULT_LENGTHS[spec.type] ?? 0,
      precision: numeric ? (spec.precision ?? 18) : 0,
      scale: numeric ? (spec.scale ?? 0) : 0,
      nillable: checkbox ? false : spec.required !== true,
      defaultedOnCreate: checkbox || spec.defaultValue !== undefined,
      createable: spec.createable ?? true,
      updateable: spec.updateable ?? true,
      externalId: spec.externalId ?? false,
      unique: spec.unique ?? false,
      idLookup: spec.externalId ?? false,
      caseSensitive: spec.caseSensitive ?? false,
      picklistValues: values(spec.picklistValues ?? []),
      restrictedPicklist: spec.restrictedPicklist ?? false,
      referenceTo: spec.referenceTo ? [objectNamed(org, spec.referenceTo).name] : [],
      relationshipName:
        spec.type === 'reference' ? (spec.relationshipName ?? spec.name.replace(/__c$/, '__r')) : null,
      ...(checkbox
        ? { defaultValue: spec.defaultValue ?? false }
        : spec.defaultValue !== undefined
          ? { defaultValue: spec.defaultValue }
          : {}),
    },
  );
  object.fields.push(def);
  if (checkbox) {
    // A new checkbox reads false on every existing record, as in Salesforce.
    for (const record of [...org.all(object.name)]) {
      org.put(record.fields.Id as string, object.name, {
        ...record,
        fields: { ...record.fields, [def.name]: def.defaultValue ?? false },
      });
    }
  }
  org.rebuildIndexes(object);
  sendJson(ctx, 201, { object: object.name, field: def });
}

/** The objects that get a currency when an org turns multi-currency on (the synced ones). */
const CURRENCY_OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity'];

/**
 * An admin turns multi-currency on: every object gets `CurrencyIsoCode`, a restricted picklist of the org's
 * active currencies defaulting to the corporate one, which every existing record takes. Salesforce cannot
 * turn it off again; only a reset of the emulator does.
 */
function enableMultiCurrency(ctx: RequestContext): void {
  const org = orgParam(ctx);
  const body = parseBody(ctx, multiCurrencyBody);
  const corporate = body.corporateCurrency;
  const currencies = [...new Set([corporate, ...body.currencies])];
  for (const name of CURRENCY_OBJECTS) {
    const object = org.object(name);
    if (!object || object.fields.some((f) => f.name === 'CurrencyIsoCode')) continue;
    object.fields.push(
      buildField('CurrencyIsoCode', `${object.label} Currency`, 'picklist', {
        length: 3,
        nillable: false,
        defaultedOnCreate: true,
        restrictedPicklist: true,
        picklistValues: values(currencies, corporate),
        defaultValue: corporate,
      }),
    );
    for (const record of [...org.all(object.name)]) {
      org.put(record.fields.Id as string, object.name, {
        ...record,
        fields: { ...record.fields, CurrencyIsoCode: corporate },
      });
    }
    org.rebuildIndexes(object);
  }
  sendJson(ctx, 200, { corporateCurrency: corporate, currencies });
}

/** An admin defines a record type on an object: describe's `recordTypeInfos` list it (records do not carry it yet). */
function addRecordType(ctx: RequestContext): void {
  const org = orgParam(ctx);
  const object = objectNamed(org, ctx.params.sobject ?? '');
  const body = parseBody(ctx, recordTypeBody);
  const types = (object.recordTypes ??= []);
  if (types.some((type) => type.developerName.toLowerCase() === body.developerName.toLowerCase())) {
    throw new ControlError(409, 'record_type_exists', `${object.name} already has ${body.developerName}`);
  }
  const type = {
    id: ctx.state.ids.next('012'),
    developerName: body.developerName,
    label: body.label ?? body.developerName,
  };
  types.push(type);
  if (!object.fields.some((f) => f.name === 'RecordTypeId')) {
    // New records take the first record type defined (the default one); records made before keep none.
    object.fields.push(
      buildField('RecordTypeId', 'Record Type ID', 'reference', {
        length: 18,
        referenceTo: ['RecordType'],
        relationshipName: 'RecordType',
        defaultedOnCreate: true,
        defaultValue: type.id,
      }),
    );
    org.rebuildIndexes(object);
  }
  sendJson(ctx, 201, { object: object.name, recordType: type });
}

function updateField(ctx: RequestContext): void {
  const org = orgParam(ctx);
  const object = objectNamed(org, ctx.params.sobject ?? '');
  const def = object.fields.find((f) => f.name.toLowerCase() === (ctx.params.field ?? '').toLowerCase());
  if (!def)
    throw new ControlError(404, 'field_not_found', `${object.name}.${ctx.params.field ?? ''} does not exist`);
  const patch = parseBody(ctx, updateFieldBody);
  if (patch.label !== undefined) def.label = patch.label;
  if (patch.length !== undefined) def.length = patch.length;
  if (patch.required !== undefined) def.nillable = !patch.required;
  if (patch.externalId !== undefined) def.externalId = def.idLookup = patch.externalId;
  if (patch.unique !== undefined) def.unique = patch.unique;
  if (patch.picklistValues !== undefined) def.picklistValues = values(patch.picklistValues);
  if (patch.restrictedPicklist !== undefined) def.restrictedPicklist = patch.restrictedPicklist;
  if (patch.createable !== undefined) def.createable = patch.createable;
  if (patch.updateable !== undefined) def.updateable = patch.updateable;
  org.rebuildIndexes(object);
  sendJson(ctx, 200, { object: object.name, field: def });
}

function removeField(ctx: RequestContext): void {
  const org = orgParam(ctx);
  const object = objectNamed(org, ctx.params.sobject ?? '');
  const index = object.fields.findIndex(
    (f) => f.name.toLowerCase() === (ctx.params.field ?? '').toLowerCase(),
  );
  const def = object.fields[index];
  if (!def)
    throw new ControlError(404, 'field_not_found', `${object.name}.${ctx.params.field ?? ''} does not exist`);
  if (!def.custom)
    throw new ControlError(400, 'standard_field', 'Standard fields cannot be removed; PATCH them instead');
  object.fields.splice(index, 1);
  org.rebuildIndexes(object);
  sendJson(ctx, 200, { object: object.name, removed: def.name });
}

export function recordRoutes(): Route[] {
  const org = '/_emulator/orgs/:org';
  return [
    route('POST', `${org}/records`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const body = parseBody(ctx, createRecordBody);
      const write = actingAs(ctx, target, body.asUser);
      const id = target.atomic(() => createRecord(write, objectNamed(target, body.type), body.fields));
      sendJson(ctx, 201, { id, record: recordJson(ctx, target, id) });
    }),
    route('POST', `${org}/records/batch`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const body = parseBody(ctx, createRecordsBody);
      const write = actingAs(ctx, target, body.asUser);
      const object = objectNamed(target, body.type);
      const ids = target.atomic(() =>
        body.records.map((fields, i) => {
          try {
            return createRecord(write, object, fields);
          } catch (error) {
            if (error instanceof SfError)
              throw new ControlError(400, error.errorCode, `record ${i}: ${error.message}`, {
                index: i,
                errors: [error.toBody()],
              });
            throw error;
          }
        }),
      );
      sendJson(ctx, 201, { ids });
    }),
    route('GET', `${org}/records/:id`, 'open', (ctx) => {
      const target = orgParam(ctx);
      sendJson(ctx, 200, recordJson(ctx, target, idParam(ctx)));
    }),
    route('PATCH', `${org}/records/:id`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const id = idParam(ctx);
      const body = parseBody(ctx, updateRecordBody);
      const write = actingAs(ctx, target, body.asUser);
      const record = target.get(id);
      if (!record) throw new ControlError(404, 'record_not_found', `No record with id ${id}`);
      target.atomic(() => updateRecord(write, objectNamed(target, record.type), id, body.fields));
      sendJson(ctx, 200, recordJson(ctx, target, id));
    }),
    route('DELETE', `${org}/records/:id`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const id = idParam(ctx);
      deleteRecord(actingAs(ctx, target, ctx.url.searchParams.get('asUser') ?? undefined), id);
      sendJson(ctx, 200, recordJson(ctx, target, id));
    }),
    route('POST', `${org}/records/:id/undelete`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const id = idParam(ctx);
      undeleteRecord(actingAs(ctx, target, parseBody(ctx, actorBody)?.asUser), id);
      sendJson(ctx, 200, recordJson(ctx, target, id));
    }),
    route('POST', `${org}/recycle-bin/empty`, 'open', (ctx) => {
      sendJson(ctx, 200, { purged: orgParam(ctx).purgeBin() });
    }),
    route('POST', `${org}/leads/:id/convert`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const body = parseBody(ctx, convertLeadBody);
      const write = actingAs(ctx, target, body.asUser);
      const owner = body.ownerUsername ? actingAs(ctx, target, body.ownerUsername).actorId : undefined;
      sendJson(
        ctx,
        200,
        convertLead(write, {
          leadId: idParam(ctx),
          accountId: body.accountId,
          contactId: body.contactId,
          createOpportunity: body.createOpportunity,
          opportunityName: body.opportunityName,
          convertedStatus: body.convertedStatus,
          ownerId: owner,
        }),
      );
    }),
    route('POST', `${org}/merge`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const body = parseBody(ctx, mergeBody);
      sendJson(ctx, 200, mergeRecords(actingAs(ctx, target, body.asUser), body));
    }),
    route('POST', `${org}/sobjects/:sobject/fields`, 'open', addField),
    route('POST', `${org}/multi-currency`, 'open', enableMultiCurrency),
    route('POST', `${org}/sobjects/:sobject/record-types`, 'open', addRecordType),
    route('PATCH', `${org}/sobjects/:sobject/fields/:field`, 'open', updateField),
    route('DELETE', `${org}/sobjects/:sobject/fields/:field`, 'open', removeField),
  ];
}
