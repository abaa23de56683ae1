/** Finding records by id, merged-away id, or a unique property (`idProperty`). */
import { errors } from '../http/errors';
import type { CrmRecord, ObjectTable } from '../state/portal';
import { uniqueKey } from './records';

export interface LookupOptions {
  idProperty?: string | undefined;
  /** true: only archived records; false: only live ones. */
  archived?: boolean;
}

/** Throws 400 when idProperty is not a unique property (HubSpot refuses those). */
export function assertIdProperty(table: ObjectTable, idProperty: string | undefined): void {
  if (!idProperty || idProperty === 'hs_object_id') return;
  if (!table.uniquePropertyNames().includes(idProperty)) {
    throw errors.validation(`${idProperty} is not a unique property and cannot be used as idProperty`, {
      context: { idProperty: [idProperty] },
    });
  }
}

export function findRecord(table: ObjectTable, id: string, options: LookupOptions = {}): CrmRecord | null {
  const archived = options.archived ?? false;
  let record: CrmRecord | undefined;
  if (options.idProperty && options.idProperty !== 'hs_object_id') {
    const key = uniqueKey(options.idProperty, id);
    if (!archived) {
      const found = table.unique.get(options.idProperty)?.get(key);
      record = found !== undefined ? table.records.get(found) : undefined;
    } else {
      for (const candidate of table.records.values()) {
        const value = candidate.values.get(options.idProperty);
        if (candidate.archived && value !== undefined && uniqueKey(options.idProperty, value) === key) {
          record = candidate;
          break;
        }
      }
    }
  } else {
    record = table.records.get(table.resolveId(id));
  }
  if (!record || record.archived !== archived) return null;
  return record;
}
