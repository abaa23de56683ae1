/** Describe results (global and per object) built from an org's schema. */

import type { Org } from '../core/org';
import type { FieldDef, ObjectDef } from './types';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  address: 'urn:address',
};

function urls(version: string, name: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function objectSummary(version: string, object: ObjectDef): Record<string, unknown> {
  return {
    activateable: false,
    createable: object.createable,
    custom: object.name.endsWith('__c'),
    customSetting: false,
    deletable: object.deletable,
    deprecatedAndHidden: false,
    feedEnabled: true,
    hasSubtypes: false,
    isSubtype: false,
    keyPrefix: object.keyPrefix,
    label: object.label,
    labelPlural: object.labelPlural,
    layoutable: true,
    mergeable: object.mergeable,
    mruEnabled: true,
    name: object.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: object.deletable,
    updateable: object.updateable,
    urls: urls(version, object.name),
  };
}

export function describeGlobal(org: Org, version: string): Record<string, unknown> {
  const objects = [...org.schema.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: objects.map((o) => objectSummary(version, o)) };
}

export function basicInfo(object: ObjectDef, version: string): Record<string, unknown> {
  return { objectDescribe: objectSummary(version, object), recentItems: [] };
}

function byteLength(field: FieldDef): number {
  return field.length * 3;
}

function describeField(field: FieldDef, object: ObjectDef): Record<string, unknown> {
  const compoundOwner = object.fields.find(
    (f) => f.addressComponents && Object.values(f.addressComponents).includes(field.name),
  );
  return {
    aggregatable: field.type !== 'textarea' && field.type !== 'address',
    autoNumber: false,
    byteLength: byteLength(field),
    calculated: field.calculated,
    caseSensitive: field.caseSensitive,
    compoundFieldName:
      compoundOwner?.name ?? (field.name === 'FirstName' || field.name === 'LastName' ? 'Name' : null),
    controllerName: null,
    createable: field.createable,
    custom: field.custom,
    defaultValue: field.type === 'boolean' ? false : null,
    defaultedOnCreate: field.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: field.type === 'int' ? field.precision : 0,
    encrypted: false,
    externalId: field.externalId,
    filterable: field.type !== 'address' && field.type !== 'textarea',
    groupable: !['textarea', 'address', 'double', 'currency', 'percent', 'datetime'].includes(field.type),
    htmlFormatted: false,
    idLookup: field.idLookup,
    label: field.label,
    length: field.type === 'reference' || field.type === 'id' ? 18 : field.length,
    name: field.name,
    nameField: field.nameField,
    namePointing: false,
    nillable: field.nillable,
    permissionable: field.custom && field.nillable,
    picklistValues: field.picklistValues.map((v) => ({
      active: v.active,
      defaultValue: v.defaultValue,
      label: v.label,
      validFor: null,
      value: v.value,
    })),
    precision: field.type === 'int' ? 0 : field.precision,
    referenceTo: field.referenceTo,
    relationshipName: field.relationshipName,
    restrictedPicklist: field.restrictedPicklist,
    scale: field.scale,
    soapType: SOAP_TYPES[field.type] ?? 'xsd:string',
    sortable: field.type !== 'textarea' && field.type !== 'address',
    type: field.type,
    unique: field.unique,
    updateable: field.updateable,
    writeRequiresMasterRead: false,
  };
}

const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

/**
 * Master, plus the record types an admin defined: with any, the first defined is the default one and
 * Master is no longer available to users.
 */
function recordTypeInfos(object: ObjectDef, version: string): Array<Record<string, unknown>> {
  const defined = object.recordTypes ?? [];
  const info = (id: string, developerName: string, name: string, master: boolean, isDefault: boolean) => ({
    active: true,
    available: !master || defined.length === 0,
    defaultRecordTypeMapping: isDefault,
    developerName,
    master,
    name,
    recordTypeId: id,
    urls: { layout: `/services/data/v${version}/sobjects/${object.name}/describe/layouts/${id}` },
  });
  return [
    ...defined.map((type, index) => info(type.id, type.developerName, type.label, false, index === 0)),
    info(MASTER_RECORD_TYPE_ID, 'Master', 'Master', true, defined.length === 0),
  ];
}

export function describeObject(org: Org, object: ObjectDef, version: string): Record<string, unknown> {
  return {
    ...objectSummary(version, object),
    childRelationships: object.childRelationships
      .filter((c) => org.object(c.childSObject))
      .map((c) => ({
        cascadeDelete: c.cascadeDelete,
        childSObject: c.childSObject,
        deprecatedAndHidden: false,
        field: c.field,
        relationshipName: c.relationshipName,
        restrictedDelete: false,
      })),
    fields: object.fields.map((f) => describeField(f, object)),
    recordTypeInfos: recordTypeInfos(object, version),
    urls: {
      ...urls(version, object.name),
      layouts: `/services/data/v${version}/sobjects/${object.name}/describe/layouts`,
    },
  };
}
