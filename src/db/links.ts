/**
 * links: HubSpot object ⇄ Salesforce record, with a state (see domain/linkStates.ts). Nothing here assumes a
 * link is forever 1:1 and alive: a record can have any number of ended links, and at most one active link
 * (enforced by partial unique indexes, so two workers racing to link one record cannot both win).
 * This module creates and reads links; state changes live in linkLifecycle.ts. Both write a link_events row
 * in the same transaction as the change.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { linkStates } from '../domain/linkStates';
import * as linkEvents from './linkEvents';
import {
  HubspotIdSchema,
  HubspotObjectTypeSchema,
  SalesforceIdSchema,
  SalesforceObjectTypeSchema,
  salesforceTypesFor,
  SideSchema,
  type HubspotObjectType,
  type RecordRef,
  type SalesforceObjectType,
} from './recordRefs';
import {
  inTransaction,
  isUniqueViolation,
  lockForUpdate,
  parseInput,
  parseRow,
  type Queryable,
} from './support';

export const LINKS = 'links';

/** How a link came to be. */
export const linkOrigins = [
  'matched',
  'created_in_hubspot',
  'created_in_salesforce',
  'converted',
  'merged',
] as const;

export interface LinkRow {
  id: string;
  installation_id: string;
  hubspot_object_type: string;
  hubspot_id: string;
  salesforce_object_type: string;
  salesforce_id: string;
  state: string;
  origin: string;
  superseded_by_link_id: string | null;
  merged_into_link_id: string | null;
  tombstoned_side: string | null;
  tombstoned_at: number | null;
  last_synced_at: number | null;
  state_changed_at: number;
  created_at: number;
  updated_at: number;
}

const LinkSchema = z.object({
  id: z.string(),
  installationId: z.string(),
  hubspotObjectType: HubspotObjectTypeSchema,
  hubspotId: HubspotIdSchema,
  salesforceObjectType: SalesforceObjectTypeSchema,
  salesforceId: SalesforceIdSchema,
  state: z.enum(linkStates),
  origin: z.enum(linkOrigins),
  /** Superseded: the converted Contact's link. Duplicate: the other HubSpot record's link to that Contact. */
  supersededByLinkId: z.string().nullable(),
  mergedIntoLinkId: z.string().nullable(),
  /** Which side's record was deleted, while tombstoned (kept afterwards for history). */
  tombstonedSide: SideSchema.nullable(),
  tombstonedAt: z.number().nullable(),
  lastSyncedAt: z.number().nullable(),
  stateChangedAt: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Link = z.infer<typeof LinkSchema>;

export function fromRow(row: LinkRow): Link {
  return parseRow(
    LinkSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      hubspotObjectType: row.hubspot_object_type,
      hubspotId: row.hubspot_id,
      salesforceObjectType: row.salesforce_object_type,
      salesforceId: row.salesforce_id,
      state: row.state,
      origin: row.origin,
      supersededByLinkId: row.superseded_by_link_id,
      mergedIntoLinkId: row.merged_into_link_id,
      tombstonedSide: row.tombstoned_side,
      tombstonedAt: row.tombstoned_at,
      lastSyncedAt: row.last_synced_at,
      stateChangedAt: row.state_changed_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    LINKS,
  );
}

const NewLinkSchema = z
  .object({
    installationId: z.string().min(1),
    hubspotObjectType: HubspotObjectTypeSchema,
    hubspotId: HubspotIdSchema,
    salesforceObjectType: SalesforceObjectTypeSchema,
    salesforceId: SalesforceIdSchema,
    origin: z.enum(linkOrigins),
  })
  .refine(
    (link) =>
      (salesforceTypesFor[link.hubspotObjectType] as readonly SalesforceObjectType[]).includes(
        link.salesforceObjectType,
      ),
    {
      message: 'this HubSpot object type cannot link to this Salesforce object type',
      path: ['salesforceObjectType'],
    },
  );
export type NewLink = z.input<typeof NewLinkSchema>;

export type { ChangeContext } from './linkEvents';

export type LinkWriteResult =
  | { ok: true; link: Link }
  | { ok: false; code: 'active_link_exists'; reason: string; existing: Link[] }
  | { ok: false; code: 'not_found' | 'illegal_transition'; reason: string };

/** Creates an active link, or reports the active link(s) already holding either record. */
export async function create(
  db: Queryable,
  input: NewLink,
  context: linkEvents.ChangeContext,
): Promise<LinkWriteResult> {
  const link = parseInput(NewLinkSchema, input, 'links.create');
  const id = crypto.randomUUID();
  try {
    // A savepoint, so that on PostgreSQL a unique violation does not poison the caller's transaction.
    await inTransaction(db, async (trx) => {
      await trx<LinkRow>(LINKS).insert({
        id,
        installation_id: link.installationId,
        hubspot_object_type: link.hubspotObjectType,
        hubspot_id: link.hubspotId,
        salesforce_object_type: link.salesforceObjectType,
        salesforce_id: link.salesforceId,
        state: 'active',
        origin: link.origin,
        state_changed_at: context.now,
        created_at: context.now,
        updated_at: context.now,
      });
      await linkEvents.append(
        trx,
        linkEvents.build(link.installationId, id, 'created', null, 'active', null, context),
      );
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await findActiveHolders(db, link.installationId, link);
    return {
      ok: false,
      code: 'active_link_exists',
      reason: 'one of these records already has an active link',
      existing,
    };
  }
  return { ok: true, link: await getOrThrow(db, link.installationId, id) };
}

export async function findById(db: Queryable, installationId: string, id: string): Promise<Link | null> {
  const row = await db<LinkRow>(LINKS).where({ installation_id: installationId, id }).first();
  return row ? fromRow(row) : null;
}

export async function findActiveByHubspot(
  db: Queryable,
  installationId: string,
  objectType: HubspotObjectType,
  hubspotId: string,
): Promise<Link | null> {
  const row = await db<LinkRow>(LINKS)
    .where({
      installation_id: installationId,
      hubspot_object_type: objectType,
      hubspot_id: hubspotId,
      state: 'active',
    })
    .first();
  return row ? fromRow(row) : null;
}

export async function findActiveBySalesforce(
  db: Queryable,
  installationId: string,
  salesforceId: string,
): Promise<Link | null> {
  const row = await db<LinkRow>(LINKS)
    .where({ installation_id: installationId, salesforce_id: salesforceId, state: 'active' })
    .first();
  return row ? fromRow(row) : null;
}

/** Every link a record ever had, newest first: the active one, tombstones that block re-creation, history. */
export async function listForRecord(
  db: Queryable,
  installationId: string,
  record: RecordRef,
): Promise<Link[]> {
  const query = db<LinkRow>(LINKS).where({ installation_id: installationId });
  if (record.side === 'hubspot')
    query.where({ hubspot_object_type: record.objectType, hubspot_id: record.recordId });
  else query.where({ salesforce_id: record.recordId });
  const rows = await query.orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'id', order: 'desc' },
  ]);
  return rows.map(fromRow);
}

/**
 * Every link of one HubSpot object type, in any state, in creation order: what a reconciliation run compares
 * both systems with (the active ones), and which records ever had a link (kept out of its matching).
 */
export async function listForHubspotObjectType(
  db: Queryable,
  installationId: string,
  objectType: HubspotObjectType,
): Promise<Link[]> {
  const rows = await db<LinkRow>(LINKS)
    .where({ installation_id: installationId, hubspot_object_type: objectType })
    .orderBy([{ column: 'created_at' }, { column: 'id' }]);
  return rows.map(fromRow);
}

/** Records that a sync of these links just finished. */
export async function markSynced(
  db: Queryable,
  installationId: string,
  linkIds: string[],
  now: number,
): Promise<void> {
  if (linkIds.length === 0) return;
  await db<LinkRow>(LINKS)
    .where({ installation_id: installationId })
    .whereIn('id', linkIds)
    .update({ last_synced_at: now, updated_at: now });
}

/** Active links of an installation, and when any of them last synced (health counters). */
export async function activeSummary(
  db: Queryable,
  installationId: string,
): Promise<{ active: number; lastSyncedAt: number | null }> {
  const row = (await db<LinkRow>(LINKS)
    .where({ installation_id: installationId, state: 'active' })
    .count({ count: '*' })
    .max({ last: 'last_synced_at' })
    .first()) as { count?: number | string; last?: number | string | null } | undefined;
  return {
    active: Number(row?.count ?? 0),
    lastSyncedAt: row?.last === null || row?.last === undefined ? null : Number(row.last),
  };
}

/** How many links of the installation synced at or after `sinceMs` (each counted once). */
export async function countSyncedSince(
  db: Queryable,
  installationId: string,
  sinceMs: number,
): Promise<number> {
  const row = (await db<LinkRow>(LINKS)
    .where({ installation_id: installationId })
    .where('last_synced_at', '>=', sinceMs)
    .count({ count: '*' })
    .first()) as { count?: number | string } | undefined;
  return Number(row?.count ?? 0);
}

/**
 * Reads a link and, on PostgreSQL, locks it until the transaction ends: a sync holds its link this way, so
 * the HubSpot side and the Salesforce side of one link are never synced by two workers at once.
 */
export async function findByIdForUpdate(
  db: Queryable,
  installationId: string,
  id: string,
): Promise<Link | null> {
  const row = await lockForUpdate(
    db,
    db<LinkRow>(LINKS).where({ installation_id: installationId, id }),
  ).first();
  return row ? fromRow(row) : null;
}

export async function getOrThrow(db: Queryable, installationId: string, id: string): Promise<Link> {
  const link = await findById(db, installationId, id);
  if (!link) throw new Error(`link ${id} vanished inside its own transaction`);
  return link;
}

/** The active links holding either record of a would-be link. */
export async function findActiveHolders(
  db: Queryable,
  installationId: string,
  link: { hubspotObjectType: HubspotObjectType; hubspotId: string; salesforceId: string },
): Promise<Link[]> {
  const byHubspot = await findActiveByHubspot(db, installationId, link.hubspotObjectType, link.hubspotId);
  const bySalesforce = await findActiveBySalesforce(db, installationId, link.salesforceId);
  const holders = [byHubspot, bySalesforce].filter((found): found is Link => found !== null);
  return holders.filter((found, index) => holders.findIndex((other) => other.id === found.id) === index);
}

/**
 * The active links of one HubSpot object type whose HubSpot id or Salesforce id is among those given (in
 * chunks of 500 per list): how a batch turns the companies and Accounts its records name into each other.
 */
export async function findActiveAmong(
  db: Queryable,
  installationId: string,
  objectType: HubspotObjectType,
  ids: { readonly hubspotIds: readonly string[]; readonly salesforceIds: readonly string[] },
): Promise<Link[]> {
  const found = new Map<string, Link>();
  const lists = [
    ['hubspot_id', [...new Set(ids.hubspotIds)]],
    ['salesforce_id', [...new Set(ids.salesforceIds)]],
  ] as const;
  for (const [column, values] of lists) {
    for (let index = 0; index < values.length; index += 500) {
      const rows = await db<LinkRow>(LINKS)
        .where({ installation_id: installationId, hubspot_object_type: objectType, state: 'active' })
        .whereIn(column, values.slice(index, index + 500));
      for (const row of rows) found.set(row.id, fromRow(row));
    }
  }
  return [...found.values()];
}
