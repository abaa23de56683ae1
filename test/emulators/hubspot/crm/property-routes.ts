/**
 * /crm/v3/properties: property definitions and groups. Creating or changing them needs `crm.schemas.<type>.write`;
 * reading them accepts the object read scope. hasUniqueValue is set at creation only, at most 10 per object.
 */
import { z } from 'zod';
import { isoOf } from '../clock';
import { errors, type HubSpotApiError } from '../http/errors';
import { queryBool } from '../http/request';
import type { RequestContext, Router } from '../http/router';
import type { EmulatorState } from '../state/emulator-state';
import type { ObjectTable } from '../state/portal';
import { resolveObjectType } from './object-types';
import {
  FIELD_TYPES,
  FIELD_TYPES_BY_TYPE,
  groupToWire,
  PROPERTY_TYPES,
  propertyToWire,
  type PropertyDefinition,
  type PropertyOption,
} from './property-model';
import { indexUnique } from './records';
import { objectTypeOf, parseInput, portalOf } from './route-helpers';

const MAX_UNIQUE_PROPERTIES = 10;
const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

const OptionSchema = z.object({
  label: z.string().min(1),
  value: z.string().min(1),
  hidden: z.boolean().default(false),
  displayOrder: z.number().int().optional(),
  description: z.string().optional(),
});

const PropertyCreateSchema = z.object({
  name: z.string(),
  label: z.string().min(1),
  type: z.string(),
  fieldType: z.string(),
  groupName: z.string(),
  description: z.string().default(''),
  options: z.array(OptionSchema).optional(),
  displayOrder: z.number().int().default(-1),
  hasUniqueValue: z.boolean().default(false),
  hidden: z.boolean().default(false),
  formField: z.boolean().default(false),
  calculationFormula: z.string().optional(),
  externalOptions: z.boolean().optional(),
  referencedObjectType: z.string().optional(),
});
type PropertyCreate = z.output<typeof PropertyCreateSchema>;

const PropertyUpdateSchema = z.object({
  label: z.string().min(1).optional(),
  type: z.string().optional(),
  fieldType: z.string().optional(),
  groupName: z.string().optional(),
  description: z.string().optional(),
  options: z.array(OptionSchema).optional(),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  calculationFormula: z.string().optional(),
  hasUniqueValue: z.unknown().optional(),
});

const GroupCreateSchema = z.object({
  name: z.string(),
  label: z.string().min(1),
  displayOrder: z.number().int().default(-1),
});
const GroupUpdateSchema = z.object({
  label: z.string().min(1).optional(),
  displayOrder: z.number().int().optional(),
});
const NamesSchema = z.object({
  inputs: z.array(z.object({ name: z.string() })),
  archived: z.boolean().optional(),
});

function readScopes(ctx: RequestContext): string[] {
  const type = resolveObjectType(ctx.params.objectType ?? '');
  return type ? [`crm.objects.${type}.read`, `crm.schemas.${type}.read`, `crm.schemas.${type}.write`] : [];
}

function writeScopes(ctx: RequestContext): string[] {
  const type = resolveObjectType(ctx.params.objectType ?? '');
  return type ? [`crm.schemas.${type}.write`] : [];
}

function tableOf(ctx: RequestContext): ObjectTable {
  return portalOf(ctx).tables[objectTypeOf(ctx)];
}

function options(type: string, fieldType: string, input: PropertyCreate['options']): PropertyOption[] {
  if (input && input.length > 0) {
    return input.map((option, index) => ({
      label: option.label,
      value: option.value,
      hidden: option.hidden,
      displayOrder: option.displayOrder ?? index,
      ...(option.description !== undefined ? { description: option.description } : {}),
    }));
  }
  if (type === 'bool' || fieldType === 'booleancheckbox') {
    return [
      { label: 'Yes', value: 'true', hidden: false, displayOrder: 0 },
      { label: 'No', value: 'false', hidden: false, displayOrder: 1 },
    ];
  }
  return [];
}

function checkTypes(type: string, fieldType: string): HubSpotApiError | null {
  if (!(PROPERTY_TYPES as string[]).includes(type)) {
    return errors.validation(`${type} is not a valid property type; use one of ${PROPERTY_TYPES.join(', ')}`);
  }
  if (!(FIELD_TYPES as readonly string[]).includes(fieldType)) {
    return errors.validation(`${fieldType} is not a valid field type`);
  }
  if (!(FIELD_TYPES_BY_TYPE[type as keyof typeof FIELD_TYPES_BY_TYPE] as string[]).includes(fieldType)) {
    return errors.validation(`fieldType ${fieldType} is not valid for a property of type ${type}`);
  }
  return null;
}

/** Validates and creates one property; returns the error instead of throwing, for batch create. */
function createProperty(
  state: EmulatorState,
  table: ObjectTable,
  input: PropertyCreate,
): PropertyDefinition | HubSpotApiError {
  if (!NAME_PATTERN.test(input.name)) {
    return errors.validation(
      `Property name ${input.name} must start with a letter and contain only lower-case letters, digits and underscores`,
    );
  }
  if (input.name.startsWith('hs_'))
    return errors.validation(`The hs_ prefix is reserved for HubSpot-defined properties`);
  if (table.properties.has(input.name)) {
    return errors.alreadyExists(`Property named '${input.name}' already exists.`, {
      context: { name: [input.name] },
    });
  }
  const typeProblem = checkTypes(input.type, input.fieldType);
  if (typeProblem) return typeProblem;
  const group = table.groups.get(input.groupName);
  if (!group || group.archived) return errors.validation(`Property group ${input.groupName} does not exist`);
  const propertyOptions = options(input.type, input.fieldType, input.options);
  if (input.type === 'enumeration' && propertyOptions.length === 0) {
    return errors.validation('An enumeration property needs at least one option');
  }
  if (new Set(propertyOptions.map((option) => option.value)).size !== propertyOptions.length) {
    return errors.validation('Option values must be unique');
  }
  if (input.hasUniqueValue) {
    if (input.type !== 'string' && input.type !== 'number') {
      return errors.validation('hasUniqueValue is only supported on string and number properties');
    }
    const uniqueCount = [...table.properties.values()].filter(
      (property) => property.hasUniqueValue && !property.archived,
    ).length;
    if (uniqueCount >= MAX_UNIQUE_PROPERTIES) {
      return errors.validation(
        `An object can have at most ${MAX_UNIQUE_PROPERTIES} properties with unique values`,
      );
    }
  }
  const nowMs = state.nowMs();
  const definition: PropertyDefinition = {
    name: input.name,
    label: input.label,
    type: input.type as PropertyDefinition['type'],
    fieldType: input.fieldType as PropertyDefinition['fieldType'],
    groupName: input.groupName,
    description: input.description,
    options: propertyOptions,
    displayOrder: input.displayOrder,
    hasUniqueValue: input.hasUniqueValue,
    hidden: input.hidden,
    formField: input.formField,
    calculated: false,
    externalOptions: input.externalOptions ?? false,
    hubspotDefined: false,
    readOnlyValue: false,
    ...(input.referencedObjectType !== undefined ? { referencedObjectType: input.referencedObjectType } : {}),
    archived: false,
    archivedAtMs: null,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    createdUserId: null,
    updatedUserId: null,
  };
  table.properties.set(definition.name, definition);
  if (definition.hasUniqueValue) {
    table.unique.set(definition.name, new Map());
    for (const record of table.records.values()) indexUnique(table, record);
  }
  return definition;
}

function getProperty(table: ObjectTable, name: string, archived: boolean): PropertyDefinition {
  const property = table.properties.get(name);
  if (!property || property.archived !== archived) throw errors.notFound(`Unable to find property ${name}`);
  return property;
}

function updateProperty(state: EmulatorState, ctx: RequestContext) {
  const table = tableOf(ctx);
  const property = getProperty(table, ctx.params.propertyName ?? '', false);
  const input = parseInput(PropertyUpdateSchema, ctx.body);
  if (input.hasUniqueValue !== undefined)
    throw errors.validation('hasUniqueValue can only be set when a property is created');
  if (
    property.hubspotDefined &&
    (input.type || input.fieldType || input.groupName || input.calculationFormula)
  ) {
    throw errors.validation(`The definition of HubSpot-defined property ${property.name} is read only`);
  }
  const type = input.type ?? property.type;
  const fieldType = input.fieldType ?? property.fieldType;
  const typeProblem = checkTypes(type, fieldType);
  if (typeProblem) throw typeProblem;
  if (input.groupName !== undefined) {
    const group = table.groups.get(input.groupName);
    if (!group || group.archived) throw errors.validation(`Property group ${input.groupName} does not exist`);
    property.groupName = input.groupName;
  }
  property.type = type as PropertyDefinition['type'];
  property.fieldType = fieldType as PropertyDefinition['fieldType'];
  if (input.options !== undefined) property.options = options(type, fieldType, input.options);
  if (input.label !== undefined) property.label = input.label;
  if (input.description !== undefined) property.description = input.description;
  if (input.displayOrder !== undefined) property.displayOrder = input.displayOrder;
  if (input.hidden !== undefined) property.hidden = input.hidden;
  if (input.formField !== undefined) property.formField = input.formField;
  property.updatedAtMs = state.nowMs();
  return { status: 200, body: propertyToWire(property) };
}

function archiveProperty(state: EmulatorState, table: ObjectTable, name: string): HubSpotApiError | null {
  const property = table.properties.get(name);
  if (!property || property.archived) return errors.notFound(`Unable to find property ${name}`);
  if (property.hubspotDefined)
    return errors.validation(`HubSpot-defined property ${name} cannot be archived`);
  property.archived = true;
  property.archivedAtMs = state.nowMs();
  table.unique.delete(name);
  return null;
}

export function registerPropertyRoutes(router: Router, state: EmulatorState): void {
  const base = '/crm/v3/properties/:objectType';
  const route = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    pattern: string,
    scopes: (ctx: RequestContext) => string[],
    handler: (ctx: RequestContext) => { status: number; body?: unknown },
  ) => router.add({ method, pattern: `${base}${pattern}`, kind: 'api', body: 'json', scopes, handler });

  route('GET', '/groups', readScopes, (ctx) => {
    const archived = queryBool(ctx.query, 'archived');
    return {
      status: 200,
      body: {
        results: [...tableOf(ctx).groups.values()]
          .filter((group) => group.archived === archived)
          .map(groupToWire),
      },
    };
  });
  route('POST', '/groups', writeScopes, (ctx) => {
    const table = tableOf(ctx);
    const input = parseInput(GroupCreateSchema, ctx.body);
    if (!NAME_PATTERN.test(input.name))
      throw errors.validation(`Group name ${input.name} must be lower-case letters, digits and underscores`);
    if (table.groups.has(input.name))
      throw errors.alreadyExists(`Property group named '${input.name}' already exists.`);
    const group = { name: input.name, label: input.label, displayOrder: input.displayOrder, archived: false };
    table.groups.set(group.name, group);
    return { status: 201, body: groupToWire(group) };
  });
  route('GET', '/groups/:groupName', readScopes, (ctx) => {
    const group = tableOf(ctx).groups.get(ctx.params.groupName ?? '');
    if (!group || group.archived !== queryBool(ctx.query, 'archived'))
      throw errors.notFound(`Unable to find group ${ctx.params.groupName}`);
    return { status: 200, body: groupToWire(group) };
  });
  route('PATCH', '/groups/:groupName', writeScopes, (ctx) => {
    const group = tableOf(ctx).groups.get(ctx.params.groupName ?? '');
    if (!group || group.archived) throw errors.notFound(`Unable to find group ${ctx.params.groupName}`);
    const input = parseInput(GroupUpdateSchema, ctx.body);
    if (input.label !== undefined) group.label = input.label;
    if (input.displayOrder !== undefined) group.displayOrder = input.displayOrder;
    return { status: 200, body: groupToWire(group) };
  });
  route('DELETE', '/groups/:groupName', writeScopes, (ctx) => {
    const table = tableOf(ctx);
    const group = table.groups.get(ctx.params.groupName ?? '');
    if (!group || group.archived) throw errors.notFound(`Unable to find group ${ctx.params.groupName}`);
    const defaults = [...table.properties.values()].some(
      (property) => property.hubspotDefined && property.groupName === group.name,
    );
    if (defaults)
      throw errors.validation(`Group ${group.name} holds HubSpot-defined properties and cannot be archived`);
    group.archived = true;
    return { status: 204 };
  });

  route('POST', '/batch/create', writeScopes, (ctx) => {
    const table = tableOf(ctx);
    const input = parseInput(z.object({ inputs: z.array(PropertyCreateSchema).min(1).max(100) }), ctx.body);
    const startedAt = isoOf(state.nowMs());
    const results: unknown[] = [];
    const failures: unknown[] = [];
    for (const item of input.inputs) {
      const created = createProperty(state, table, item);
      if (created instanceof Error) {
        failures.push({
          status: 'error',
          category: created.category,
          message: created.message,
          context: { name: [item.name] },
          errors: [],
          links: {},
        });
      } else {
        results.push(propertyToWire(created));
      }
    }
    const body: Record<string, unknown> = {
      status: 'COMPLETE',
      results,
      startedAt,
      completedAt: isoOf(state.nowMs()),
    };
    if (failures.length > 0) Object.assign(body, { numErrors: failures.length, errors: failures });
    return { status: failures.length > 0 ? 207 : 201, body };
  });
  route('POST', '/batch/read', readScopes, (ctx) => {
    const table = tableOf(ctx);
    const input = parseInput(NamesSchema, ctx.body);
    const archived = input.archived ?? false;
    const found = input.inputs
      .map(({ name }) => table.properties.get(name))
      .filter((property) => property && property.archived === archived);
    const missing = input.inputs
      .map(({ name }) => name)
      .filter((name) => !found.some((property) => property?.name === name));
    const body: Record<string, unknown> = {
      status: 'COMPLETE',
      results: found.map((property) => propertyToWire(property as PropertyDefinition)),
      startedAt: isoOf(state.nowMs()),
      completedAt: isoOf(state.nowMs()),
    };
    if (missing.length > 0) {
      Object.assign(body, {
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Some properties could not be found',
            context: { names: missing },
            errors: [],
            links: {},
          },
        ],
      });
    }
    return { status: missing.length > 0 ? 207 : 200, body };
  });
  route('POST', '/batch/archive', writeScopes, (ctx) => {
    const table = tableOf(ctx);
    const input = parseInput(NamesSchema, ctx.body);
    for (const { name } of input.inputs) {
      const property = table.properties.get(name);
      if (property?.hubspotDefined)
        throw errors.validation(`HubSpot-defined property ${name} cannot be archived`);
    }
    for (const { name } of input.inputs) archiveProperty(state, table, name);
    return { status: 204 };
  });

  route('GET', '', readScopes, (ctx) => {
    const archived = queryBool(ctx.query, 'archived');
    const results = [...tableOf(ctx).properties.values()]
      .filter((property) => property.archived === archived)
      .map(propertyToWire);
    return { status: 200, body: { results } };
  });
  route('POST', '', writeScopes, (ctx) => {
    const created = createProperty(state, tableOf(ctx), parseInput(PropertyCreateSchema, ctx.body));
    if (created instanceof Error) throw created;
    return { status: 201, body: propertyToWire(created) };
  });
  route('GET', '/:propertyName', readScopes, (ctx) => ({
    status: 200,
    body: propertyToWire(
      getProperty(tableOf(ctx), ctx.params.propertyName ?? '', queryBool(ctx.query, 'archived')),
    ),
  }));
  route('PATCH', '/:propertyName', writeScopes, (ctx) => updateProperty(state, ctx));
  route('DELETE', '/:propertyName', writeScopes, (ctx) => {
    const problem = archiveProperty(state, tableOf(ctx), ctx.params.propertyName ?? '');
    if (problem) throw problem;
    return { status: 204 };
  });
}
