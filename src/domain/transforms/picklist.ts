/**
 * Picklists and multi-select lists, through a value map.
 *
 * The map is a list of groups: `{ hubspot: ['subscriber', 'lead'], salesforce: ['Open - Not Contacted'] }`
 * says those HubSpot options and that Salesforce value mean the same thing. The first value of each list is
 * the one written to that system. Matching is case-insensitive. A group's canonical value is its first
 * HubSpot value, so two values in one group compare equal: a change from `subscriber` to `lead` is no change
 * Salesforce could see, and nothing is written.
 *
 * A value in no group is "no mapping", an explicit failure the planner reports, unless the mapping says
 * `passThrough`, in which case the value is carried over unchanged.
 *
 * Multi-select values are `;`-separated on both wires; the canonical value is the sorted set of canonical
 * items, so order and duplicates never count as a change.
 */
import { err, ok } from '../result';
import type { Side } from '../records';
import type { CanonicalValue, FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire, rawText } from './canonical';

export interface PicklistGroup {
  readonly hubspot: readonly string[];
  readonly salesforce: readonly string[];
}

export interface PicklistOptions {
  readonly options: readonly PicklistGroup[];
  readonly passThrough: boolean;
}

function key(value: string): string {
  return value.trim().toLowerCase();
}

interface PicklistIndex {
  /** Any value on that side → its group. */
  readonly bySide: Record<Side, Map<string, PicklistGroup>>;
  readonly passThrough: boolean;
}

function buildIndex({ options, passThrough }: PicklistOptions): PicklistIndex {
  const bySide: Record<Side, Map<string, PicklistGroup>> = { hubspot: new Map(), salesforce: new Map() };
  for (const group of options) {
    // The settings schema rejects a value listed in two groups; first one wins if it ever slips through.
    for (const value of group.hubspot)
      if (!bySide.hubspot.has(key(value))) bySide.hubspot.set(key(value), group);
    for (const value of group.salesforce) {
      if (!bySide.salesforce.has(key(value))) bySide.salesforce.set(key(value), group);
    }
  }
  return { bySide, passThrough };
}

function canonicalOf(group: PicklistGroup): string {
  return group.hubspot[0] ?? '';
}

function noMapping(raw: string, from: Side): TransformResult<never> {
  const where = from === 'hubspot' ? 'Salesforce' : 'HubSpot';
  return err({ code: 'no_mapping', raw, reason: `has no ${where} value in the field's value map` });
}

/** One item, trimmed and non-empty, from `side` → canonical. */
function itemFrom(index: PicklistIndex, side: Side, item: string): TransformResult<string> {
  const group = index.bySide[side].get(key(item));
  if (group) return ok(canonicalOf(group));
  if (!index.passThrough) return noMapping(item, side);
  // A passed-through value spelled like a mapped value on the other side is that value; otherwise its
  // canonical form could collide with a group's and not read back as itself.
  const other = index.bySide[side === 'hubspot' ? 'salesforce' : 'hubspot'].get(key(item));
  return ok(other ? canonicalOf(other) : item);
}

/** One canonical item → the value written to `side`. */
function itemTo(index: PicklistIndex, side: Side, canonical: string): TransformResult<string> {
  const group = index.bySide.hubspot.get(key(canonical));
  if (group) {
    const value = side === 'hubspot' ? group.hubspot[0] : group.salesforce[0];
    if (value !== undefined) return ok(value);
  }
  return index.passThrough
    ? ok(canonical)
    : noMapping(canonical, side === 'hubspot' ? 'salesforce' : 'hubspot');
}

function textOf(wire: unknown): string | null {
  return typeof wire === 'string' ? wire : null;
}

export function createPicklistTransform(settings: PicklistOptions): FieldTransform {
  const index = buildIndex(settings);
  const fromWire =
    (side: Side) =>
    (wire: unknown): TransformResult<CanonicalValue> => {
      if (isBlankWire(wire)) return ok(null);
      const text = textOf(wire);
      return text === null ? invalid(wire, 'is not a picklist value') : itemFrom(index, side, text.trim());
    };
  const toWire = (side: Side, value: CanonicalValue): TransformResult<string> =>
    typeof value === 'string' ? itemTo(index, side, value) : invalid(value, 'is not a picklist value');
  return {
    fromHubspot: fromWire('hubspot'),
    fromSalesforce: fromWire('salesforce'),
    toHubspot: (value) => (value === null ? ok('') : toWire('hubspot', value)),
    toSalesforce: (value) => (value === null ? ok(null) : toWire('salesforce', value)),
  };
}

function splitItems(text: string): string[] {
  return text
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function canonicalSet(items: readonly string[]): readonly string[] | null {
  const unique = [...new Set(items)].sort();
  return unique.length === 0 ? null : unique;
}

export function createMultiSelectTransform(settings: PicklistOptions): FieldTransform {
  const index = buildIndex(settings);
  const fromWire =
    (side: Side) =>
    (wire: unknown): TransformResult<CanonicalValue> => {
      if (isBlankWire(wire)) return ok(null);
      const text = textOf(wire);
      if (text === null) return invalid(wire, 'is not a list of values');
      const items: string[] = [];
      const unmapped: string[] = [];
      for (const item of splitItems(text)) {
        const mapped = itemFrom(index, side, item);
        if (mapped.ok) items.push(mapped.value);
        else unmapped.push(item);
      }
      if (unmapped.length > 0) {
        const where = side === 'hubspot' ? 'Salesforce' : 'HubSpot';
        const reason = `contains ${unmapped.map((item) => `"${item}"`).join(', ')}, with no ${where} value in the field's value map`;
        return err({ code: 'no_mapping', raw: rawText(wire), reason });
      }
      return ok(canonicalSet(items));
    };
  const toWire = (side: Side, value: CanonicalValue): TransformResult<string> => {
    if (!Array.isArray(value)) return invalid(value, 'is not a list of values');
    const items: string[] = [];
    for (const item of value as readonly string[]) {
      const mapped = itemTo(index, side, item);
      if (!mapped.ok) return mapped;
      items.push(mapped.value);
    }
    return ok([...new Set(items)].join(';'));
  };
  return {
    fromHubspot: fromWire('hubspot'),
    fromSalesforce: fromWire('salesforce'),
    toHubspot: (value) => (value === null ? ok('') : toWire('hubspot', value)),
    toSalesforce: (value) => (value === null ? ok(null) : toWire('salesforce', value)),
  };
}
