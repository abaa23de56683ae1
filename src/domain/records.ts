/**
 * The canonical record snapshots the planner reads, and the link between two records.
 *
 * Connectors build these from the wire (they read every property or field the settings map, so a missing
 * key means "not read", never "blank"); the queue may carry them as JSON (a poll hands over what it read),
 * which is why each has a zod schema.
 */
import { z } from 'zod';
import type { LinkState } from './linkStates';

/** The two systems. */
export const sides = ['hubspot', 'salesforce'] as const;
export type Side = (typeof sides)[number];
export const SideSchema = z.enum(sides);

export function otherSide(side: Side): Side {
  return side === 'hubspot' ? 'salesforce' : 'hubspot';
}

export function sideLabel(side: Side): string {
  return side === 'hubspot' ? 'HubSpot' : 'Salesforce';
}

export const hubspotObjectTypes = ['contacts', 'companies', 'deals'] as const;
export type HubspotObjectType = (typeof hubspotObjectTypes)[number];
export const HubspotObjectTypeSchema = z.enum(hubspotObjectTypes);

export const salesforceObjectTypes = ['Lead', 'Contact', 'Account', 'Opportunity'] as const;
export type SalesforceObjectType = (typeof salesforceObjectTypes)[number];
export const SalesforceObjectTypeSchema = z.enum(salesforceObjectTypes);

/** Which Salesforce objects pair with each HubSpot object. */
export const salesforceTypesFor = {
  contacts: ['Lead', 'Contact'],
  companies: ['Account'],
  deals: ['Opportunity'],
} as const satisfies Record<HubspotObjectType, readonly SalesforceObjectType[]>;

export const HubspotIdSchema = z.string().regex(/^[1-9]\d{0,30}$/, 'must be a HubSpot object id (digits)');
/**
 * Every stored Salesforce id is the 18-character form the API returns (the 15-character form is
 * case-sensitive and would break lookups).
 */
export const SalesforceIdSchema = z
  .string()
  .regex(/^[a-zA-Z0-9]{18}$/, 'must be an 18-character Salesforce id');

/** One record on one side, as stored: which CRM, which object type, which id. */
export const RecordRefSchema = z.discriminatedUnion('side', [
  z.object({ side: z.literal('hubspot'), objectType: HubspotObjectTypeSchema, recordId: HubspotIdSchema }),
  z.object({
    side: z.literal('salesforce'),
    objectType: SalesforceObjectTypeSchema,
    recordId: SalesforceIdSchema,
  }),
]);
export type RecordRef = z.infer<typeof RecordRefSchema>;

const epochMs = z.number().int();

export const HubspotRecordSchema = z.object({
  objectType: z.enum(hubspotObjectTypes),
  id: z.string().min(1),
  /** Every requested property; `null` when HubSpot holds no value. */
  properties: z.record(z.string(), z.string().nullable()),
  /** When each property last changed (propertiesWithHistory, or a webhook's occurredAt), epoch ms. */
  propertyTimestampsMs: z.record(z.string(), epochMs),
  updatedAtMs: epochMs,
  archived: z.boolean(),
});
export type HubspotRecord = z.infer<typeof HubspotRecordSchema>;

export const LeadConversionSchema = z.object({
  convertedContactId: z.string().nullable(),
  convertedAccountId: z.string().nullable(),
  convertedOpportunityId: z.string().nullable(),
  /** Salesforce's ConvertedDate is a date only: `YYYY-MM-DD`. */
  convertedDate: z.string().nullable(),
});
export type LeadConversion = z.infer<typeof LeadConversionSchema>;

export const SalesforceRecordSchema = z.object({
  type: z.enum(salesforceObjectTypes),
  /** The 18-character id. */
  id: z.string().min(15),
  /** Field values exactly as the REST API returns them (strings, numbers, booleans, null). */
  fields: z.record(z.string(), z.unknown()),
  lastModifiedAtMs: epochMs,
  systemModstampMs: epochMs,
  lastModifiedById: z.string().nullable(),
  isDeleted: z.boolean(),
  /** Set on the losing rows of a merge (read through queryAll). */
  masterRecordId: z.string().nullable(),
  /** Present when the record is a converted Lead. */
  conversion: LeadConversionSchema.nullable(),
});
export type SalesforceRecord = z.infer<typeof SalesforceRecordSchema>;

export interface HubspotRef {
  readonly objectType: HubspotObjectType;
  readonly id: string;
}

export interface SalesforceRef {
  readonly type: SalesforceObjectType;
  readonly id: string;
}

export function hubspotRef(record: HubspotRecord): HubspotRef {
  return { objectType: record.objectType, id: record.id };
}

export function salesforceRef(record: SalesforceRecord): SalesforceRef {
  return { type: record.type, id: record.id };
}

/**
 * Salesforce ids are 15 case-sensitive characters plus a 3-character checksum; responses always carry 18,
 * people and other systems sometimes hold 15. Two ids name the same record when their first 15 agree.
 */
export function sameSalesforceId(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || a.length < 15 || b.length < 15) return false;
  return a.slice(0, 15) === b.slice(0, 15);
}

/** What the planner needs to know about a stored link. */
export interface Link {
  readonly id: string;
  readonly hubspot: HubspotRef;
  readonly salesforce: SalesforceRef;
  readonly state: LinkState;
  /** When tombstoned: which side was deleted, and when (epoch ms). */
  readonly tombstone: { readonly deletedSide: Side; readonly atMs: number } | null;
}
