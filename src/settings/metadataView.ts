/**
 * The live field lists the settings page offers when an admin adds a mapping: HubSpot properties and
 * Salesforce fields of every object the settings sync, from the same cached reads that validate the settings.
 * Keyed by object, so companies and Accounts, deals and Opportunities join when they sync.
 */
import type { Installation } from '../db/installations';
import type { HubspotObjectType, SalesforceObjectType } from '../domain/records';
import {
  isHubspotReadOnly,
  type HubspotPropertyDefinition,
  type SalesforceFieldDescribe,
} from '../domain/settings/metadata';
import { settingsFor } from './installationSettings';
import type { SettingsDeps } from './saveSettings';

export interface HubspotPropertyView {
  name: string;
  label: string;
  /** HubSpot's type: bool, date, datetime, enumeration, number, phone_number, string. */
  type: string;
  fieldType: string;
  options: Array<{ label: string; value: string }>;
  /** Calculated or otherwise not writable: a mapping can read it, never write it. */
  readOnly: boolean;
}

export interface SalesforceFieldView {
  name: string;
  label: string;
  type: string;
  /** Active picklist values only: inactive ones cannot be written. */
  picklistValues: Array<{ label: string; value: string }>;
  updateable: boolean;
  createable: boolean;
  nillable: boolean;
}

/** A deal pipeline and its stages, with the ids a stage map names. */
export interface DealPipelineView {
  id: string;
  label: string;
  stages: Array<{ id: string; label: string }>;
}

export interface MetadataView {
  hubspot: Partial<Record<HubspotObjectType, HubspotPropertyView[]>>;
  salesforce: Partial<Record<SalesforceObjectType, SalesforceFieldView[]>>;
  /** HubSpot's deal pipelines, in HubSpot's order (absent: deals do not sync, or they could not be read). */
  dealPipelines?: DealPipelineView[];
  /** Objects that could not be read, and why (Salesforce disconnected, a budget wait, …). */
  problems: string[];
}

const byLabel = (a: { label: string; name: string }, b: { label: string; name: string }) =>
  a.label.localeCompare(b.label) || a.name.localeCompare(b.name);

function propertyView(property: HubspotPropertyDefinition): HubspotPropertyView {
  return {
    name: property.name,
    label: property.label || property.name,
    type: property.type,
    fieldType: property.fieldType,
    options: property.options
      .filter((option) => !option.hidden)
      .map((option) => ({ label: option.label || option.value, value: option.value })),
    readOnly: isHubspotReadOnly(property),
  };
}

function fieldView(field: SalesforceFieldDescribe): SalesforceFieldView {
  return {
    name: field.name,
    label: field.label || field.name,
    type: field.type,
    picklistValues: field.picklistValues
      .filter((value) => value.active)
      .map((value) => ({ label: value.label ?? value.value, value: value.value })),
    updateable: field.updateable,
    createable: field.createable,
    nillable: field.nillable,
  };
}

export async function liveMetadataView(
  deps: SettingsDeps,
  installation: Pick<Installation, 'id'>,
): Promise<MetadataView> {
  const settings = await settingsFor(deps.context.db, installation.id);
  const live = await deps.metadata.read(installation.id, settings);
  const view: MetadataView = { hubspot: {}, salesforce: {}, problems: live.problems };
  for (const [object, properties] of Object.entries(live.metadata.hubspot)) {
    view.hubspot[object as HubspotObjectType] = properties.map(propertyView).sort(byLabel);
  }
  for (const [type, fields] of Object.entries(live.metadata.salesforce)) {
    view.salesforce[type as SalesforceObjectType] = fields.map(fieldView).sort(byLabel);
  }
  if (live.metadata.dealPipelines) {
    view.dealPipelines = live.metadata.dealPipelines
      .filter((pipeline) => !pipeline.archived)
      .map((pipeline) => ({
        id: pipeline.id,
        label: pipeline.label || pipeline.id,
        stages: pipeline.stages
          .filter((stage) => !stage.archived)
          .map((stage) => ({ id: stage.id, label: stage.label || stage.id })),
      }));
  }
  return view;
}
