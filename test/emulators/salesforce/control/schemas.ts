/** Request bodies of the control API (`/_emulator/…`), shared by the server and the typed client. */

import { z } from 'zod';

/** Spread over the org's settings: a setting left out keeps its value (a JSON body cannot say `undefined`). */
const settings = z.object({
  rotateRefreshTokens: z.boolean().exactOptional(),
  accessTokenTtlMs: z.number().int().positive().exactOptional(),
  dailyApiLimit: z.number().int().nonnegative().exactOptional(),
  maxRefreshTokensPerUser: z.number().int().positive().exactOptional(),
  recycleBinDays: z.number().int().positive().exactOptional(),
  queryBatchSize: z.number().int().min(1).max(2000).exactOptional(),
});

export const seedBody = z
  .object({
    accounts: z.number().int().nonnegative(),
    contactsPerAccount: z.number().int().nonnegative(),
    leads: z.number().int().nonnegative(),
    convertedLeads: z.number().int().nonnegative(),
    opportunities: z.number().int().nonnegative(),
    randomSeed: z.number().int(),
  })
  .partial();

export const createOrgBody = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  kind: z.enum(['production', 'sandbox']).optional(),
  settings: settings.optional(),
  adminUsername: z.string().min(3).optional(),
  repUsername: z.string().min(3).optional(),
  seed: seedBody.optional(),
});

export const settingsBody = settings;

export const createUserBody = z.object({
  username: z.string().min(3),
  lastName: z.string().min(1),
  firstName: z.string().optional(),
  email: z.string().optional(),
  title: z.string().optional(),
  isActive: z.boolean().optional(),
});

export const updateUserBody = z.object({ isActive: z.boolean() });

export const tokensBody = z.object({
  username: z.string().optional(),
  keepAccessTokens: z.boolean().optional(),
});

export const usageBody = z.object({ used: z.number().int().nonnegative() });

const asUser = z.string().optional();

export const createRecordBody = z.object({
  type: z.string(),
  fields: z.record(z.string(), z.unknown()),
  asUser,
});
export const createRecordsBody = z.object({
  type: z.string(),
  records: z.array(z.record(z.string(), z.unknown())).max(50_000),
  asUser,
});
export const updateRecordBody = z.object({ fields: z.record(z.string(), z.unknown()), asUser });
export const actorBody = z.object({ asUser }).optional();

export const convertLeadBody = z.object({
  accountId: z.string().optional(),
  contactId: z.string().optional(),
  createOpportunity: z.boolean().optional(),
  opportunityName: z.string().optional(),
  convertedStatus: z.string().optional(),
  ownerUsername: z.string().optional(),
  asUser,
});

export const mergeBody = z.object({
  type: z.enum(['Account', 'Contact', 'Lead']),
  masterId: z.string(),
  mergeIds: z.array(z.string()).min(1).max(2),
  masterFields: z.record(z.string(), z.unknown()).optional(),
  asUser,
});

const fieldType = z.enum([
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'boolean',
  'int',
  'double',
  'currency',
  'percent',
  'date',
  'datetime',
  'picklist',
  'multipicklist',
  'reference',
]);

export const addFieldBody = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/),
  type: fieldType,
  label: z.string().optional(),
  length: z.number().int().positive().optional(),
  precision: z.number().int().positive().optional(),
  scale: z.number().int().nonnegative().optional(),
  required: z.boolean().optional(),
  externalId: z.boolean().optional(),
  unique: z.boolean().optional(),
  caseSensitive: z.boolean().optional(),
  picklistValues: z.array(z.string()).optional(),
  restrictedPicklist: z.boolean().optional(),
  referenceTo: z.string().optional(),
  relationshipName: z.string().optional(),
  createable: z.boolean().optional(),
  updateable: z.boolean().optional(),
  defaultValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});

/** Turning multi-currency on: ISO codes of the active currencies and the corporate one. */
export const multiCurrencyBody = z.object({
  corporateCurrency: z.string().regex(/^[A-Z]{3}$/),
  currencies: z.array(z.string().regex(/^[A-Z]{3}$/)).default([]),
});
export type MultiCurrencyInput = z.input<typeof multiCurrencyBody>;

/** A record type an admin defines on an object. */
export const recordTypeBody = z.object({
  developerName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/),
  label: z.string().optional(),
});
export type RecordTypeInput = z.input<typeof recordTypeBody>;

export const updateFieldBody = z
  .object({
    label: z.string(),
    length: z.number().int().positive(),
    required: z.boolean(),
    externalId: z.boolean(),
    unique: z.boolean(),
    picklistValues: z.array(z.string()),
    restrictedPicklist: z.boolean(),
    createable: z.boolean(),
    updateable: z.boolean(),
  })
  .partial();

export const faultBody = z.object({
  kind: z.enum([
    'unable_to_lock_row',
    'validation_rule',
    'duplicates_detected',
    'http_error',
    'hang',
    'slow',
    'access_denied',
  ]),
  route: z.string().optional(),
  method: z.string().optional(),
  sobject: z.string().optional(),
  org: z.string().optional(),
  times: z.number().int().positive().optional(),
  status: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
  fields: z.array(z.string()).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  recordIndexes: z.array(z.number().int().nonnegative()).optional(),
});

export const latencyBody = z.object({ ms: z.number().int().nonnegative() });
export const requestSizeBody = z.object({ maxRequestBytes: z.number().int().min(1024) });
export const advanceClockBody = z.object({ ms: z.number().int().nonnegative() });

export type CreateOrgInput = z.input<typeof createOrgBody>;
export type SettingsInput = z.input<typeof settingsBody>;
export type SeedInput = z.input<typeof seedBody>;
export type CreateUserInput = z.input<typeof createUserBody>;
export type ConvertLeadInput = z.input<typeof convertLeadBody>;
export type MergeInput = z.input<typeof mergeBody>;
export type AddFieldInput = z.input<typeof addFieldBody>;
export type UpdateFieldInput = z.input<typeof updateFieldBody>;
export type FaultInput = z.input<typeof faultBody>;
