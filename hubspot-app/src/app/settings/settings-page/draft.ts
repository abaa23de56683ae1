/**
 * The settings document an admin is editing, and the edits the page makes to it. Every edit returns a new
 * document; nothing here decides what is valid (the server does, before saving and while editing).
 */
import type {
  Condition,
  FieldMapping,
  Filter,
  ObjectSettings,
  OwnershipRule,
  PicklistGroup,
  SettingsDocument,
  StagePipeline,
  TransformSpec,
} from '@sf-bridge/client';

export type ObjectKey = 'contacts' | 'companies' | 'deals';

export const objectNames: Readonly<Record<ObjectKey, { label: string; salesforce: readonly string[] }>> = {
  contacts: { label: 'Contacts', salesforce: ['Lead', 'Contact'] },
  companies: { label: 'Companies', salesforce: ['Account'] },
  deals: { label: 'Deals', salesforce: ['Opportunity'] },
};

const disabledObject: ObjectSettings = {
  enabled: false,
  fields: [],
  createInSalesforce: { default: 'none' },
  createInHubspot: {},
  crossId: { salesforceField: {} },
};

export function objectOf(document: SettingsDocument, object: ObjectKey): ObjectSettings {
  return document.objects[object] ?? disabledObject;
}

export function updateObject(
  document: SettingsDocument,
  object: ObjectKey,
  change: (settings: ObjectSettings) => ObjectSettings,
): SettingsDocument {
  return { ...document, objects: { ...document.objects, [object]: change(objectOf(document, object)) } };
}

export function updateMapping(
  document: SettingsDocument,
  object: ObjectKey,
  key: string,
  change: (mapping: FieldMapping) => FieldMapping,
): SettingsDocument {
  return updateObject(document, object, (settings) => ({
    ...settings,
    fields: settings.fields.map((mapping) => (mapping.key === key ? change(mapping) : mapping)),
  }));
}

export function removeMapping(document: SettingsDocument, object: ObjectKey, key: string): SettingsDocument {
  return updateObject(document, object, (settings) => ({
    ...settings,
    fields: settings.fields.filter((mapping) => mapping.key !== key),
  }));
}

/** A mapping key from a HubSpot property name, unique within the object. */
export function mappingKeyFor(settings: ObjectSettings, hubspotProperty: string): string {
  const base =
    hubspotProperty
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^[^a-z]+/, '')
      .slice(0, 56) || 'field';
  const taken = new Set(settings.fields.map((mapping) => mapping.key));
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix += 1) if (!taken.has(`${base}_${suffix}`)) return `${base}_${suffix}`;
}

export function addMapping(
  document: SettingsDocument,
  object: ObjectKey,
  mapping: Omit<FieldMapping, 'key'>,
): SettingsDocument {
  return updateObject(document, object, (settings) => ({
    ...settings,
    fields: [...settings.fields, { ...mapping, key: mappingKeyFor(settings, mapping.hubspotProperty) }],
  }));
}

export function setRule(document: SettingsDocument, object: ObjectKey, key: string, rule: OwnershipRule) {
  return updateMapping(document, object, key, (mapping) => ({ ...mapping, rule }));
}

/** Changing the kind of a transform keeps a value map when both kinds have one. */
export function setTransformKind(
  document: SettingsDocument,
  object: ObjectKey,
  key: string,
  kind: TransformSpec['kind'],
): SettingsDocument {
  return updateMapping(document, object, key, (mapping) => ({
    ...mapping,
    transform: transformOfKind(kind, mapping.transform),
  }));
}

export function transformOfKind(kind: TransformSpec['kind'], previous?: TransformSpec): TransformSpec {
  if (kind === 'picklist' || kind === 'multiselect') {
    const options = previous && 'options' in previous ? previous.options : [];
    const passThrough = previous && 'passThrough' in previous ? (previous.passThrough ?? false) : false;
    return { kind, options, passThrough };
  }
  if (kind === 'stages') {
    const stages = previous && 'options' in previous ? previous.options : [];
    return { kind, pipelines: [{ pipeline: 'default', label: 'Sales Pipeline', recordType: null, stages }] };
  }
  if (kind === 'number') return { kind };
  if (kind === 'association') return { kind, to: 'companies' };
  // Text keeps its blank placeholder (a Lead's Company) when it stays text.
  if (kind === 'text' && previous?.kind === 'text' && previous.salesforceBlank !== undefined) {
    return { kind, salesforceBlank: previous.salesforceBlank };
  }
  return { kind };
}

export function setValueMap(
  document: SettingsDocument,
  object: ObjectKey,
  key: string,
  options: readonly PicklistGroup[],
  passThrough: boolean,
): SettingsDocument {
  return updateMapping(document, object, key, (mapping) =>
    mapping.transform.kind === 'picklist' || mapping.transform.kind === 'multiselect'
      ? { ...mapping, transform: { kind: mapping.transform.kind, options, passThrough } }
      : mapping,
  );
}

/** A deal stage map's pipelines, each with its groups. */
export function setStagePipelines(
  document: SettingsDocument,
  object: ObjectKey,
  key: string,
  pipelines: readonly StagePipeline[],
): SettingsDocument {
  return updateMapping(document, object, key, (mapping) =>
    mapping.transform.kind === 'stages' ? { ...mapping, transform: { kind: 'stages', pipelines } } : mapping,
  );
}

/** A list typed as "a, b, c" (what a person writes in one input) and back. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

export function joinList(values: readonly string[] | undefined): string {
  return (values ?? []).join(', ');
}

export function setSetting<K extends keyof SettingsDocument>(
  document: SettingsDocument,
  key: K,
  value: SettingsDocument[K],
): SettingsDocument {
  return { ...document, [key]: value };
}

export const emptyFilter: Filter = { property: '', operator: 'eq', value: '' };

/** A condition edited in place: groups (any one holds) of filters (all hold). */
export function updateCondition(
  condition: Condition | null | undefined,
  change: (groups: Array<{ allOf: Filter[] }>) => Array<{ allOf: Filter[] }>,
): Condition | null {
  const groups = (condition?.anyOf ?? []).map((group) => ({ allOf: [...group.allOf] }));
  const next = change(groups).filter((group) => group.allOf.length > 0);
  return next.length === 0 ? null : { anyOf: next };
}

/** Whether two documents are the same settings (the page knows when there is something to save). */
export function sameDocument(a: SettingsDocument, b: SettingsDocument): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * How a mapping's controls are named on the page: by its key for contacts, by object and key for the other
 * objects (a company and a contact can both map `phone`).
 */
export function mappingId(object: ObjectKey, key: string): string {
  return object === 'contacts' ? key : `${object}-${key}`;
}
