/**
 * Which linked pairs a settings preview looks at: the installation's active contact links, the most
 * recently synced first (those are the records people work on), in an order that does not change between
 * two previews of the same data. Reads only.
 *
 * A query on `links` outside src/db/links.ts: it belongs there as `listActiveByLastSynced`, next to
 * `activeSummary`, once that module is free to change.
 */
import * as links from '../../db/links';
import type { Queryable } from '../../db/support';

export const DEFAULT_SAMPLE_SIZE = 200;
export const MAX_SAMPLE_SIZE = 500;

function activeContactLinks(db: Queryable, installationId: string) {
  return db<links.LinkRow>(links.LINKS).where({
    installation_id: installationId,
    hubspot_object_type: 'contacts',
    state: 'active',
  });
}

/** Up to `limit` active links, last synced first; never-synced links last; ties by creation, then id. */
export async function sampleLinks(
  db: Queryable,
  installationId: string,
  limit: number,
): Promise<links.Link[]> {
  // Spelled out rather than NULLS LAST, which SQLite and PostgreSQL do not read the same way.
  const rows = await activeContactLinks(db, installationId)
    .orderByRaw('CASE WHEN last_synced_at IS NULL THEN 1 ELSE 0 END')
    .orderBy([
      { column: 'last_synced_at', order: 'desc' },
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ])
    .limit(limit);
  return rows.map(links.fromRow);
}

export async function countActiveLinks(db: Queryable, installationId: string): Promise<number> {
  const row = (await activeContactLinks(db, installationId).count({ count: '*' }).first()) as
    { count?: number | string } | undefined;
  return Number(row?.count ?? 0);
}
