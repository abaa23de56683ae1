import type { DirtyItem } from '../db/dirty';

/** How log lines name a queued record: `hubspot contacts 123`. */
export function describeRecord(item: Pick<DirtyItem, 'record'>): string {
  return `${item.record.side} ${item.record.objectType} ${item.record.recordId}`;
}
