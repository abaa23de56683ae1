/**
 * The emulator's knobs. Every one can be set at start (options.settings) and changed at run time through
 * `PATCH /_emulator/settings` (a deep-partial object); `POST /_emulator/reset` restores the start values.
 */
import { z } from 'zod';

const ms = z.number().int().min(0);

export const SettingsSchema = z.object({
  /** Added to every API and OAuth call (not the control API): a global latency knob for benchmarks. */
  latencyMs: ms,
  rateLimits: z.object({
    enabled: z.boolean(),
    /** The rolling window of the "ten-secondly" limit. */
    intervalMs: z.number().int().min(1),
    /** Requests allowed per window, per portal and app (HubSpot public apps: 110 per 10 s). */
    maxPerInterval: z.number().int().min(1),
    /** Search requests allowed per second, per portal and app (HubSpot: 5). */
    searchPerSecond: z.number().int().min(1),
  }),
  search: z.object({
    /** How long after a write search starts to see it (HubSpot: a few seconds, sometimes ~30 s). */
    indexingDelayMs: ms,
  }),
  oauth: z.object({
    accessTokenTtlSeconds: z.number().int().min(1),
    authorizationCodeTtlSeconds: z.number().int().min(1),
    /** From this moment (emulator clock) the v1 OAuth endpoints answer 410: HubSpot sunsets them 2027-02-16. */
    v1SunsetAtMs: z.number().int(),
    /** Refuse the v1 OAuth endpoints now, whatever the clock says. */
    refuseV1Now: z.boolean(),
  }),
  behaviour: z.object({
    emailCase: z.enum(['lowercase', 'preserve']),
    duplicateEmailError: z.enum(['CONFLICT', 'OBJECT_ALREADY_EXISTS']),
    uniqueValueError: z.enum(['VALIDATION_ERROR', 'CONFLICT']),
    /**
     * Batch create/update/upsert results: HubSpot does not promise input order (`shuffled`, the default);
     * `input` keeps it.
     */
    batchResultOrder: z.enum(['shuffled', 'input']),
    /**
     * What a write's result holds: HubSpot promises only the properties written plus its own (`written`, the
     * default: those, `createdate`, `hs_object_id` and the last-modified date); `all` returns every property
     * with a value.
     */
    writeResponseProperties: z.enum(['written', 'all']),
    /**
     * Where a merged contact lists the ids merged into it: `hs_calculated_merged_vids` (`id:timestamp;…`) and
     * `hs_merged_object_ids` (`id;…`), both by default; leave one out to see a client cope without it.
     */
    contactMergedIdsProperties: z.array(z.enum(['hs_calculated_merged_vids', 'hs_merged_object_ids'])).min(1),
    /**
     * Lifecycle stages only move forward through the API: an integration setting an earlier stage (in the
     * portal's order) than the current one is refused until the value is cleared (`refuse`, the default);
     * `allow` lets it through.
     */
    lifecycleStageBackward: z.enum(['refuse', 'allow']),
  }),
  webhooks: z.object({
    /** Delay before retry n (n = 1..length); HubSpot retries up to 10 times over about 24 hours. */
    retryScheduleMs: z.array(ms).max(20),
    /** Multiplies every retry delay: 0.001 turns 24 hours into under 90 seconds, 0 retries at once. */
    retryTimeScale: z.number().min(0),
    /** Random spread of each retry delay, as a fraction (HubSpot randomises its retries). */
    retryJitterRatio: z.number().min(0).max(1),
    /** A delivery not answered within this counts as failed (HubSpot: 5 s). */
    timeoutMs: z.number().int().min(1),
    /** Events per request (HubSpot: up to 100). */
    maxEventsPerRequest: z.number().int().min(1).max(100),
    /** Events of one app arriving within this window go out together. */
    batchWindowMs: ms,
    /** Retry 4xx answers too (HubSpot's current docs) or only 429, 5xx and network failures. */
    retryClientErrors: z.boolean(),
  }),
  fetchProxy: z.object({
    /** Append userId, portalId, userEmail and appId to the URL, as HubSpot's production proxy does. */
    appendIdentity: z.boolean(),
    timeoutMs: z.number().int().min(1),
  }),
});

export type EmulatorSettings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = z.object({
  latencyMs: SettingsSchema.shape.latencyMs.optional(),
  rateLimits: SettingsSchema.shape.rateLimits.partial().optional(),
  search: SettingsSchema.shape.search.partial().optional(),
  oauth: SettingsSchema.shape.oauth.partial().optional(),
  behaviour: SettingsSchema.shape.behaviour.partial().optional(),
  webhooks: SettingsSchema.shape.webhooks.partial().optional(),
  fetchProxy: SettingsSchema.shape.fetchProxy.partial().optional(),
});

export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

const HOUR_MS = 3_600_000;

/** HubSpot's announced end of the v1 OAuth API: 2027-02-16 (the changelog's "v1 OAuth API Deprecation"). */
export const V1_OAUTH_SUNSET_MS = Date.UTC(2027, 1, 16);

export const DEFAULT_SETTINGS: EmulatorSettings = {
  latencyMs: 0,
  rateLimits: { enabled: true, intervalMs: 10_000, maxPerInterval: 110, searchPerSecond: 5 },
  search: { indexingDelayMs: 0 },
  oauth: {
    accessTokenTtlSeconds: 1800,
    authorizationCodeTtlSeconds: 600,
    v1SunsetAtMs: V1_OAUTH_SUNSET_MS,
    refuseV1Now: false,
  },
  behaviour: {
    emailCase: 'lowercase',
    duplicateEmailError: 'CONFLICT',
    uniqueValueError: 'VALIDATION_ERROR',
    batchResultOrder: 'shuffled',
    writeResponseProperties: 'written',
    contactMergedIdsProperties: ['hs_calculated_merged_vids', 'hs_merged_object_ids'],
    lifecycleStageBackward: 'refuse',
  },
  webhooks: {
    retryScheduleMs: [
      60_000,
      2 * 60_000,
      5 * 60_000,
      10 * 60_000,
      30 * 60_000,
      HOUR_MS,
      2 * HOUR_MS,
      4 * HOUR_MS,
      8 * HOUR_MS,
      8 * HOUR_MS,
    ],
    retryTimeScale: 1,
    retryJitterRatio: 0.2,
    timeoutMs: 5000,
    maxEventsPerRequest: 100,
    batchWindowMs: 10,
    retryClientErrors: true,
  },
  fetchProxy: { appendIdentity: true, timeoutMs: 15_000 },
};

export function applySettingsPatch(current: EmulatorSettings, patch: SettingsPatch): EmulatorSettings {
  return SettingsSchema.parse({
    latencyMs: patch.latencyMs ?? current.latencyMs,
    rateLimits: { ...current.rateLimits, ...patch.rateLimits },
    search: { ...current.search, ...patch.search },
    oauth: { ...current.oauth, ...patch.oauth },
    behaviour: { ...current.behaviour, ...patch.behaviour },
    webhooks: { ...current.webhooks, ...patch.webhooks },
    fetchProxy: { ...current.fetchProxy, ...patch.fetchProxy },
  });
}

export function cloneSettings(settings: EmulatorSettings): EmulatorSettings {
  return structuredClone(settings);
}
