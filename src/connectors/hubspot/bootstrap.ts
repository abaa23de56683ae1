/**
 * Makes sure a portal has the bridge's property group and properties (see appProperties.ts).
 *
 * Idempotent: it reads what exists first (two calls per object type) and creates only what is missing, so a
 * second run makes no writes. A property that already exists with a type the bridge cannot use is never
 * changed: it is reported, with what to do about it, because deleting or retyping a customer's property
 * could lose their data. An enumeration missing some of the bridge's options gets them added (existing
 * options are kept).
 */
import { z } from 'zod';
import type { Client } from '@hubspot/api-client';
import type {
  PropertyCreate,
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
} from '@hubspot/api-client/lib/codegen/crm/properties';
import type { PropertiesReport, PropertyOutcome } from '../../domain/installationReports';
import {
  APP_PROPERTY_GROUP,
  appObjectTypes,
  appProperties,
  type AppObjectType,
  type AppPropertyDefinition,
  type AppPropertyOption,
} from './appProperties';
import { statusOf, toHubSpotError } from './errors';

/** The parts of an existing HubSpot property that decide whether the bridge can use it. */
export const ExistingProperty = z
  .object({
    name: z.string(),
    type: z.string(),
    fieldType: z.string(),
    hasUniqueValue: z.boolean().optional(),
    options: z
      .array(
        z
          .object({
            value: z.string(),
            label: z.string(),
            hidden: z.boolean().optional(),
            displayOrder: z.number().optional(),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();
export type ExistingProperty = z.infer<typeof ExistingProperty>;

export type PropertyVerdict =
  | { verdict: 'compatible' }
  | { verdict: 'missing_options'; missing: AppPropertyOption[] }
  | { verdict: 'incompatible'; problem: string };

// Multi-value enumerations (checkbox) would accept our values but return them joined; treat them as unusable.
const usableFieldTypes: Record<AppPropertyDefinition['type'], readonly string[]> = {
  string: ['text', 'textarea'],
  enumeration: ['select', 'radio'],
  datetime: ['date'],
};

/** Pure: can the bridge use this existing property as the definition it needs? */
export function compareProperty(
  objectType: AppObjectType,
  expected: AppPropertyDefinition,
  actual: ExistingProperty,
): PropertyVerdict {
  const where = `${objectType} property "${expected.name}"`;
  const fix = 'Rename or delete that property in HubSpot, then reinstall the app to create it correctly.';
  if (actual.type !== expected.type || !usableFieldTypes[expected.type].includes(actual.fieldType)) {
    return {
      verdict: 'incompatible',
      problem: `The ${where} exists as ${actual.type} (${actual.fieldType}); the bridge needs ${expected.type} (${expected.fieldType}). ${fix}`,
    };
  }
  if (expected.hasUniqueValue && actual.hasUniqueValue !== true) {
    return {
      verdict: 'incompatible',
      problem: `The ${where} exists without unique values, and HubSpot cannot make an existing property unique. ${fix}`,
    };
  }
  const have = new Set(actual.options.map((option) => option.value));
  const missing = expected.options.filter((option) => !have.has(option.value));
  return missing.length > 0 ? { verdict: 'missing_options', missing } : { verdict: 'compatible' };
}

export function toPropertyCreate(definition: AppPropertyDefinition): PropertyCreate {
  return {
    name: definition.name,
    label: definition.label,
    description: definition.description,
    groupName: APP_PROPERTY_GROUP.name,
    type: definition.type as PropertyCreateTypeEnum,
    fieldType: definition.fieldType as PropertyCreateFieldTypeEnum,
    hasUniqueValue: definition.hasUniqueValue,
    formField: false,
    options: definition.options.map((option, index) => ({
      value: option.value,
      label: option.label,
      displayOrder: index,
      hidden: false,
    })),
  };
}

const NamedList = z.object({ results: z.array(z.object({ name: z.string() }).loose()) });

/** Creates what is missing and reports every property's outcome. Throws HubSpotError on API failures. */
export async function ensureAppProperties(client: Client, now: () => number): Promise<PropertiesReport> {
  const report: PropertiesReport = { checkedAt: now(), groups: [], properties: [] };
  for (const objectType of appObjectTypes) {
    report.groups.push({ objectType, outcome: await ensureGroup(client, objectType) });
    const existing = await call(`listing ${objectType} properties`, () =>
      client.crm.properties.coreApi.getAll(objectType),
    );
    const byName = new Map(
      NamedList.parse(existing).results.map((property) => [property.name, property] as const),
    );
    for (const definition of appProperties) {
      const current = byName.get(definition.name);
      report.properties.push({
        objectType,
        name: definition.name,
        ...(current
          ? await reconcile(client, objectType, definition, current)
          : await create(client, objectType, definition)),
      });
    }
  }
  return report;
}

async function ensureGroup(client: Client, objectType: AppObjectType): Promise<'created' | 'existing'> {
  const groups = NamedList.parse(
    await call(`listing ${objectType} property groups`, () =>
      client.crm.properties.groupsApi.getAll(objectType),
    ),
  );
  if (groups.results.some((group) => group.name === APP_PROPERTY_GROUP.name)) return 'existing';
  try {
    await client.crm.properties.groupsApi.create(objectType, { ...APP_PROPERTY_GROUP });
    return 'created';
  } catch (error) {
    // Another install of the same portal created it a moment ago.
    if (statusOf(error) === 409) return 'existing';
    throw toHubSpotError(error, `creating the ${objectType} property group`);
  }
}

async function create(
  client: Client,
  objectType: AppObjectType,
  definition: AppPropertyDefinition,
): Promise<{ outcome: PropertyOutcome; problem?: string }> {
  try {
    await client.crm.properties.coreApi.create(objectType, toPropertyCreate(definition));
    return { outcome: 'created' };
  } catch (error) {
    const status = statusOf(error);
    if (status === 400) {
      // A portal-specific refusal (say, its limit of ten unique properties per object is reached): report it
      // for this property and carry on, so everything else still gets set up.
      const refused = toHubSpotError(error, `creating the ${objectType} property "${definition.name}"`);
      return {
        outcome: 'refused',
        problem: `${refused.message}. Make room for it in HubSpot (or fix what HubSpot names), then reinstall the app.`,
      };
    }
    if (status !== 409) throw toHubSpotError(error, `creating ${objectType}.${definition.name}`);
    const current = await call(`reading ${objectType}.${definition.name}`, () =>
      client.crm.properties.coreApi.getByName(objectType, definition.name),
    );
    return reconcile(client, objectType, definition, current);
  }
}

async function reconcile(
  client: Client,
  objectType: AppObjectType,
  definition: AppPropertyDefinition,
  current: unknown,
): Promise<{ outcome: PropertyOutcome; problem?: string }> {
  const parsed = ExistingProperty.safeParse(current);
  if (!parsed.success) {
    return {
      outcome: 'incompatible',
      problem: `HubSpot described the ${objectType} property "${definition.name}" in a way the bridge cannot read.`,
    };
  }
  const verdict = compareProperty(objectType, definition, parsed.data);
  switch (verdict.verdict) {
    case 'compatible':
      return { outcome: 'existing' };
    case 'incompatible':
      return { outcome: 'incompatible', problem: verdict.problem };
    case 'missing_options': {
      const options = [
        // Keep the admin's options exactly as they are; only append the bridge's missing values.
        ...parsed.data.options.map((option, index) => ({
          value: option.value,
          label: option.label,
          displayOrder: option.displayOrder ?? index,
          hidden: option.hidden ?? false,
        })),
        ...verdict.missing.map((option, index) => ({
          ...option,
          displayOrder: parsed.data.options.length + index,
          hidden: false,
        })),
      ];
      await call(`adding options to ${objectType}.${definition.name}`, () =>
        client.crm.properties.coreApi.update(objectType, definition.name, { options }),
      );
      return { outcome: 'options_added' };
    }
  }
}

async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toHubSpotError(error, action);
  }
}
