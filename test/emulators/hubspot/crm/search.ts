/**
 * CRM search: filterGroups (OR of ANDs) with HubSpot's operators, one sort, free-text query, limit ≤ 200,
 * offset paging up to the 10,000-result cap. Archived records never match; with an indexing delay, search sees
 * each record as it was `indexingDelayMs` ago.
 */
import { z } from 'zod';
import { errors } from '../http/errors';
import type { RequestContext, Router } from '../http/router';
import type { EmulatorState } from '../state/emulator-state';
import type { CrmRecord, ObjectTable, SearchSnapshot } from '../state/portal';
import { OBJECT_TYPES, type ObjectType } from './object-types';
import type { PropertyDefinition } from './property-model';
import { searchViewOf } from './records';
import { objectScopes, objectTypeOf, parseInput, portalOf } from './route-helpers';
import { recordToWire } from './serialize';
import { comparableOf } from './values';

export const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const FilterSchema = z.object({
  propertyName: z.string(),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
type Filter = z.output<typeof FilterSchema>;

const SortSchema = z.union([
  z.string(),
  z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
]);

const SearchSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(FilterSchema) })).default([]),
  sorts: z.array(SortSchema).default([]),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().optional(),
  after: z.union([z.string(), z.number()]).transform(String).optional(),
  query: z.string().optional(),
});

const MAX_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 10;
const MAX_FILTERS = 25;
const MAX_LIMIT = 200;
export const SEARCH_RESULT_CAP = 10_000;

function tokensOf(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** A filter with its comparison values computed once, not once per record. */
interface CompiledFilter {
  filter: Filter;
  definition: PropertyDefinition | undefined;
  value: number | string;
  highValue: number | string;
  pattern: RegExp | null;
  values: Array<number | string>;
}

function compileFilter(filter: Filter, definition: PropertyDefinition | undefined): CompiledFilter {
  const tokenOperator = filter.operator === 'CONTAINS_TOKEN' || filter.operator === 'NOT_CONTAINS_TOKEN';
  return {
    filter,
    definition,
    value: comparableOf(definition, filter.value ?? ''),
    highValue: comparableOf(definition, filter.highValue ?? ''),
    pattern: tokenOperator ? wildcard(filter.value ?? '') : null,
    values: (filter.values ?? []).map((candidate) => {
      const comparable = comparableOf(definition, candidate);
      // IN compares the indexed (lower-cased) string with the values verbatim, which is why HubSpot documents
      // that IN values for string properties must be lower case. Numbers and dates compare by value.
      return typeof comparable === 'number' ? comparable : candidate;
    }),
  };
}

function containsToken(value: string, pattern: RegExp): boolean {
  return pattern.test(value.toLowerCase()) || tokensOf(value).some((token) => pattern.test(token));
}

function matchesFilter(view: SearchSnapshot, compiled: CompiledFilter): boolean {
  const { filter, definition } = compiled;
  const raw = view.values.get(filter.propertyName);
  const has = raw !== undefined && raw !== '';
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'NEQ':
      return !has || compare(comparableOf(definition, raw), compiled.value) !== 0;
    case 'NOT_IN':
      return !has || !compiled.values.includes(comparableOf(definition, raw));
    case 'NOT_CONTAINS_TOKEN':
      return !has || !containsToken(raw, compiled.pattern as RegExp);
    default:
      break;
  }
  if (!has) return false;
  const actual = comparableOf(definition, raw);
  switch (filter.operator) {
    case 'EQ':
      return compare(actual, compiled.value) === 0;
    case 'LT':
      return compare(actual, compiled.value) < 0;
    case 'LTE':
      return compare(actual, compiled.value) <= 0;
    case 'GT':
      return compare(actual, compiled.value) > 0;
    case 'GTE':
      return compare(actual, compiled.value) >= 0;
    case 'BETWEEN':
      return compare(actual, compiled.value) >= 0 && compare(actual, compiled.highValue) <= 0;
    case 'IN':
      return compiled.values.includes(actual);
    case 'CONTAINS_TOKEN':
      return containsToken(raw, compiled.pattern as RegExp);
  }
}

function matchesQuery(view: SearchSnapshot, type: ObjectType, query: string): boolean {
  const wanted = tokensOf(query);
  if (wanted.length === 0) return true;
  const haystack = OBJECT_TYPES[type].queryProperties.flatMap((name) =>
    tokensOf(view.values.get(name) ?? ''),
  );
  return wanted.every((token) => haystack.some((candidate) => candidate.startsWith(token)));
}

function validateFilters(table: ObjectTable, groups: Array<{ filters: Filter[] }>): void {
  if (groups.length > MAX_GROUPS)
    throw errors.validation(`Too many filter groups: ${groups.length} (max ${MAX_GROUPS})`);
  let total = 0;
  for (const group of groups) {
    if (group.filters.length > MAX_FILTERS_PER_GROUP) {
      throw errors.validation(
        `Too many filters in a group: ${group.filters.length} (max ${MAX_FILTERS_PER_GROUP})`,
      );
    }
    total += group.filters.length;
    for (const filter of group.filters) {
      if (!table.properties.has(filter.propertyName)) {
        throw errors.validation(
          `There was a problem with the request: property ${filter.propertyName} does not exist`,
        );
      }
      const needsValue = !['HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'].includes(filter.operator);
      if (needsValue && filter.value === undefined)
        throw errors.validation(`${filter.operator} needs a value`);
      if (filter.operator === 'BETWEEN' && filter.highValue === undefined)
        throw errors.validation('BETWEEN needs a highValue');
      if ((filter.operator === 'IN' || filter.operator === 'NOT_IN') && !filter.values) {
        throw errors.validation(`${filter.operator} needs values`);
      }
    }
  }
  if (total > MAX_FILTERS) throw errors.validation(`Too many filters: ${total} (max ${MAX_FILTERS})`);
}

function sortOf(
  sorts: z.output<typeof SearchSchema>['sorts'],
): { propertyName: string; descending: boolean } | null {
  const first = sorts[0];
  if (first === undefined) return null;
  if (typeof first === 'string') {
    return first.startsWith('-')
      ? { propertyName: first.slice(1), descending: true }
      : { propertyName: first, descending: false };
  }
  return { propertyName: first.propertyName, descending: first.direction === 'DESCENDING' };
}

function search(state: EmulatorState, ctx: RequestContext) {
  const portal = portalOf(ctx);
  const type = objectTypeOf(ctx);
  const table = portal.tables[type];
  const input = parseInput(SearchSchema, ctx.body ?? {});
  const limit = input.limit ?? 10;
  if (limit < 0 || limit > MAX_LIMIT)
    throw errors.validation(`limit must be between 0 and ${MAX_LIMIT}, got ${limit}`);
  const after = input.after === undefined || input.after === '' ? 0 : Number(input.after);
  if (!Number.isInteger(after) || after < 0)
    throw errors.validation(`after must be a paging cursor, got ${input.after}`);
  if (after >= SEARCH_RESULT_CAP) {
    throw errors.validation(
      `Search results are limited to ${SEARCH_RESULT_CAP} records; page ${after} is beyond it`,
    );
  }
  validateFilters(table, input.filterGroups);

  const nowMs = state.nowMs();
  const groups = input.filterGroups
    .filter((group) => group.filters.length > 0)
    .map((group) =>
      group.filters.map((filter) => compileFilter(filter, table.properties.get(filter.propertyName))),
    );
  const sort = sortOf(input.sorts);
  const definition = sort ? table.properties.get(sort.propertyName) : undefined;
  const matches: Array<{ record: CrmRecord; view: SearchSnapshot; key: number | string | undefined }> = [];
  for (const record of table.records.values()) {
    const view = searchViewOf(record, nowMs);
    if (!view || view.archived) continue;
    if (input.query && !matchesQuery(view, type, input.query)) continue;
    if (
      groups.length > 0 &&
      !groups.some((filters) => filters.every((compiled) => matchesFilter(view, compiled)))
    )
      continue;
    const raw = sort ? view.values.get(sort.propertyName) : undefined;
    matches.push({ record, view, key: raw === undefined ? undefined : comparableOf(definition, raw) });
  }

  matches.sort((a, b) => {
    if (sort) {
      // Records without the sort property come last in either direction.
      if (a.key === undefined && b.key !== undefined) return 1;
      if (b.key === undefined && a.key !== undefined) return -1;
      if (a.key !== undefined && b.key !== undefined) {
        const order = compare(a.key, b.key);
        if (order !== 0) return sort.descending ? -order : order;
      }
    }
    return Number(a.record.id) - Number(b.record.id);
  });

  const end = Math.min(after + limit, matches.length, SEARCH_RESULT_CAP);
  const results = matches.slice(after, end).map(({ record, view }) =>
    recordToWire(
      portal,
      {
        ...record,
        values: view.values,
        archived: false,
        createdAtMs: view.createdAtMs,
        updatedAtMs: view.updatedAtMs,
      },
      input.properties && input.properties.length > 0 ? { properties: input.properties } : {},
    ),
  );
  const body: Record<string, unknown> = { total: matches.length, results };
  if (end < Math.min(matches.length, SEARCH_RESULT_CAP) && limit > 0)
    body.paging = { next: { after: String(end) } };
  return { status: 200, body };
}

export function registerSearchRoutes(router: Router, state: EmulatorState): void {
  router.add({
    method: 'POST',
    pattern: '/crm/v3/objects/:objectType/search',
    kind: 'api',
    body: 'json',
    scopes: objectScopes('read'),
    rateLimit: 'search',
    handler: (ctx) => search(state, ctx),
  });
}
