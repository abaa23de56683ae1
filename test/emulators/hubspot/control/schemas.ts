/** Request bodies of the /_emulator/ control API (shared by the server and the typed client). */
import { z } from 'zod';

export const PortalCreateSchema = z.object({ portalId: z.number().int().positive().optional() });

export const TokenIssueSchema = z.object({
  /** Which app the token is for: app id or client id. Default: the bridge app. */
  appId: z.number().int().optional(),
  clientId: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  /** The installing user (email, user id or owner id). Default: the portal admin. */
  user: z.union([z.string(), z.number()]).optional(),
});

export const AppPatchSchema = z.object({ rotateRefreshTokens: z.boolean().optional() });

export const PortalScopedSchema = z.object({ portalId: z.number().int().optional() });

export const ClockSchema = z.union([
  z.object({ advanceMs: z.number().int() }),
  z.object({ nowMs: z.number().int() }),
]);

/** Spread over the emulator's limits: a limit left out keeps its value (a JSON body cannot say `undefined`). */
export const RateLimitOverrideSchema = z.object({
  enabled: z.boolean().exactOptional(),
  intervalMs: z.number().int().min(1).exactOptional(),
  maxPerInterval: z.number().int().min(1).exactOptional(),
  searchPerSecond: z.number().int().min(1).exactOptional(),
});

export const OwnerCreateSchema = z.object({
  email: z.string().min(3),
  firstName: z.string().default(''),
  lastName: z.string().default(''),
});

const RoleIdsSchema = z.array(z.string().min(1)).max(50);

export const UserAddSchema = OwnerCreateSchema.extend({
  superAdmin: z.boolean().default(false),
  roleIds: RoleIdsSchema.default([]),
});

export const UserPatchSchema = z
  .object({
    superAdmin: z.boolean().optional(),
    roleIds: RoleIdsSchema.optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
  })
  .strict();

export const RoleInputSchema = z.object({
  /** Default: a new id. */
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  requiresBillingWrite: z.boolean().default(false),
});

export const RolesReplaceSchema = z.object({ roles: z.array(RoleInputSchema).max(200) });

export const WebhookSubscriptionInputSchema = z.object({
  subscriptionType: z.string().regex(/^[a-z_]+\.[A-Za-z]+$/),
  /** For `object.*` types: `0-1`, `contacts`, `contact`… (omitted: every object type). */
  objectType: z.string().optional(),
  propertyName: z.string().optional(),
  active: z.boolean().default(true),
});

export const WebhookSettingsInputSchema = z.object({
  targetUrl: z.string().url(),
  maxConcurrentRequests: z.number().int().min(1).max(100).default(10),
  subscriptions: z.array(WebhookSubscriptionInputSchema),
});

export const UserRefSchema = z.object({ user: z.union([z.string(), z.number()]).optional() });

export const UserCreateSchema = UserRefSchema.extend({
  properties: z.record(z.string(), z.unknown()),
  associations: z
    .array(
      z.object({
        toObjectType: z.string(),
        toObjectId: z.coerce.string(),
        primary: z.boolean().default(false),
      }),
    )
    .default([]),
});

export const UserUpdateSchema = UserRefSchema.extend({ properties: z.record(z.string(), z.unknown()) });

export const UserMergeSchema = UserRefSchema.extend({
  primaryObjectId: z.coerce.string(),
  objectIdToMerge: z.coerce.string(),
});

export const UserAssociationSchema = UserRefSchema.extend({
  fromObjectType: z.string(),
  fromObjectId: z.coerce.string(),
  toObjectType: z.string(),
  toObjectId: z.coerce.string(),
  primary: z.boolean().default(false),
});

export const UserGdprSchema = UserRefSchema.extend({
  objectId: z.coerce.string().optional(),
  email: z.string().optional(),
});

export const SeedSchema = z.object({
  seed: z.number().int().default(1),
  owners: z.number().int().min(0).max(100).default(4),
  companies: z.number().int().min(0).max(200_000).default(20),
  contacts: z.number().int().min(0).max(200_000).default(60),
  deals: z.number().int().min(0).max(200_000).default(15),
  /** Fire webhooks for the seeded records (off: a seed is the portal's past). */
  emitWebhooks: z.boolean().default(false),
});

export const FetchProxySchema = z.object({
  url: z.string().url(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  body: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeout: z.number().int().min(1).optional(),
  portalId: z.number().int().optional(),
  user: z.union([z.string(), z.number()]).optional(),
  appId: z.number().int().optional(),
});

/** A HubSpot process updating a record: its own property values to set (none: only the last-modified date moves). */
export const SystemUpdateSchema = z.object({
  properties: z.record(z.string(), z.string()).default({}),
});

/** A portal's own lifecycle stages, in stage order (HubSpot lets admins add, remove and reorder them). */
export const LifecycleStagesSchema = z.object({
  objectType: z.enum(['contacts', 'companies']).default('contacts'),
  stages: z.array(z.object({ value: z.string().regex(/^[a-z0-9_]+$/), label: z.string().optional() })).min(1),
});
export type LifecycleStagesInput = z.input<typeof LifecycleStagesSchema>;

/** A deal pipeline an admin adds, its stages in order (HubSpot gives both numeric ids). */
export const DealPipelineSchema = z.object({
  label: z.string().trim().min(1),
  stages: z
    .array(
      z.object({
        label: z.string().trim().min(1),
        isClosed: z.boolean().optional(),
        probability: z.string().optional(),
      }),
    )
    .min(1),
});
export type DealPipelineInput = z.input<typeof DealPipelineSchema>;
