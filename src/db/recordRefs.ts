/**
 * The names of records on either side, as stored: which CRM, which object type, which id. Validated here so
 * a HubSpot id never lands in a Salesforce column and every Salesforce id is the 18-character form the API
 * returns (the 15-character form is case-sensitive and would break lookups).
 */
import { z } from 'zod';

export const sides = ['hubspot', 'salesforce'] as const;
export type Side = (typeof sides)[number];
export const SideSchema = z.enum(sides);

export const hubspotObjectTypes = ['contacts', 'companies', 'deals'] as const;
export type HubspotObjectType = (typeof hubspotObjectTypes)[number];
export const HubspotObjectTypeSchema = z.enum(hubspotObjectTypes);

export const salesforceObjectTypes = ['Lead', 'Contact', 'Account', 'Opportunity'] as const;
export type SalesforceObjectType = (typeof salesforceObjectTypes)[number];
export const SalesforceObjectTypeSchema = z.enum(salesforceObjectTypes);

/** Which Salesforce objects a HubSpot object can be linked to. */
export const salesforceTypesFor: Record<HubspotObjectType, readonly SalesforceObjectType[]> = {
  contacts: ['Lead', 'Contact'],
  companies: ['Account'],
  deals: ['Opportunity'],
};

export const HubspotIdSchema = z.string().regex(/^[1-9]\d{0,30}$/, 'must be a HubSpot object id (digits)');
export const SalesforceIdSchema = z
  .string()
  .regex(/^[a-zA-Z0-9]{18}$/, 'must be an 18-character Salesforce id');

/** One record on one side. */
export const RecordRefSchema = z.discriminatedUnion('side', [
  z.object({ side: z.literal('hubspot'), objectType: HubspotObjectTypeSchema, recordId: HubspotIdSchema }),
  z.object({
    side: z.literal('salesforce'),
    objectType: SalesforceObjectTypeSchema,
    recordId: SalesforceIdSchema,
  }),
]);
export type RecordRef = z.infer<typeof RecordRefSchema>;

export { JsonValueSchema, type JsonValue } from '../domain/json';
