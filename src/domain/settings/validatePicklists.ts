/**
 * Checks a picklist or multi-select value map against both systems' options: every value the map names
 * must exist, and every option that can be written must have somewhere to go.
 */
import type { SalesforceObjectType } from '../records';
import { writesTo } from './compatibility';
import type { HubspotPropertyDefinition, SalesforceFieldDescribe } from './metadata';
import type { FieldMapping } from './schema';

export interface PicklistProblem {
  readonly code: 'picklist_value_unknown' | 'picklist_value_unmapped' | 'restricted_picklist_unmapped';
  readonly message: string;
}

interface Option {
  readonly value: string;
  readonly label: string;
}

function key(value: string): string {
  return value.trim().toLowerCase();
}

function describeOption(option: Option): string {
  return option.label && option.label !== option.value
    ? `"${option.label}" (${option.value})`
    : `"${option.value}"`;
}

export function checkPicklistMapping(
  mapping: FieldMapping,
  property: HubspotPropertyDefinition | null,
  field: SalesforceFieldDescribe,
  type: SalesforceObjectType,
): PicklistProblem[] {
  const transform = mapping.transform;
  if (transform.kind !== 'picklist' && transform.kind !== 'multiselect') return [];
  const problems: PicklistProblem[] = [];
  // A HubSpot text property or a Salesforce text field takes any value: no option list to check against.
  const hubspotOptions: Option[] | null =
    property && property.type === 'enumeration'
      ? property.options.filter((option) => !option.hidden).map((o) => ({ value: o.value, label: o.label }))
      : null;
  const salesforceOptions: Option[] | null = ['picklist', 'multipicklist', 'combobox'].includes(field.type)
    ? field.picklistValues
        .filter((option) => option.active)
        .map((o) => ({ value: o.value, label: o.label ?? '' }))
    : null;
  const target = `${type}.${field.name}`;
  const mappedHubspot = new Set(transform.options.flatMap((group) => group.hubspot.map(key)));
  const mappedSalesforce = new Set(transform.options.flatMap((group) => group.salesforce.map(key)));

  const hubspotKeys = hubspotOptions && new Set(hubspotOptions.map((option) => key(option.value)));
  const salesforceKeys = salesforceOptions && new Set(salesforceOptions.map((option) => key(option.value)));
  for (const group of transform.options) {
    for (const value of group.hubspot) {
      if (hubspotKeys && !hubspotKeys.has(key(value))) {
        problems.push({
          code: 'picklist_value_unknown',
          message: `the value map names the HubSpot option "${value}", which "${mapping.hubspotProperty}" does not have. Fix the map or add the option in HubSpot.`,
        });
      }
    }
    for (const value of group.salesforce) {
      if (salesforceKeys && !salesforceKeys.has(key(value))) {
        problems.push({
          code: 'picklist_value_unknown',
          message: `the value map names the Salesforce value "${value}", which ${target} does not have (or it is inactive). Fix the map or add the value in Salesforce.`,
        });
      }
    }
  }

  const directions = writesTo(mapping.rule);
  // HubSpot options that can be written to Salesforce must land on a value Salesforce accepts.
  if (directions.salesforce && hubspotOptions) {
    for (const option of hubspotOptions) {
      if (mappedHubspot.has(key(option.value))) continue;
      if (!transform.passThrough) {
        problems.push({
          code: 'picklist_value_unmapped',
          message: `the HubSpot option ${describeOption(option)} has no ${target} value in the value map, so records with it cannot sync to Salesforce. Add it to the map.`,
        });
      } else if (
        field.restrictedPicklist &&
        salesforceKeys &&
        !salesforceKeys.has(key(option.value)) &&
        !mappedSalesforce.has(key(option.value))
      ) {
        problems.push({
          code: 'restricted_picklist_unmapped',
          message: `the HubSpot option ${describeOption(option)} would pass through unchanged, but ${target} is a restricted picklist without that value. Map it to an existing value.`,
        });
      }
    }
  }
  // HubSpot option lists are always restricted: every Salesforce value must map or exist there.
  if (directions.hubspot && salesforceOptions) {
    for (const option of salesforceOptions) {
      if (mappedSalesforce.has(key(option.value))) continue;
      if (!transform.passThrough) {
        problems.push({
          code: 'picklist_value_unmapped',
          message: `the Salesforce value ${describeOption(option)} of ${target} has no HubSpot option in the value map, so records with it cannot sync to HubSpot. Add it to the map.`,
        });
      } else if (
        hubspotKeys &&
        !hubspotKeys.has(key(option.value)) &&
        !mappedHubspot.has(key(option.value))
      ) {
        problems.push({
          code: 'restricted_picklist_unmapped',
          message: `the Salesforce value ${describeOption(option)} would pass through unchanged, but "${mapping.hubspotProperty}" has no such option. Map it to an existing option.`,
        });
      }
    }
  }
  return problems;
}
