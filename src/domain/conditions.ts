/**
 * HubSpot property conditions: the scope filter ("which records sync", like HubSpot's inclusion list) and
 * the creation rules ("create a Contact when…"). Values compare as trimmed, case-insensitive text, as
 * HubSpot's own list filters do for text.
 */
import type { Condition, Filter } from './settings/schema';
import { assertNever } from './result';

export type PropertyValues = Readonly<Record<string, string | null | undefined>>;

function text(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

function holds(filter: Filter, properties: PropertyValues): boolean {
  const actual = text(properties[filter.property]);
  switch (filter.operator) {
    case 'eq':
      return actual === text(filter.value);
    case 'neq':
      return actual !== text(filter.value);
    case 'contains':
      return actual.includes(text(filter.value));
    case 'in':
      return filter.values.some((value) => actual === text(value));
    case 'not_in':
      return !filter.values.some((value) => actual === text(value));
    case 'has_value':
      return actual !== '';
    case 'has_no_value':
      return actual === '';
    default:
      return assertNever(filter, 'filter');
  }
}

export function conditionHolds(condition: Condition, properties: PropertyValues): boolean {
  return condition.anyOf.some((group) => group.allOf.every((filter) => holds(filter, properties)));
}

/** Every HubSpot property a condition reads, for validation against live metadata. */
export function conditionProperties(condition: Condition): string[] {
  return [...new Set(condition.anyOf.flatMap((group) => group.allOf.map((filter) => filter.property)))];
}
