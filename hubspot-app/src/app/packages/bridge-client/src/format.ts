/** How values, times and rules read to people, the same on the card and the settings page. */
import type { ObservedValue, OwnershipRule, SyncState } from './types';

export function displayValue(value: ObservedValue | unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((item) => String(item)).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'object') {
    const raw = (value as { unrepresentable?: unknown }).unrepresentable;
    if (typeof raw === 'string')
      return `${raw === '' ? '—' : `"${raw}"`} (cannot be read as this field's type)`;
    return JSON.stringify(value);
  }
  return String(value);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 minutes ago", "3 days ago"; the date itself past a week. */
export function relativeTime(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return 'never';
  const age = now - at;
  // A time a little ahead of this browser's clock is the server's clock running ahead: it is now.
  if (age < MINUTE) return age < -5 * MINUTE ? `in ${relativeSpan(-age)}` : 'just now';
  if (age < 7 * DAY) return `${relativeSpan(age)} ago`;
  return formatDate(at);
}

function relativeSpan(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < HOUR) return plural(Math.max(1, Math.round(ms / MINUTE)), 'minute');
  if (ms < DAY) return plural(Math.round(ms / HOUR), 'hour');
  return plural(Math.round(ms / DAY), 'day');
}

export function formatDate(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export const ruleLabels: Readonly<Record<OwnershipRule, string>> = {
  hubspot: 'HubSpot owns it',
  salesforce: 'Salesforce owns it',
  two_way: 'Two-way, newest wins',
  prefer_hubspot_unless_blank: 'HubSpot, unless blank',
  prefer_salesforce_unless_blank: 'Salesforce, unless blank',
  review: 'Two-way, a person settles conflicts',
  on_create: 'Only when created',
  none: "Doesn't sync",
};

export function ruleLabel(rule: string): string {
  return (ruleLabels as Record<string, string>)[rule] ?? rule;
}

export type TagVariant = 'success' | 'warning' | 'danger' | 'info' | 'default';

export const stateVariants: Readonly<Record<SyncState, TagVariant>> = {
  in_sync: 'success',
  syncing: 'info',
  conflict: 'warning',
  error: 'danger',
  not_linked: 'default',
  waiting_for_person: 'warning',
  deleted_in_salesforce: 'danger',
  paused: 'warning',
  not_connected: 'danger',
};

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
