/**
 * Binding a parsed query to an org's schema: field paths become chains of lookups ending in a
 * field, literals are checked against the field's type (Salesforce rejects quoted datetimes,
 * malformed ids, strings compared with numbers) and turned into comparable values.
 */

import { normalizeId } from '../core/ids';
import type { Org } from '../core/org';
import { DAY_MS, startOfUtcDayMs } from '../core/time';
import type { FieldDef, ObjectDef } from '../schema/types';
import type { Literal } from './ast';
import { badRelationship, invalidFilter, invalidIdFilter, noSuchColumn } from './messages';

export interface BoundPath {
  /** Lookup fields walked from the queried record to the record holding the field. */
  steps: FieldDef[];
  /** The object at the end of each step (same length as steps). */
  targets: ObjectDef[];
  field: FieldDef;
  /** Canonical names for output: relationship names then the field name. */
  names: string[];
}

export interface BindScope {
  org: Org;
  soql: string;
  alias: string | null;
}

export function bindPath(scope: BindScope, object: ObjectDef, path: string[], offset: number): BoundPath {
  const parts =
    scope.alias && path.length > 1 && path[0]?.toLowerCase() === scope.alias.toLowerCase()
      ? path.slice(1)
      : path;
  const steps: FieldDef[] = [];
  const targets: ObjectDef[] = [];
  const names: string[] = [];
  let current = object;
  for (let k = 0; k < parts.length - 1; k++) {
    const name = (parts[k] as string).toLowerCase();
    const lookup = current.fields.find(
      (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === name,
    );
    const target = lookup ? scope.org.object(lookup.referenceTo[0] ?? '') : undefined;
    if (!lookup || !target) throw badRelationship(scope.soql, offset, parts[k] as string);
    steps.push(lookup);
    targets.push(target);
    names.push(lookup.relationshipName as string);
    current = target;
  }
  const last = (parts[parts.length - 1] as string).toLowerCase();
  const field = current.fields.find((f) => f.name.toLowerCase() === last);
  if (!field) throw noSuchColumn(scope.soql, offset, parts.join('.'), object.name);
  names.push(field.name);
  return { steps, targets, field, names };
}

/** A value ready to compare: numbers for times and numbers, lower-cased text, booleans, or a time range. */
export type Comparable = string | number | boolean | null | { fromMs: number; toMs: number };

const SCALAR_TYPE: Record<string, string> = {
  boolean: 'boolean',
  int: 'double',
  double: 'double',
  currency: 'double',
  percent: 'double',
  date: 'date',
  datetime: 'dateTime',
};

function typeError(scope: BindScope, offset: number, field: FieldDef): Error {
  const expected = SCALAR_TYPE[field.type] ?? 'string';
  const quoting = expected === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
  return invalidFilter(
    scope.soql,
    offset,
    `value of filter criterion for field '${field.name}' must be of type ${expected} and ${quoting}`,
  );
}

export function dateRange(name: string, n: number | null, nowMs: number): { fromMs: number; toMs: number } {
  const today = startOfUtcDayMs(nowMs);
  const d = new Date(today);
  const count = n ?? 0;
  switch (name) {
    case 'TODAY':
      return { fromMs: today, toMs: today + DAY_MS };
    case 'YESTERDAY':
      return { fromMs: today - DAY_MS, toMs: today };
    case 'TOMORROW':
      return { fromMs: today + DAY_MS, toMs: today + 2 * DAY_MS };
    case 'LAST_N_DAYS':
      return { fromMs: today - count * DAY_MS, toMs: today + DAY_MS };
    case 'NEXT_N_DAYS':
      return { fromMs: today + DAY_MS, toMs: today + (count + 1) * DAY_MS };
    case 'N_DAYS_AGO':
      return { fromMs: today - count * DAY_MS, toMs: today - (count - 1) * DAY_MS };
    case 'THIS_MONTH':
      return {
        fromMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
        toMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
      };
    case 'LAST_MONTH':
      return {
        fromMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1),
        toMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
      };
    default:
      return { fromMs: Date.UTC(d.getUTCFullYear(), 0, 1), toMs: Date.UTC(d.getUTCFullYear() + 1, 0, 1) };
  }
}

export function dateToMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

/** Converts a literal for comparison with a field, or raises Salesforce's filter error. */
export function bindLiteral(
  scope: BindScope,
  field: FieldDef,
  literal: Literal,
  offset: number,
  nowMs: number,
): Comparable {
  if (literal.kind === 'null') return null;
  switch (field.type) {
    case 'datetime':
    case 'date': {
      if (literal.kind === 'dateRange') return dateRange(literal.name, literal.n, nowMs);
      if (field.type === 'datetime' && literal.kind === 'datetime') return literal.ms - (literal.ms % 1000);
      if (field.type === 'date' && literal.kind === 'date') return dateToMs(literal.value);
      throw typeError(scope, offset, field);
    }
    case 'boolean':
      if (literal.kind === 'boolean') return literal.value;
      throw typeError(scope, offset, field);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      if (literal.kind === 'number') return literal.value;
      throw typeError(scope, offset, field);
    case 'id':
    case 'reference': {
      if (literal.kind !== 'string') throw typeError(scope, offset, field);
      const id = normalizeId(literal.value);
      if (id === null) throw invalidIdFilter(scope.soql, offset, literal.value);
      return id;
    }
    case 'address':
      throw invalidFilter(scope.soql, offset, `field '${field.name}' can not be filtered in a query call`);
    default:
      if (literal.kind !== 'string') throw typeError(scope, offset, field);
      return literal.value.toLowerCase();
  }
}

/** The comparable form of a stored value of a field. */
export function comparableOf(field: FieldDef, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (field.type === 'date' && typeof value === 'string') return dateToMs(value);
  if (field.type === 'id' || field.type === 'reference') return String(value);
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}
