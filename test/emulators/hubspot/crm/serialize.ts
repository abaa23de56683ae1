/** Records on the wire: SimplePublicObject and friends. */
import { isoOf } from '../clock';
import type { CrmRecord, Portal } from '../state/portal';
import { associationType, v3TypeName } from './associations';
import { OBJECT_TYPES, type ObjectType } from './object-types';

export interface ReadShape {
  /** Properties to return; undefined → the type's defaults. `'all'` → every property with a value (writes). */
  properties?: string[] | 'all';
  propertiesWithHistory?: string[] | undefined;
  /** Object types whose associations to include (v3 `associations=` parameter). */
  associations?: ObjectType[];
}

/** Always returned alongside explicitly requested properties. */
function alwaysReturned(objectType: ObjectType): string[] {
  return ['createdate', 'hs_object_id', OBJECT_TYPES[objectType].lastModifiedProperty];
}

export function recordToWire(
  portal: Portal,
  record: CrmRecord,
  shape: ReadShape = {},
): Record<string, unknown> {
  const table = portal.tables[record.objectType];
  const properties: Record<string, string | null> = {};
  if (shape.properties === 'all') {
    for (const [name, value] of [...record.values].sort(([a], [b]) => a.localeCompare(b))) {
      if (table.liveProperty(name)) properties[name] = value;
    }
  } else {
    const requested =
      shape.properties && shape.properties.length > 0
        ? [...new Set([...alwaysReturned(record.objectType), ...shape.properties])]
        : OBJECT_TYPES[record.objectType].defaultProperties;
    for (const name of requested.sort()) {
      // Unknown property names in a read are ignored, as HubSpot does.
      if (!table.liveProperty(name)) continue;
      properties[name] = record.values.get(name) ?? null;
    }
  }
  const wire: Record<string, unknown> = {
    id: record.id,
    properties,
    createdAt: isoOf(record.createdAtMs),
    updatedAt: isoOf(record.updatedAtMs),
    archived: record.archived,
  };
  if (record.archivedAtMs !== null) wire.archivedAt = isoOf(record.archivedAtMs);
  if (shape.propertiesWithHistory && shape.propertiesWithHistory.length > 0) {
    const history: Record<string, unknown[]> = {};
    for (const name of shape.propertiesWithHistory) {
      if (!table.liveProperty(name)) continue;
      history[name] = (record.history.get(name) ?? []).map((version) => ({
        value: version.value,
        timestamp: isoOf(version.timestampMs),
        sourceType: version.sourceType,
        ...(version.sourceId !== null ? { sourceId: version.sourceId } : {}),
        ...(version.sourceLabel !== null ? { sourceLabel: version.sourceLabel } : {}),
        ...(version.updatedByUserId !== null ? { updatedByUserId: version.updatedByUserId } : {}),
      }));
    }
    wire.propertiesWithHistory = history;
  }
  if (shape.associations && shape.associations.length > 0) {
    const associations: Record<string, unknown> = {};
    for (const toType of shape.associations) {
      const results: Array<{ id: string; type: string }> = [];
      for (const { toId, typeIds } of portal.associations.list(record.objectType, record.id, toType)) {
        const target = portal.tables[toType].records.get(toId);
        if (!target || target.archived) continue;
        for (const typeId of typeIds) {
          const info = associationType(typeId);
          if (info) results.push({ id: toId, type: v3TypeName(info, (type) => OBJECT_TYPES[type].singular) });
        }
      }
      if (results.length > 0) associations[toType] = { results };
    }
    if (Object.keys(associations).length > 0) wire.associations = associations;
  }
  return wire;
}
