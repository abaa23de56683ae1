/**
 * Runs a SOQL query against an org: filters, sorts, limits and shapes records as the REST API
 * returns them (parent paths as nested objects, child subqueries as nested query results, COUNT()
 * as a bare totalSize, aggregates as AggregateResult rows).
 */

import { errors } from '../core/errors';
import type { Org, StoredRecord } from '../core/org';
import { apiValue, attributes } from '../data/serialize';
import type { FieldDef, ObjectDef } from '../schema/types';
import type { Condition, Query, SelectItem } from './ast';
import type { BindScope, BoundPath, Comparable } from './bind';
import { bindLiteral, bindPath, comparableOf } from './bind';
import { malformedAt, unsupportedType } from './messages';
import { parseSoql } from './parser';
import { aggregateRows } from './aggregate';

export interface QueryOptions {
  /** queryAll: include records in the recycle bin. */
  includeDeleted: boolean;
  version: string;
  nowMs: number;
}

export interface QueryResult {
  totalSize: number;
  records: Record<string, unknown>[];
  /** Long Text Area fields (textarea longer than 255) the query selects: their rows come in smaller batches. */
  longTextFields?: number;
}

/** A Long Text Area or Rich Text Area: a textarea longer than a plain Text Area's 255 characters. */
export function isLongText(field: FieldDef): boolean {
  return field.type === 'textarea' && field.length > 255;
}

type Predicate = (record: StoredRecord) => boolean;

interface Context {
  org: Org;
  soql: string;
  options: QueryOptions;
}

export function runQuery(org: Org, soql: string, options: QueryOptions): QueryResult {
  const query = parseSoql(soql);
  const context: Context = { org, soql, options };
  const object = org.object(query.from);
  if (!object) throw unsupportedType(soql, query.fromOffset, query.from);
  return execute(context, query, object);
}

/** Follows a bound path from a record to the value at its end (null when a lookup is empty). */
export function readPath(org: Org, record: StoredRecord, path: BoundPath): StoredRecord | null {
  let current: StoredRecord | undefined = record;
  for (const step of path.steps) {
    const id = current.fields[step.name];
    if (typeof id !== 'string') return null;
    current = org.get(id);
    if (!current) return null;
  }
  return current;
}

function valueAt(org: Org, record: StoredRecord, path: BoundPath): unknown {
  const holder = readPath(org, record, path);
  return holder ? (holder.fields[path.field.name] ?? null) : null;
}

function scopeOf(context: Context, query: Query): BindScope {
  return { org: context.org, soql: context.soql, alias: query.alias };
}

function matches(org: Org, record: StoredRecord, path: BoundPath, op: string, target: Comparable): boolean {
  const raw = valueAt(org, record, path);
  if (target !== null && typeof target === 'object') {
    const ms = comparableOf(path.field, raw);
    if (typeof ms !== 'number') return op === '!=';
    const inside = ms >= target.fromMs && ms < target.toMs;
    switch (op) {
      case '=':
        return inside;
      case '!=':
        return !inside;
      case '<':
        return ms < target.fromMs;
      case '<=':
        return ms < target.toMs;
      case '>':
        return ms >= target.toMs;
      default:
        return ms >= target.fromMs;
    }
  }
  if (path.field.type === 'multipicklist' && (op === '=' || op === '!=')) {
    const have = new Set(
      String(raw ?? '')
        .toLowerCase()
        .split(';')
        .filter(Boolean),
    );
    const want = new Set(
      String(target ?? '')
        .split(';')
        .filter(Boolean),
    );
    const equal = raw !== null && have.size === want.size && [...want].every((v) => have.has(v));
    return op === '=' ? (target === null ? raw === null : equal) : target === null ? raw !== null : !equal;
  }
  const value = comparableOf(path.field, raw);
  if (op === '=') return value === target;
  if (op === '!=') return value !== target;
  if (value === null || target === null) return false;
  if (op === 'LIKE') return likePattern(String(target)).test(String(value));
  if (op === '<') return value < target;
  if (op === '<=') return value <= target;
  if (op === '>') return value > target;
  return value >= target;
}

function likePattern(pattern: string): RegExp {
  let source = '';
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern.charAt(k);
    if (c === '\\' && k + 1 < pattern.length)
      source += pattern.charAt(++k).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function compile(context: Context, query: Query, object: ObjectDef, condition: Condition): Predicate {
  const scope = scopeOf(context, query);
  const { org } = context;
  switch (condition.kind) {
    case 'and': {
      const parts = condition.items.map((c) => compile(context, query, object, c));
      return (r) => parts.every((p) => p(r));
    }
    case 'or': {
      const parts = condition.items.map((c) => compile(context, query, object, c));
      return (r) => parts.some((p) => p(r));
    }
    case 'not': {
      const inner = compile(context, query, object, condition.item);
      return (r) => !inner(r);
    }
    case 'compare': {
      const path = bindPath(scope, object, condition.path, condition.offset);
      if (
        condition.op === 'LIKE' &&
        !['string', 'textarea', 'email', 'phone', 'url', 'picklist'].includes(path.field.type)
      ) {
        throw malformedAt(
          context.soql,
          condition.offset,
          `invalid operator on ${path.field.type} field: LIKE`,
        );
      }
      const target = bindLiteral(scope, path.field, condition.value, condition.offset, context.options.nowMs);
      return (r) => matches(org, r, path, condition.op, target);
    }
    case 'in': {
      const path = bindPath(scope, object, condition.path, condition.offset);
      const targets = condition.values.map((v) =>
        bindLiteral(scope, path.field, v, condition.offset, context.options.nowMs),
      );
      const any = (r: StoredRecord): boolean => targets.some((t) => matches(org, r, path, '=', t));
      return condition.negated ? (r) => !any(r) : any;
    }
    case 'inQuery': {
      const path = bindPath(scope, object, condition.path, condition.offset);
      const inner = condition.query;
      const innerObject = org.object(inner.from);
      if (!innerObject) throw unsupportedType(context.soql, inner.fromOffset, inner.from);
      const item = inner.select[0];
      if (inner.select.length !== 1 || item?.kind !== 'field') {
        throw malformedAt(context.soql, inner.fromOffset, 'semi join sub-selects can only select one field');
      }
      const innerPath = bindPath(scopeOf(context, inner), innerObject, item.path, item.offset);
      const values = new Set<string>();
      for (const r of filtered(context, inner, innerObject)) {
        const v = comparableOf(innerPath.field, valueAt(org, r, innerPath));
        if (v !== null) values.add(String(v));
      }
      return (r) => {
        const v = comparableOf(path.field, valueAt(org, r, path));
        const inSet = v !== null && values.has(String(v));
        return condition.negated ? !inSet : inSet;
      };
    }
    case 'includes': {
      const path = bindPath(scope, object, condition.path, condition.offset);
      if (path.field.type !== 'multipicklist') {
        throw malformedAt(
          context.soql,
          condition.offset,
          `invalid operator on ${path.field.type} field: INCLUDES`,
        );
      }
      const wanted = condition.values.map((v) =>
        v
          .toLowerCase()
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean),
      );
      return (r) => {
        const have = new Set(
          String(valueAt(org, r, path) ?? '')
            .toLowerCase()
            .split(';')
            .filter(Boolean),
        );
        const hit = wanted.some((all) => all.every((v) => have.has(v)));
        return condition.negated ? !hit : hit;
      };
    }
  }
}

/** The records of the queried object that pass WHERE (and the recycle-bin rule), unsorted. */
function filtered(
  context: Context,
  query: Query,
  object: ObjectDef,
  pool?: Iterable<StoredRecord>,
): StoredRecord[] {
  const where = query.where ? compile(context, query, object, query.where) : () => true;
  const out: StoredRecord[] = [];
  for (const record of pool ?? context.org.all(object.name)) {
    if (record.deletedAtMs !== null && (!context.options.includeDeleted || record.outsideBin)) continue;
    if (where(record)) out.push(record);
  }
  return out;
}

function sortAndSlice(
  context: Context,
  query: Query,
  object: ObjectDef,
  records: StoredRecord[],
): StoredRecord[] {
  const scope = scopeOf(context, query);
  const keys = query.orderBy.map((item) => ({ item, path: bindPath(scope, object, item.path, item.offset) }));
  const sorted =
    keys.length === 0
      ? records
      : [...records].sort((a, b) => {
          for (const { item, path } of keys) {
            const va = comparableOf(path.field, valueAt(context.org, a, path));
            const vb = comparableOf(path.field, valueAt(context.org, b, path));
            if (va === vb) continue;
            if (va === null || vb === null) return (va === null ? -1 : 1) * (item.nullsLast ? -1 : 1);
            const order = va < vb ? -1 : 1;
            return item.descending ? -order : order;
          }
          return 0;
        });
  if (query.offset !== null && query.offset > 2000) {
    throw errors.invalidField('Maximum SOQL offset allowed is 2000');
  }
  const start = query.offset ?? 0;
  return sorted.slice(start, query.limit === null ? undefined : start + query.limit);
}

type Projector = (record: StoredRecord, out: Record<string, unknown>) => void;

function fieldProjector(context: Context, path: BoundPath): Projector {
  const { org, options } = context;
  return (record, out) => {
    let target = out;
    let current: StoredRecord | null = record;
    for (let k = 0; k < path.steps.length; k++) {
      const name = path.names[k] as string;
      const id: unknown = current ? current.fields[(path.steps[k] as FieldDef).name] : null;
      const parent: StoredRecord | null = typeof id === 'string' ? (org.get(id) ?? null) : null;
      if (!parent) {
        if (!(name in target)) target[name] = null;
        return;
      }
      const existing = target[name];
      if (existing === null || typeof existing !== 'object') {
        target[name] = { attributes: attributes(options.version, parent) };
      }
      target = target[name] as Record<string, unknown>;
      current = parent;
    }
    if (current) target[path.field.name] = apiValue(path.field, current);
  };
}

function expandFields(object: ObjectDef, which: 'ALL' | 'STANDARD' | 'CUSTOM'): FieldDef[] {
  return object.fields.filter((f) => (which === 'ALL' ? true : which === 'CUSTOM' ? f.custom : !f.custom));
}

function subqueryProjector(
  context: Context,
  parent: ObjectDef,
  item: SelectItem & { kind: 'subquery' },
): Projector {
  const { org } = context;
  const inner = item.query;
  const relation = parent.childRelationships.find(
    (c) => c.relationshipName.toLowerCase() === inner.from.toLowerCase(),
  );
  const child = relation ? org.object(relation.childSObject) : undefined;
  if (!relation || !child) {
    throw malformedAt(
      context.soql,
      inner.fromOffset,
      `Didn't understand relationship '${inner.from}' in FROM part of query call. If you are attempting to use a ` +
        `custom relationship, be sure to append the '__r' after the custom relationship name. Please reference ` +
        `your WSDL or the describe call for the appropriate names.`,
    );
  }
  const byParent = new Map<string, StoredRecord[]>();
  for (const record of filtered(context, inner, child)) {
    const key = record.fields[relation.field];
    if (typeof key !== 'string') continue;
    const list = byParent.get(key) ?? [];
    list.push(record);
    byParent.set(key, list);
  }
  const projectChild = projectorFor(context, inner, child);
  return (record, out) => {
    const children = sortAndSlice(context, inner, child, byParent.get(record.fields.Id as string) ?? []);
    out[relation.relationshipName] =
      children.length === 0
        ? null
        : { totalSize: children.length, done: true, records: children.map((c) => projectChild(c)) };
  };
}

function projectorFor(
  context: Context,
  query: Query,
  object: ObjectDef,
  longText: { count: number } = { count: 0 },
): (record: StoredRecord) => Record<string, unknown> {
  const scope = scopeOf(context, query);
  const projectors: Projector[] = [];
  const seen = new Set<string>();
  const addPath = (path: BoundPath, offset: number): void => {
    const key = path.names.join('.').toLowerCase();
    if (seen.has(key))
      throw malformedAt(context.soql, offset, `duplicate field selected: ${path.names.join('.')}`);
    seen.add(key);
    if (isLongText(path.field)) longText.count += 1;
    projectors.push(fieldProjector(context, path));
  };
  for (const item of query.select) {
    if (item.kind === 'field') addPath(bindPath(scope, object, item.path, item.offset), item.offset);
    else if (item.kind === 'fields') {
      if (item.which !== 'STANDARD' && (query.limit === null || query.limit > 200)) {
        throw malformedAt(
          context.soql,
          item.offset,
          'The SOQL FIELDS function must have a LIMIT of at most 200',
        );
      }
      for (const field of expandFields(object, item.which)) {
        addPath({ steps: [], targets: [], field, names: [field.name] }, item.offset);
      }
    } else if (item.kind === 'subquery') projectors.push(subqueryProjector(context, object, item));
    else
      throw malformedAt(
        context.soql,
        item.offset,
        'Aggregate functions cannot be mixed with plain fields without GROUP BY',
      );
  }
  return (record) => {
    const out: Record<string, unknown> = { attributes: attributes(context.options.version, record) };
    for (const project of projectors) project(record, out);
    return out;
  };
}

function execute(context: Context, query: Query, object: ObjectDef): QueryResult {
  const rows = filtered(context, query, object);
  if (query.select.some((s) => s.kind === 'count')) {
    if (query.select.length !== 1)
      throw malformedAt(context.soql, 0, 'COUNT() cannot be used with other fields');
    const limited = query.limit === null ? rows.length : Math.min(rows.length, query.limit);
    return { totalSize: limited, records: [] };
  }
  if (query.select.some((s) => s.kind === 'aggregate') || query.groupBy.length > 0) {
    const records = aggregateRows(context.org, scopeOf(context, query), query, object, rows);
    return { totalSize: records.length, records };
  }
  const longText = { count: 0 };
  const project = projectorFor(context, query, object, longText);
  const records = sortAndSlice(context, query, object, rows).map(project);
  return { totalSize: records.length, records, longTextFields: longText.count };
}
