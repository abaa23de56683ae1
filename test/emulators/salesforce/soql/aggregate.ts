/** Aggregate queries (COUNT(field), COUNT_DISTINCT, MIN, MAX, SUM, AVG, optionally GROUP BY). */

import type { Org, StoredRecord } from '../core/org';
import { formatDateTime } from '../core/time';
import type { ObjectDef } from '../schema/types';
import type { AggregateFn, Query } from './ast';
import type { BindScope, BoundPath } from './bind';
import { bindPath, comparableOf } from './bind';
import { malformedAt } from './messages';

function read(org: Org, record: StoredRecord, path: BoundPath): unknown {
  let current: StoredRecord | undefined = record;
  for (const step of path.steps) {
    const id: unknown = current.fields[step.name];
    current = typeof id === 'string' ? org.get(id) : undefined;
    if (!current) return null;
  }
  return current.fields[path.field.name] ?? null;
}

function output(path: BoundPath, value: unknown): unknown {
  return path.field.type === 'datetime' && typeof value === 'number' ? formatDateTime(value) : value;
}

function aggregate(fn: AggregateFn, path: BoundPath, values: unknown[]): unknown {
  const present = values.filter((v) => v !== null && v !== undefined);
  switch (fn) {
    case 'COUNT':
      return present.length;
    case 'COUNT_DISTINCT':
      return new Set(present.map((v) => comparableOf(path.field, v))).size;
    case 'SUM':
      return present.length === 0 ? null : present.reduce((a: number, v) => a + Number(v), 0);
    case 'AVG':
      return present.length === 0
        ? null
        : present.reduce((a: number, v) => a + Number(v), 0) / present.length;
    case 'MIN':
    case 'MAX': {
      if (present.length === 0) return null;
      const sorted = [...present].sort((a, b) => {
        const ca = comparableOf(path.field, a) as string | number;
        const cb = comparableOf(path.field, b) as string | number;
        return ca < cb ? -1 : ca > cb ? 1 : 0;
      });
      return output(path, fn === 'MIN' ? sorted[0] : sorted[sorted.length - 1]);
    }
  }
}

export function aggregateRows(
  org: Org,
  scope: BindScope,
  query: Query,
  object: ObjectDef,
  rows: StoredRecord[],
): Record<string, unknown>[] {
  const groups = query.groupBy.map((g) => ({
    path: bindPath(scope, object, g.path, g.offset),
    key: g.path.join('.'),
  }));
  const columns: { name: string; compute: (members: StoredRecord[]) => unknown }[] = [];
  let expr = 0;
  for (const item of query.select) {
    if (item.kind === 'aggregate') {
      const path = bindPath(scope, object, item.path ?? ['Id'], item.offset);
      const name = item.alias ?? `expr${expr++}`;
      columns.push({
        name,
        compute: (members) =>
          aggregate(
            item.fn,
            path,
            members.map((m) => read(org, m, path)),
          ),
      });
    } else if (item.kind === 'field') {
      const group = groups.find((g) => g.key.toLowerCase() === item.path.join('.').toLowerCase());
      if (!group) {
        throw malformedAt(
          scope.soql,
          item.offset,
          `Field must be grouped or aggregated: ${item.path.join('.')}`,
        );
      }
      columns.push({
        name: group.path.field.name,
        compute: (members) => output(group.path, members[0] ? read(org, members[0], group.path) : null),
      });
    } else {
      throw malformedAt(scope.soql, item.offset, 'unexpected token in aggregate query');
    }
  }
  const buckets = new Map<string, StoredRecord[]>();
  if (groups.length === 0) buckets.set('', rows);
  for (const row of groups.length === 0 ? [] : rows) {
    const key = JSON.stringify(groups.map((g) => comparableOf(g.path.field, read(org, row, g.path))));
    const list = buckets.get(key) ?? [];
    list.push(row);
    buckets.set(key, list);
  }
  const result = [...buckets.values()].map((members) => {
    const out: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
    for (const column of columns) out[column.name] = column.compute(members);
    return out;
  });
  return query.limit === null ? result : result.slice(0, query.limit);
}
