/**
 * What the install flow's checks found, as stored with the installation (src/db/installations.ts) and shown
 * on the install pages, the settings page and the operator dashboard: the HubSpot properties report (made
 * by src/connectors/hubspot/bootstrap.ts) and the Salesforce capability report (made by
 * src/connectors/salesforce/capabilities.ts). Stored as JSON, so read back through these schemas.
 */
import { z } from 'zod';
import { hubspotObjectTypes } from './records';

export const propertyOutcomes = ['created', 'existing', 'options_added', 'incompatible', 'refused'] as const;
export type PropertyOutcome = (typeof propertyOutcomes)[number];

export const PropertiesReportSchema = z.object({
  checkedAt: z.number().int(),
  groups: z.array(
    z.object({ objectType: z.enum(hubspotObjectTypes), outcome: z.enum(['created', 'existing']) }),
  ),
  properties: z.array(
    z.object({
      objectType: z.enum(hubspotObjectTypes),
      name: z.string(),
      outcome: z.enum(propertyOutcomes),
      /** For `incompatible` and `refused` (HubSpot would not create it): what is wrong, what the admin can do. */
      problem: z.string().optional(),
    }),
  ),
});
export type PropertiesReport = z.infer<typeof PropertiesReportSchema>;

export const checkedSalesforceObjects = ['Lead', 'Contact', 'Account', 'Opportunity', 'User'] as const;
export type CheckedSalesforceObject = (typeof checkedSalesforceObjects)[number];

const OptionalFieldReport = z.object({
  present: z.boolean(),
  usable: z.boolean(),
  problem: z.string().optional(),
});

export const ObjectCapabilitySchema = z.object({
  name: z.enum(checkedSalesforceObjects),
  accessible: z.boolean(),
  createable: z.boolean(),
  updateable: z.boolean(),
  missingFields: z.array(z.string()),
  readOnlyFields: z.array(z.string()),
  hubspotIdField: OptionalFieldReport.nullable(),
  deletedFlagField: OptionalFieldReport.nullable(),
});
export type ObjectCapability = z.infer<typeof ObjectCapabilitySchema>;

export const CapabilityReportSchema = z.object({
  checkedAt: z.number().int(),
  /** True when every required object and field is usable; the optional fields do not affect it. */
  ok: z.boolean(),
  objects: z.array(ObjectCapabilitySchema),
  /** One sentence per problem, written for the admin. */
  problems: z.array(z.string()),
  /** Set when the check itself could not run (Salesforce unreachable, say); run it again later. */
  error: z.string().optional(),
});
export type CapabilityReport = z.infer<typeof CapabilityReportSchema>;
