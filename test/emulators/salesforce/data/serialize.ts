/** Stored records to their JSON shape on the wire. */

import type { StoredRecord } from '../core/org';
import { formatDateTime } from '../core/time';
import type { FieldDef, ObjectDef, Value } from '../schema/types';

export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

export function attributes(version: string, record: StoredRecord): { type: string; url: string } {
  return { type: record.type, url: recordUrl(version, record.type, record.fields.Id as string) };
}

/** One field's value as Salesforce sends it (datetimes in its format, compound addresses as objects). */
export function apiValue(field: FieldDef, record: StoredRecord): unknown {
  if (field.type === 'address' && field.addressComponents) {
    const c = field.addressComponents;
    const part = (key: string): Value => (c[key] ? (record.fields[c[key]] ?? null) : null);
    const parts = ['street', 'city', 'state', 'postalCode', 'country'].map(part);
    if (parts.every((p) => p === null)) return null;
    return {
      city: part('city'),
      country: part('country'),
      countryCode: null,
      geocodeAccuracy: null,
      latitude: null,
      longitude: null,
      postalCode: part('postalCode'),
      state: part('state'),
      stateCode: null,
      street: part('street'),
    };
  }
  const value = record.fields[field.name] ?? null;
  if (field.type === 'datetime' && typeof value === 'number') return formatDateTime(value);
  return value;
}

/** A record with the given fields (all of the object's fields when none are named). */
export function serializeRecord(
  version: string,
  object: ObjectDef,
  record: StoredRecord,
  fields?: FieldDef[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributes(version, record) };
  for (const field of fields ?? object.fields) out[field.name] = apiValue(field, record);
  return out;
}
