/**
 * Whether a settings document can work against the live metadata of the two systems.
 *
 * Returns one message per problem, tied to the mapped field it concerns, written for the admin who has to
 * act on it: what is wrong and what to do. Errors mean the setting cannot work and the save is refused;
 * warnings mean something could not be checked or will work badly.
 */
import { conditionProperties } from '../conditions';
import { sentOnCreate } from '../ownership';
import type { HubspotObjectType, SalesforceObjectType } from '../records';
import { salesforceTypesFor } from '../records';
import {
  hubspotTypeFits,
  hubspotTypeNeeded,
  salesforceTypeFits,
  salesforceTypeNeeded,
  writesTo,
} from './compatibility';
import type { HubspotPropertyDefinition, LiveMetadata, SalesforceFieldDescribe } from './metadata';
import { isHubspotReadOnly, requiredFieldsFromDescribe } from './metadata';
import { parseSettings } from './migrate';
import { checkPicklistMapping } from './validatePicklists';
import { checkStageMap } from './validateStages';
import {
  CONTACT_ROLES_FIELD,
  CONTACTS_PROPERTY,
  isAssociationProperty,
  PRIMARY_COMPANY_PROPERTY,
} from '../transforms/association';
import type { FieldMapping, ObjectSettings, Settings } from './schema';
import { fieldLabel } from './schema';

export interface SettingsMessage {
  readonly severity: 'error' | 'warning';
  readonly object: HubspotObjectType | null;
  /** The mapped field concerned; null for object-wide and document-wide messages. */
  readonly fieldKey: string | null;
  readonly code: string;
  readonly message: string;
}

export interface SettingsValidation {
  /** True when there is no error (warnings allowed). */
  readonly valid: boolean;
  /** The parsed settings, when the document is well formed. */
  readonly settings: Settings | null;
  readonly messages: readonly SettingsMessage[];
}

/** Fields Salesforce has only where the org turned a feature on (settingsForOrg leaves their mappings out). */
const orgFeatureFields: Readonly<Record<string, string>> = { CurrencyIsoCode: 'multiple currencies' };

const objectNouns: Record<HubspotObjectType, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
};

function fieldKeyAtPath(document: unknown, path: string): string | null {
  const match = /^objects\.(contacts|companies|deals)\.fields\.(\d+)/.exec(path);
  if (!match) return null;
  const fields = (document as { objects?: Record<string, { fields?: unknown[] }> }).objects?.[match[1] ?? '']
    ?.fields;
  const field = fields?.[Number(match[2])] as { key?: unknown } | undefined;
  return typeof field?.key === 'string' ? field.key : null;
}

export function validateSettings(document: unknown, metadata: LiveMetadata): SettingsValidation {
  const parsed = parseSettings(document);
  if (!parsed.ok) {
    const messages = parsed.error.map((problem) => ({
      severity: 'error' as const,
      object: (/^objects\.(contacts|companies|deals)/.exec(problem.path)?.[1] as HubspotObjectType) ?? null,
      fieldKey: fieldKeyAtPath(document, problem.path),
      code: 'invalid_document',
      message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
    }));
    return { valid: false, settings: null, messages };
  }
  const settings = parsed.value;
  const messages: SettingsMessage[] = [];
  for (const object of ['contacts', 'companies', 'deals'] as const) {
    const objectSettings: ObjectSettings = settings.objects[object];
    if (!objectSettings.enabled) continue;
    messages.push(...validateObject(object, objectSettings, settings, metadata));
  }
  return { valid: !messages.some((message) => message.severity === 'error'), settings, messages };
}

interface Scope {
  readonly object: HubspotObjectType;
  readonly noun: string;
  readonly push: (
    severity: 'error' | 'warning',
    fieldKey: string | null,
    code: string,
    message: string,
  ) => void;
}

function validateObject(
  object: HubspotObjectType,
  objectSettings: ObjectSettings,
  settings: Settings,
  metadata: LiveMetadata,
): SettingsMessage[] {
  const messages: SettingsMessage[] = [];
  const scope: Scope = {
    object,
    noun: objectNouns[object],
    push: (severity, fieldKey, code, message) => messages.push({ severity, object, fieldKey, code, message }),
  };
  const properties = metadata.hubspot[object];
  if (!properties) {
    scope.push(
      'warning',
      null,
      'hubspot_metadata_missing',
      `HubSpot ${scope.noun} properties could not be read, so no field was checked against HubSpot.`,
    );
  }
  const salesforceTypes: readonly SalesforceObjectType[] = salesforceTypesFor[object];
  for (const type of salesforceTypes) {
    if (!metadata.salesforce[type]) {
      scope.push(
        'warning',
        null,
        'salesforce_metadata_missing',
        `Salesforce ${type} fields could not be read, so no field was checked against ${type}.`,
      );
    }
  }
  for (const mapping of objectSettings.fields) {
    validateMapping(scope, mapping, properties, salesforceTypes, metadata);
  }
  validateCreation(scope, objectSettings, salesforceTypes, metadata);
  validateConditions(scope, objectSettings, properties);
  validateCrossIds(scope, objectSettings, properties, salesforceTypes, metadata);
  // The delete flag is kept on Leads and Contacts.
  // Only a checkbox the admin named must exist; the standard one is used where the org has it.
  const flagField =
    object === 'contacts' && settings.deletes.salesforceFlag !== 'off'
      ? settings.deletes.salesforceFlagField
      : null;
  if (flagField) {
    for (const type of salesforceTypes) {
      const field = metadata.salesforce[type]?.find((candidate) => candidate.name === flagField);
      if (metadata.salesforce[type] && (!field || field.type !== 'boolean' || !field.updateable)) {
        scope.push(
          'error',
          null,
          'delete_flag_field_invalid',
          `The delete flag field "${flagField}" must be an editable checkbox on ${type}. Create it in Salesforce or clear the setting.`,
        );
      }
    }
  }
  return messages;
}

function validateMapping(
  scope: Scope,
  mapping: FieldMapping,
  properties: readonly HubspotPropertyDefinition[] | undefined,
  salesforceTypes: readonly SalesforceObjectType[],
  metadata: LiveMetadata,
): void {
  const label = `"${fieldLabel(mapping)}"`;
  const push = (code: string, message: string, severity: 'error' | 'warning' = 'error') =>
    scope.push(severity, mapping.key, code, `${label}: ${message}`);
  const directions = writesTo(mapping.rule);
  const kind = mapping.transform.kind;
  const property = properties?.find((candidate) => candidate.name === mapping.hubspotProperty);
  if (kind === 'association' || isAssociationProperty(mapping.hubspotProperty)) {
    // An association is no HubSpot property: it takes its reserved name, and only with its own transform.
    const to = mapping.transform.kind === 'association' ? mapping.transform.to : null;
    const expected = to === 'contacts' ? CONTACTS_PROPERTY : PRIMARY_COMPANY_PROPERTY;
    const roles = (mapping.salesforceFields as Partial<Record<SalesforceObjectType, string | null>>)
      .Opportunity;
    if (to === null || mapping.hubspotProperty !== expected) {
      push(
        'association_mapping_invalid',
        `a record's primary company is mapped as "${PRIMARY_COMPANY_PROPERTY}" and a deal's contacts as "${CONTACTS_PROPERTY}", each with the "association" transform; nothing else takes those names.`,
      );
    } else if (to === 'contacts' && (scope.noun !== 'deal' || roles !== CONTACT_ROLES_FIELD)) {
      push(
        'association_mapping_invalid',
        `a deal's contacts sync with its Opportunity's contact roles: map "${CONTACTS_PROPERTY}" to Opportunity "${CONTACT_ROLES_FIELD}".`,
      );
    }
    if (to === 'contacts') return;
  } else if (properties && !property) {
    push(
      'hubspot_property_missing',
      `HubSpot has no ${scope.noun} property "${mapping.hubspotProperty}". Create it in HubSpot or remove this mapping.`,
    );
  }
  if (property) {
    if (directions.hubspot && isHubspotReadOnly(property)) {
      push(
        'hubspot_property_read_only',
        `the rule "${mapping.rule}" writes to HubSpot, but the property "${property.name}" is read-only there. Choose a rule that only writes to Salesforce, such as "hubspot".`,
      );
    }
    if (!hubspotTypeFits[kind](property)) {
      push(
        'hubspot_type_mismatch',
        `the transform "${kind}" needs ${hubspotTypeNeeded[kind]}, but "${property.name}" is of type ${property.type}${property.fieldType ? ` (${property.fieldType})` : ''}. Pick a matching transform or another property.`,
      );
    }
  }
  for (const type of salesforceTypes) {
    const fieldName = (mapping.salesforceFields as Partial<Record<SalesforceObjectType, string | null>>)[
      type
    ];
    const describe = metadata.salesforce[type];
    if (!fieldName || !describe) continue;
    const field = describe.find((candidate) => candidate.name === fieldName);
    const feature = orgFeatureFields[fieldName];
    if (!field && feature) {
      // Not the admin's to create: the mapping applies once the org turns the feature on.
      push(
        'salesforce_feature_off',
        `Salesforce ${type} has no field "${fieldName}": the org does not use ${feature}, so this mapping does not apply.`,
        'warning',
      );
      continue;
    }
    if (!field) {
      push(
        'salesforce_field_missing',
        `Salesforce ${type} has no field "${fieldName}", or the connected user cannot see it. Create it, grant access, or change the mapping.`,
      );
      continue;
    }
    if (directions.salesforce && mapping.rule !== 'on_create' && !field.updateable) {
      push(
        'salesforce_field_read_only',
        `the rule "${mapping.rule}" writes to Salesforce, but ${type}.${fieldName} cannot be edited by the connected user. Choose a rule that only writes to HubSpot, such as "salesforce", or grant edit access.`,
      );
    }
    if (mapping.rule === 'on_create' && !field.createable) {
      push(
        'salesforce_field_not_createable',
        `the rule "on_create" sets ${type}.${fieldName} on new records, but the connected user cannot set it on create.`,
      );
    }
    if (!salesforceTypeFits(kind, field)) {
      push(
        'salesforce_type_mismatch',
        `the transform "${kind}" needs ${salesforceTypeNeeded[kind]}, but ${type}.${fieldName} is of type ${field.type}. Pick a matching transform or another field.`,
      );
      continue;
    }
    if (mapping.transform.kind === 'stages') {
      if (!metadata.dealPipelines) {
        push(
          'deal_pipelines_missing',
          "HubSpot's deal pipelines could not be read, so the stage map was not checked against them.",
          'warning',
        );
      }
      const problems = checkStageMap(
        mapping.transform.pipelines,
        metadata.dealPipelines ?? [],
        field,
        metadata.recordTypes?.[type],
      );
      for (const problem of problems) {
        // Without the pipelines, only what Salesforce says can be checked.
        const checksPipelines = ['stage_pipeline_unknown', 'stage_unknown', 'stage_unmapped'];
        if (!metadata.dealPipelines && checksPipelines.includes(problem.code)) continue;
        push(problem.code, problem.message, problem.severity);
      }
    }
    if ((kind === 'picklist' || kind === 'multiselect') && mapping.transform.kind === kind) {
      for (const problem of checkPicklistMapping(mapping, property ?? null, field, type)) {
        // A value in no group is not written and the record's card says so; the other fields and records
        // sync. Worth knowing, not worth refusing the save: a portal's long option lists (HubSpot knows about
        // 150 industries) would otherwise keep a shipped map from ever being saved.
        push(problem.code, problem.message, problem.code === 'picklist_value_unmapped' ? 'warning' : 'error');
      }
    }
  }
}

function validateCreation(
  scope: Scope,
  objectSettings: ObjectSettings,
  salesforceTypes: readonly SalesforceObjectType[],
  metadata: LiveMetadata,
): void {
  const creation = objectSettings.createInSalesforce;
  const targets = new Set<string>([creation.default, ...creation.rules.map((rule) => rule.createAs)]);
  for (const type of salesforceTypes) {
    const describe: readonly SalesforceFieldDescribe[] | undefined = metadata.salesforce[type];
    if (!targets.has(type) || !describe) continue;
    const sent = new Set(
      objectSettings.fields
        .filter((mapping) => sentOnCreate(mapping.rule, 'salesforce'))
        .map((mapping) => (mapping.salesforceFields as Partial<Record<string, string | null>>)[type])
        .filter((name): name is string => Boolean(name)),
    );
    const crossIdField = (objectSettings.crossId.salesforceField as Partial<Record<string, string | null>>)[
      type
    ];
    for (const required of requiredFieldsFromDescribe(describe)) {
      if (sent.has(required) || required === crossIdField) continue;
      scope.push(
        'error',
        null,
        'required_field_unmapped',
        `Salesforce requires ${required} on every new ${type}, but no mapping sends it from HubSpot, so creating ${type}s would fail. Map a HubSpot property to ${type}.${required} with a rule that writes to Salesforce, or create ${type}s by another rule.`,
      );
    }
  }
}

function validateConditions(
  scope: Scope,
  objectSettings: ObjectSettings,
  properties: readonly HubspotPropertyDefinition[] | undefined,
): void {
  if (!properties) return;
  const conditions = [
    ...(objectSettings.scope ? [{ where: 'The sync scope', condition: objectSettings.scope }] : []),
    ...objectSettings.createInSalesforce.rules.map((rule, index) => ({
      where: `Creation rule ${index + 1}`,
      condition: rule.when,
    })),
  ];
  for (const { where, condition } of conditions) {
    for (const name of conditionProperties(condition)) {
      if (!properties.some((property) => property.name === name)) {
        scope.push(
          'error',
          null,
          'condition_property_missing',
          `${where} tests the HubSpot property "${name}", which does not exist. Fix the condition.`,
        );
      }
    }
  }
}

function validateCrossIds(
  scope: Scope,
  objectSettings: ObjectSettings,
  properties: readonly HubspotPropertyDefinition[] | undefined,
  salesforceTypes: readonly SalesforceObjectType[],
  metadata: LiveMetadata,
): void {
  const propertyName = objectSettings.crossId.hubspotProperty;
  const property = properties?.find((candidate) => candidate.name === propertyName);
  if (properties && !property) {
    scope.push(
      'error',
      null,
      'cross_id_property_missing',
      `The HubSpot property "${propertyName}" that holds the Salesforce id is missing. Reconnect HubSpot in the app settings so the app can create it.`,
    );
  } else if (property && !property.hasUniqueValue) {
    scope.push(
      'warning',
      null,
      'cross_id_property_not_unique',
      `The HubSpot property "${propertyName}" does not require unique values, so a retried create could make a duplicate.`,
    );
  }
  for (const type of salesforceTypes) {
    const fieldName = (objectSettings.crossId.salesforceField as Partial<Record<string, string | null>>)[
      type
    ];
    const describe = metadata.salesforce[type];
    if (!describe) continue;
    if (!fieldName) {
      scope.push(
        'warning',
        null,
        'cross_id_field_unset',
        `No Salesforce ${type} field holds the HubSpot id, so creates cannot be made safe against retries. Name an external-id text field.`,
      );
      continue;
    }
    const field = describe.find((candidate) => candidate.name === fieldName);
    if (!field) {
      scope.push(
        'error',
        null,
        'cross_id_field_missing',
        `Salesforce ${type} has no field "${fieldName}" to hold the HubSpot id. Create it as an external-id text field or change the setting.`,
      );
    } else if (!field.externalId) {
      scope.push(
        'warning',
        null,
        'cross_id_field_not_external',
        `${type}.${fieldName} is not marked as an external id, so creates cannot use it to avoid duplicates.`,
      );
    }
  }
}
