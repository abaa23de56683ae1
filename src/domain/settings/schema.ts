/**
 * The settings document of one installation: what syncs, who owns each field, how values convert, which
 * records are in scope, how new records are created, and the operational knobs (polling, API budget,
 * pause, deletes).
 *
 * The document is versioned (`schemaVersion`, see ./migrate.ts) and validated with zod wherever it enters:
 * the settings API, and every read back from the database. Types come from the schemas.
 */
import { z } from 'zod';
import { isPhoneCountry } from '../transforms/phone';

export const CURRENT_SCHEMA_VERSION = 2;

export const ownershipRules = [
  'hubspot',
  'salesforce',
  'two_way',
  'prefer_hubspot_unless_blank',
  'prefer_salesforce_unless_blank',
  'review',
  'on_create',
  'none',
] as const;
export type OwnershipRule = (typeof ownershipRules)[number];

const hubspotPropertyName = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/,
    'must be a HubSpot property internal name, such as "firstname"',
  );
const salesforceFieldName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,79}$/,
    'must be a Salesforce field API name, such as "FirstName" or "Score__c"',
  );

function caseInsensitiveDuplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const value of values) {
    const key = value.trim().toLowerCase();
    if (seen.has(key)) duplicates.add(value);
    seen.add(key);
  }
  return [...duplicates];
}

const PicklistGroupSchema = z.object({
  hubspot: z.array(z.string().trim().min(1)).min(1),
  salesforce: z.array(z.string().trim().min(1)).min(1),
});

const picklistOptions = z.array(PicklistGroupSchema).superRefine((groups, ctx) => {
  for (const side of ['hubspot', 'salesforce'] as const) {
    for (const value of caseInsensitiveDuplicates(groups.flatMap((group) => group[side]))) {
      ctx.addIssue({
        code: 'custom',
        message: `the ${side === 'hubspot' ? 'HubSpot' : 'Salesforce'} value "${value}" appears more than once in the value map`,
      });
    }
  }
});

const StagePipelineSchema = z.object({
  /** HubSpot's pipeline id (`default` for the default sales pipeline). */
  pipeline: z.string().trim().min(1),
  /** The pipeline's name in HubSpot, for messages and the settings page. */
  label: z.string().trim().min(1).optional(),
  /** The Opportunity record type (DeveloperName) whose Opportunities are deals of this pipeline. */
  recordType: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'must be a record type API name, such as "Renewal"')
    .nullable()
    .default(null),
  stages: z.array(PicklistGroupSchema).min(1),
});

/**
 * A deal stage map per HubSpot pipeline (src/domain/transforms/stages.ts). The first pipeline is where an
 * Opportunity of no mapped record type goes.
 */
const stagePipelines = z
  .array(StagePipelineSchema)
  .min(1)
  .superRefine((pipelines, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    for (const id of caseInsensitiveDuplicates(pipelines.map((pipeline) => pipeline.pipeline))) {
      issue(`the HubSpot pipeline "${id}" has more than one stage map`);
    }
    const recordTypes = pipelines.flatMap((pipeline) => (pipeline.recordType ? [pipeline.recordType] : []));
    for (const recordType of caseInsensitiveDuplicates(recordTypes)) {
      issue(`the record type "${recordType}" is mapped to more than one pipeline`);
    }
    // HubSpot stage ids are unique in a portal: one listed twice would mean two things.
    const stages = pipelines.flatMap((pipeline) => pipeline.stages.flatMap((group) => group.hubspot));
    for (const stage of caseInsensitiveDuplicates(stages)) {
      issue(`the HubSpot stage "${stage}" appears more than once in the stage map`);
    }
    for (const pipeline of pipelines) {
      const names = pipeline.stages.flatMap((group) => group.salesforce);
      for (const name of caseInsensitiveDuplicates(names)) {
        issue(
          `the StageName "${name}" appears more than once in the stage map of pipeline "${pipeline.pipeline}"`,
        );
      }
    }
  });

export const TransformSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    /**
     * What Salesforce holds for "blank" in a field it requires (a Lead's Company): written for a blank
     * value and read back as blank, so the placeholder never reaches HubSpot.
     */
    salesforceBlank: z.string().trim().min(1).max(255).optional(),
  }),
  z.object({ kind: z.literal('email') }),
  /** A company's web domain (HubSpot `domain` ⇄ Salesforce `Website`), compared as the bare domain. */
  z.object({ kind: z.literal('domain') }),
  z.object({ kind: z.literal('phone') }),
  z.object({ kind: z.literal('number'), decimalPlaces: z.number().int().min(0).max(10).optional() }),
  z.object({ kind: z.literal('boolean') }),
  z.object({ kind: z.literal('date') }),
  z.object({ kind: z.literal('datetime') }),
  z.object({
    kind: z.literal('picklist'),
    options: picklistOptions,
    passThrough: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('multiselect'),
    options: picklistOptions.default([]),
    passThrough: z.boolean().default(false),
  }),
  z.object({ kind: z.literal('owner') }),
  z.object({ kind: z.literal('stages'), pipelines: stagePipelines }),
  /**
   * An association, compared through the links of the records at its other end (src/domain/transforms/
   * association.ts): a record's primary company ⇄ its Account lookup (`AccountId`), or a deal's contacts ⇄
   * its Opportunity's contact roles. Its HubSpot side is a name in the reserved `association.` namespace (no
   * HubSpot property can hold a dot): the sync reads and writes it through HubSpot's associations API.
   */
  z.object({ kind: z.literal('association'), to: z.enum(['companies', 'contacts']) }),
]);
export type TransformSpec = z.infer<typeof TransformSpecSchema>;
export type TransformKind = TransformSpec['kind'];

/** One test on a HubSpot property, compared case-insensitively as text. */
export const FilterSchema = z.discriminatedUnion('operator', [
  z.object({ property: hubspotPropertyName, operator: z.enum(['eq', 'neq', 'contains']), value: z.string() }),
  z.object({
    property: hubspotPropertyName,
    operator: z.enum(['in', 'not_in']),
    values: z.array(z.string()).min(1),
  }),
  z.object({ property: hubspotPropertyName, operator: z.enum(['has_value', 'has_no_value']) }),
]);
export type Filter = z.infer<typeof FilterSchema>;

/**
 * Like HubSpot's own filter groups: the condition holds when every filter of at least one group holds
 * (groups are OR, filters inside a group are AND).
 */
export const ConditionSchema = z.object({
  anyOf: z.array(z.object({ allOf: z.array(FilterSchema).min(1) })).min(1),
});
export type Condition = z.infer<typeof ConditionSchema>;

function fieldMappingSchema<T extends z.ZodEnum>(salesforceType: T) {
  return z
    .object({
      /** Stable identifier: shadows, conflicts and audit rows are keyed by it. */
      key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lowercase letters, digits and underscores'),
      label: z.string().trim().min(1).optional(),
      hubspotProperty: hubspotPropertyName,
      /**
       * The Salesforce field per Salesforce object. Absent or null: the field does not sync for records of
       * that object (a Contact's company is its Account's name, not a Contact field).
       */
      salesforceFields: z.partialRecord(salesforceType, salesforceFieldName.nullable()),
      rule: z.enum(ownershipRules),
      transform: TransformSpecSchema,
    })
    .refine((mapping) => Object.values(mapping.salesforceFields).some((field) => field), {
      message: 'names no Salesforce field for any object',
      path: ['salesforceFields'],
    });
}

function objectSettingsSchema<T extends z.ZodEnum>(salesforceType: T, crossIdProperty: string) {
  const createTarget = z.union([salesforceType, z.literal('none')]);
  return z.object({
    enabled: z.boolean(),
    fields: z.array(fieldMappingSchema(salesforceType)).superRefine((fields, ctx) => {
      const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
      for (const key of caseInsensitiveDuplicates(fields.map((field) => field.key))) {
        issue(`the field key "${key}" is used by more than one mapping`);
      }
      for (const property of caseInsensitiveDuplicates(fields.map((field) => field.hubspotProperty))) {
        issue(`the HubSpot property "${property}" is mapped more than once`);
      }
      for (const type of salesforceType.options) {
        const names = fields.flatMap((field) => {
          const name = (field.salesforceFields as Record<string, string | null | undefined>)[String(type)];
          return name ? [name] : [];
        });
        for (const name of caseInsensitiveDuplicates(names)) {
          issue(`the Salesforce field ${String(type)}.${name} is mapped more than once`);
        }
      }
    }),
    /** Only records matching this HubSpot condition sync (null: all). */
    scope: ConditionSchema.nullable().default(null),
    /** What a new HubSpot record becomes in Salesforce: the first rule whose condition holds, else default. */
    createInSalesforce: z.object({
      default: createTarget,
      rules: z.array(z.object({ when: ConditionSchema, createAs: createTarget })).default([]),
    }),
    /** Whether a new Salesforce record of each object creates a HubSpot record (absent: it does not). */
    createInHubspot: z.partialRecord(salesforceType, z.boolean()),
    /**
     * The cross-ids that make creates idempotent and matching exact: the Salesforce id in a unique HubSpot
     * property, and the HubSpot id in a Salesforce external-id field (per object; null when the org has none).
     */
    crossId: z.object({
      hubspotProperty: hubspotPropertyName.default(crossIdProperty),
      salesforceField: z.partialRecord(salesforceType, salesforceFieldName.nullable()),
    }),
  });
}

export const ContactsSettingsSchema = objectSettingsSchema(
  z.enum(['Lead', 'Contact']),
  'salesforce_record_id',
);
export const CompaniesSettingsSchema = objectSettingsSchema(z.enum(['Account']), 'salesforce_account_id');
export const DealsSettingsSchema = objectSettingsSchema(z.enum(['Opportunity']), 'salesforce_opportunity_id');

const disabledObject = {
  enabled: false,
  fields: [],
  createInSalesforce: { default: 'none' as const },
  createInHubspot: {},
  crossId: { salesforceField: {} },
};

export const SettingsSchema = z.object({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  /** A paused installation records changes but writes nothing; it catches up on resume. */
  paused: z.boolean().default(false),
  /** Read phone numbers without a country code as numbers of this country (ISO 3166 alpha-2). */
  phoneDefaultCountry: z
    .string()
    .refine(isPhoneCountry, 'must be a two-letter country code, such as "US" or "DE"')
    .default('US'),
  objects: z.object({
    contacts: ContactsSettingsSchema,
    companies: CompaniesSettingsSchema.prefault(disabledObject),
    deals: DealsSettingsSchema.prefault(disabledObject),
  }),
  polling: z
    .object({
      hubspotIntervalMs: z.number().int().min(15_000).max(86_400_000).default(60_000),
      salesforceIntervalMs: z.number().int().min(15_000).max(86_400_000).default(60_000),
    })
    .prefault({}),
  apiBudget: z
    .object({
      /** Share of the Salesforce org's daily API allocation this app may spend. */
      salesforceDailyPercent: z.number().int().min(1).max(100).default(25),
      /** HubSpot allows a public app 110 calls per 10 s per portal; stay under it. */
      hubspotCallsPer10s: z.number().int().min(1).max(110).default(90),
    })
    .prefault({}),
  /**
   * An owner with no counterpart on the other side (no user with that email, or an inactive one): left as
   * it is there (null, the default), or set to this person's record there. The card and the audit say so.
   */
  owners: z
    .object({
      /** The HubSpot owner (by email) for records whose Salesforce owner has no HubSpot counterpart. */
      hubspotDefaultOwnerEmail: z.string().trim().toLowerCase().email().max(254).nullable().default(null),
      /** The Salesforce user (by email) for records whose HubSpot owner has no Salesforce counterpart. */
      salesforceDefaultUserEmail: z.string().trim().toLowerCase().email().max(254).nullable().default(null),
    })
    .prefault({}),
  matching: z
    .object({
      /**
       * A person who is both an unconverted Lead and a Contact in Salesforce (one email): which one their
       * HubSpot contact links to. The other shows on the card as a possible duplicate in Salesforce.
       */
      leadContactPreference: z.enum(['contacts_first', 'most_recently_modified']).default('contacts_first'),
    })
    .prefault({}),
  deletes: z
    .object({
      /** After the grace period: keep the counterpart flagged, or archive it (never one with open deals). */
      policy: z.enum(['keep_flagged', 'archive_counterpart']).default('keep_flagged'),
      graceDays: z.number().int().min(1).max(365).default(30),
      /**
       * Whether a Salesforce record whose HubSpot counterpart was deleted is marked with a checkbox: used
       * whenever the org has the field (`when_present`), or never (`off`: the mark stays in the bridge).
       */
      salesforceFlag: z.enum(['when_present', 'off']).default('when_present'),
      /** The checkbox's name; null means the standard `HubSpot_Deleted__c`. */
      salesforceFlagField: salesforceFieldName.nullable().default(null),
      /**
       * The mass-delete brake: more deletes from one side within an hour than the smaller of `maxPerHour`
       * and `linkedPercent` of the linked records (but never fewer than `minPerHour`) hold every delete of
       * the installation until an admin releases or discards them.
       */
      brake: z
        .object({
          maxPerHour: z.number().int().min(1).max(1_000_000).default(50),
          linkedPercent: z.number().min(0.1).max(100).default(5),
          minPerHour: z.number().int().min(1).max(1_000_000).default(10),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * Who may change the settings, pause the sync and connect or disconnect Salesforce: HubSpot super admins
   * always, and users holding one of these HubSpot roles (role ids from the user provisioning API). Everyone
   * in the portal can still use the record card.
   */
  access: z
    .object({
      settingsRoleIds: z
        .array(z.string().trim().min(1).max(64))
        .max(100)
        .refine((ids) => new Set(ids).size === ids.length, 'lists a role more than once')
        .default([]),
    })
    .prefault({}),
  /**
   * Reconciliation: a full comparison of both systems with the links, for what change detection missed
   * (a lost webhook, a poll cursor moved past a change). See docs/change-detection.md.
   */
  reconciliation: z
    .object({
      enabled: z.boolean().default(true),
      /** Hours between scheduled runs; default daily. */
      intervalHours: z.number().int().min(1).max(720).default(24),
    })
    .prefault({}),
  /** What a HubSpot privacy deletion does besides purging, and how long personal values are kept. */
  privacy: z
    .object({
      /**
       * The Salesforce record of a person HubSpot deleted for privacy: left as it is (`keep`), marked
       * (`mark`: its delete flag, when the org has one, else only the bridge's tombstone), or cleared (`clear`:
       * every mapped field Salesforce lets be blank is emptied, and it is marked).
       */
      salesforceRecord: z.enum(['keep', 'mark', 'clear']).default('mark'),
      /** Days the values (before, after) of audit lines are kept; the lines themselves stay, without them. */
      auditValueRetentionDays: z.number().int().min(1).max(3650).default(365),
      /** Days the payloads of received webhook events are kept. */
      webhookPayloadRetentionDays: z.number().int().min(1).max(365).default(7),
    })
    .prefault({}),
});

/** A settings document as the engine uses it: every default filled in. */
export type Settings = z.infer<typeof SettingsSchema>;
/** A settings document as a person or an older version may write it: defaults may be left out. */
export type SettingsInput = z.input<typeof SettingsSchema>;

export type ContactsSettings = z.infer<typeof ContactsSettingsSchema>;
export type CompaniesSettings = z.infer<typeof CompaniesSettingsSchema>;
export type DealsSettings = z.infer<typeof DealsSettingsSchema>;
export type ObjectSettings = ContactsSettings | CompaniesSettings | DealsSettings;
export type FieldMapping = ObjectSettings['fields'][number];

/** How a mapping is named to people: its label, or its HubSpot property. */
export function fieldLabel(mapping: FieldMapping): string {
  return mapping.label ?? mapping.hubspotProperty;
}
