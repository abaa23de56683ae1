/**
 * Which linked pairs a settings preview looks at: the installation's active links of one object (contacts,
 * companies or deals), the most recently synced first (those are the records people work on), in an order
 * that does not change between two previews of the same data. Reads only.
 *
 * A query on `links` outside src/db/links.ts: it belongs there as `listActiveByLastSynced`, next to
 * `activeSummary`, once that module is free to change.
 */
import * as links from '../../db/links';
import type { Queryable } from '../../db/support';
import type { HubspotObjectType } from '../../domain/records';

export const DEFAULT_SAMPLE_SIZE = 200;
export const MAX_SAMPLE_SIZE = 500;

function activeLinks(db: Queryable, installationId: string, objectType: HubspotObjectType) {
  return db<links.LinkRow>(links.LINKS).where({
    installation_id: installationId,
    hubspot_object_type: objectType,
    state: 'active',
  });
}

/** Up to `limit` active links, last synced first; never-synced links last; ties by creation, then id. */
export async function sampleLinks(
  db: Queryable,
  installationId: string,
  limit: number,
  objectType: HubspotObjectType = 'contacts',
): Promise<links.Link[]> {
  // Spelled out rather than NULLS LAST, which SQLite and PostgreSQL do not read the same way.
  const rows = await activeLinks(db, installationId, objectType)
    .orderByRaw('CASE WHEN last_synced_at IS NULL THEN 1 ELSE 0 END')
    .orderBy([
      { column: 'last_synced_at', order: 'desc' },
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ])
    .limit(limit);
  return rows.map(links.fromRow);
}

export async function countActiveLinks(
  db: Queryable,
  installationId: string,
  objectType: HubspotObjectType = 'contacts',
): Promise<number> {
  const row = (await activeLinks(db, installationId, objectType).count({ count: '*' }).first()) as
    { count?: number | string } | undefined;
  return Number(row?.count ?? 0);
}
