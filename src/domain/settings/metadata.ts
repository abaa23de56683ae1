/**
 * The live metadata settings are validated against, as the two APIs return it: HubSpot property
 * definitions (`GET /crm/v3/properties/{object}`) and Salesforce field descriptions
 * (`GET /sobjects/{object}/describe`, its `fields`). Only what validation reads is declared; everything
 * else passes through.
 */
import { z } from 'zod';
import type { HubspotObjectType, SalesforceObjectType } from '../records';

export const HubspotPropertyDefinitionSchema = z.looseObject({
  name: z.string(),
  label: z.string().default(''),
  /** bool, date, datetime, enumeration, number, phone_number, string */
  type: z.string(),
  fieldType: z.string().default(''),
  options: z
    .array(
      z.looseObject({ label: z.string().default(''), value: z.string(), hidden: z.boolean().default(false) }),
    )
    .default([]),
  calculated: z.boolean().default(false),
  hasUniqueValue: z.boolean().default(false),
  externalOptions: z.boolean().default(false),
  referencedObjectType: z.string().nullish(),
  modificationMetadata: z.looseObject({ readOnlyValue: z.boolean().default(false) }).optional(),
});
export type HubspotPropertyDefinition = z.infer<typeof HubspotPropertyDefinitionSchema>;

export const SalesforceFieldDescribeSchema = z.looseObject({
  name: z.string(),
  label: z.string().default(''),
  /** id, string, textarea, email, phone, url, boolean, int, double, currency, percent, date, datetime, … */
  type: z.string(),
  createable: z.boolean(),
  updateable: z.boolean(),
  nillable: z.boolean().default(true),
  defaultedOnCreate: z.boolean().default(false),
  calculated: z.boolean().default(false),
  externalId: z.boolean().default(false),
  restrictedPicklist: z.boolean().default(false),
  length: z.number().default(0),
  scale: z.number().default(0),
  referenceTo: z.array(z.string()).default([]),
  picklistValues: z
    .array(
      z.looseObject({ value: z.string(), label: z.string().nullish(), active: z.boolean().default(true) }),
    )
    .default([]),
});
export type SalesforceFieldDescribe = z.infer<typeof SalesforceFieldDescribeSchema>;

export const LiveMetadataSchema = z.object({
  hubspot: z.partialRecord(
    z.enum(['contacts', 'companies', 'deals']),
    z.array(HubspotPropertyDefinitionSchema),
  ),
  salesforce: z.partialRecord(
    z.enum(['Lead', 'Contact', 'Account', 'Opportunity']),
    z.array(SalesforceFieldDescribeSchema),
  ),
});
/** A deal pipeline as `GET /crm/v3/pipelines/deals` returns it (what the stage map is checked against). */
export const DealPipelineSchema = z.looseObject({
  id: z.string(),
  label: z.string().default(''),
  archived: z.boolean().default(false),
  stages: z
    .array(
      z.looseObject({ id: z.string(), label: z.string().default(''), archived: z.boolean().default(false) }),
    )
    .default([]),
});
export type DealPipeline = z.infer<typeof DealPipelineSchema>;

/** Per object: absent when it was not read (validation then says so instead of guessing). */
export type LiveMetadata = {
  readonly hubspot: Partial<Record<HubspotObjectType, readonly HubspotPropertyDefinition[]>>;
  readonly salesforce: Partial<Record<SalesforceObjectType, readonly SalesforceFieldDescribe[]>>;
  /** HubSpot's deal pipelines (absent: not read, or deals do not sync). */
  readonly dealPipelines?: readonly DealPipeline[];
  /** The record types (DeveloperNames) an org defines per object (absent: not read). */
  readonly recordTypes?: Partial<Record<SalesforceObjectType, readonly string[]>>;
};

/** Salesforce's own definition: a field must be given on create when it cannot be null and has no default. */
export function isRequiredOnCreate(field: SalesforceFieldDescribe): boolean {
  return field.createable && !field.nillable && !field.defaultedOnCreate && field.type !== 'boolean';
}

export function requiredFieldsFromDescribe(fields: readonly SalesforceFieldDescribe[]): string[] {
  return fields.filter(isRequiredOnCreate).map((field) => field.name);
}

export function isHubspotReadOnly(property: HubspotPropertyDefinition): boolean {
  return property.calculated || property.modificationMetadata?.readOnlyValue === true;
}
