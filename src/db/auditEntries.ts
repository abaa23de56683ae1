/**
 * audit_entries: every write and every decision, with the rule that made it and the reason, so that any value
 * on either side can be explained ("HubSpot owns email, so Salesforce's edit was overwritten"). Append-only;
 * written in the transaction that makes the write's bookkeeping. A correlation id ties the entries of one
 * sync (and its log lines) together.
 */
import { z } from 'zod';
import {
  isOperator,
  OPERATOR_ACTOR_ID,
  personActorId,
  type PersonAction,
  type Requester,
} from '../domain/actors';
import { JsonValueSchema, RecordRefSchema, type RecordRef } from './recordRefs';
import { parseInput, parseJsonColumn, parseRow, type Queryable } from './support';

export const AUDIT_ENTRIES = 'audit_entries';

export const auditDirections = ['to_hubspot', 'to_salesforce', 'none'] as const;

export interface AuditEntryRow {
  id: number;
  installation_id: string;
  link_id: string | null;
  record_side: string | null;
  record_object_type: string | null;
  record_id: string | null;
  action: string;
  field_key: string | null;
  direction: string;
  rule: string | null;
  before_value: string | null;
  after_value: string | null;
  reason: string;
  actor: string;
  actor_user_id: string | null;
  actor_email: string | null;
  correlation_id: string | null;
  occurred_at: number;
}

const snakeCase = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be snake_case');

const NewAuditEntrySchema = z.object({
  installationId: z.string().min(1),
  linkId: z.string().nullable().default(null),
  /** The record the entry is about when there is no link (yet): a create, a skipped record, a pending match. */
  record: RecordRefSchema.nullable().default(null),
  /** What happened: `field_written`, `field_skipped`, `conflict_opened`, `record_created`, `link_created`, … */
  action: snakeCase,
  fieldKey: z.string().max(128).nullable().default(null),
  direction: z.enum(auditDirections),
  /** The ownership rule applied (`hubspot`, `two_way`, `review`, …), when a rule decided. */
  rule: z.string().max(64).nullable().default(null),
  /** Values are canonical JSON; `undefined` means "no value" (as opposed to a blank, which is `null`). */
  before: JsonValueSchema.optional(),
  after: JsonValueSchema.optional(),
  reason: z.string().min(1),
  /** `bridge`, the person (`hubspot-user:123`), or `operator` (the dashboard). */
  actor: z.string().min(1).max(128),
  /** The HubSpot user behind a person's action, as the signed request named them. */
  actorUserId: z.string().max(32).nullable().default(null),
  actorEmail: z.string().max(254).nullable().default(null),
  correlationId: z.string().max(64).nullable().default(null),
  occurredAt: z.number(),
});
export type NewAuditEntry = z.input<typeof NewAuditEntrySchema>;

const AuditEntrySchema = NewAuditEntrySchema.extend({
  id: z.number(),
  installationId: z.string(),
  action: z.string(),
});
export type AuditEntry = z.output<typeof AuditEntrySchema>;

export function fromRow(row: AuditEntryRow): AuditEntry {
  const json = (text: string | null, column: string) =>
    text === null
      ? undefined
      : parseJsonColumn(JsonValueSchema, text, `${AUDIT_ENTRIES}.${column} (${row.id})`);
  return parseRow(
    AuditEntrySchema,
    {
      id: row.id,
      installationId: row.installation_id,
      linkId: row.link_id,
      record:
        row.record_side === null
          ? null
          : { side: row.record_side, objectType: row.record_object_type, recordId: row.record_id },
      action: row.action,
      fieldKey: row.field_key,
      direction: row.direction,
      rule: row.rule,
      before: json(row.before_value, 'before_value'),
      after: json(row.after_value, 'after_value'),
      reason: row.reason,
      actor: row.actor,
      actorUserId: row.actor_user_id,
      actorEmail: row.actor_email,
      correlationId: row.correlation_id,
      occurredAt: row.occurred_at,
    },
    AUDIT_ENTRIES,
  );
}

/** The actor columns of an action a person (or the operator, who names nobody) took. */
export function byPerson(
  person: Requester,
): Required<Pick<NewAuditEntry, 'actor' | 'actorUserId' | 'actorEmail'>> {
  if (isOperator(person)) return { actor: OPERATOR_ACTOR_ID, actorUserId: null, actorEmail: null };
  return { actor: personActorId(person), actorUserId: person.userId, actorEmail: person.email };
}

/**
 * The line for an action a person or the operator took: no field written, no rule applied, written with the
 * action.
 */
export function personEntry(input: {
  installationId: string;
  person: Requester;
  action: PersonAction;
  /** A short code: what the person chose or asked for (`keep_salesforce`, `retry_all`, `version_3`). */
  reason: string;
  linkId?: string | null;
  record?: RecordRef | null;
  fieldKey?: string | null;
  after?: NewAuditEntry['after'];
  /** The request's correlation id, when the action queued a sync: that sync's log lines name it. */
  correlationId?: string | null;
  occurredAt: number;
}): NewAuditEntry {
  return {
    installationId: input.installationId,
    linkId: input.linkId ?? null,
    record: input.record ?? null,
    action: input.action,
    fieldKey: input.fieldKey ?? null,
    direction: 'none',
    rule: null,
    ...(input.after === undefined ? {} : { after: input.after }),
    reason: input.reason,
    ...byPerson(input.person),
    correlationId: input.correlationId ?? null,
    occurredAt: input.occurredAt,
  };
}

/** Appends entries (all of one sync at once). */
export async function append(db: Queryable, entries: NewAuditEntry[]): Promise<void> {
  const parsed = parseInput(z.array(NewAuditEntrySchema), entries, 'auditEntries.append');
  if (parsed.length === 0) return;
  const rows = parsed.map((entry) => ({
    installation_id: entry.installationId,
    link_id: entry.linkId,
    record_side: entry.record?.side ?? null,
    record_object_type: entry.record?.objectType ?? null,
    record_id: entry.record?.recordId ?? null,
    action: entry.action,
    field_key: entry.fieldKey,
    direction: entry.direction,
    rule: entry.rule,
    before_value: entry.before === undefined ? null : JSON.stringify(entry.before),
    after_value: entry.after === undefined ? null : JSON.stringify(entry.after),
    reason: entry.reason,
    actor: entry.actor,
    actor_user_id: entry.actorUserId,
    actor_email: entry.actorEmail,
    correlation_id: entry.correlationId,
    occurred_at: entry.occurredAt,
  }));
  // SQLite caps bound parameters per statement; 50 rows × 17 columns stays well under it.
  for (let start = 0; start < rows.length; start += 50) {
    await db<AuditEntryRow>(AUDIT_ENTRIES).insert(rows.slice(start, start + 50));
  }
}

export interface Page {
  limit?: number;
  /** Only entries older than this id: pass the last id of the previous page. */
  beforeId?: number;
}

/** A link's history, newest first. */
export async function listForLink(
  db: Queryable,
  installationId: string,
  linkId: string,
  page: Page = {},
): Promise<AuditEntry[]> {
  return listWhere(db, installationId, { link_id: linkId }, page);
}

/** Entries about a record that had no link at the time. */
export async function listForRecord(
  db: Queryable,
  installationId: string,
  record: RecordRef,
  page: Page = {},
): Promise<AuditEntry[]> {
  return listWhere(
    db,
    installationId,
    { record_side: record.side, record_object_type: record.objectType, record_id: record.recordId },
    page,
  );
}

/** Everything one sync did. */
export async function listForCorrelation(
  db: Queryable,
  installationId: string,
  correlationId: string,
): Promise<AuditEntry[]> {
  const rows = await db<AuditEntryRow>(AUDIT_ENTRIES)
    .where({ installation_id: installationId, correlation_id: correlationId })
    .orderBy('id');
  return rows.map(fromRow);
}

async function listWhere(
  db: Queryable,
  installationId: string,
  where: Partial<AuditEntryRow>,
  page: Page,
): Promise<AuditEntry[]> {
  const query = db<AuditEntryRow>(AUDIT_ENTRIES).where({ installation_id: installationId, ...where });
  if (page.beforeId !== undefined) query.where('id', '<', page.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(page.limit ?? 50);
  return rows.map(fromRow);
}

/** Actions that put a value into a system: a field written (also at a create) or a conflict's value. */
const WRITE_ACTIONS = ['field_written', 'conflict_resolved'];

/** When the bridge last wrote to each system for any of these links (epoch ms), from the audit log. */
export async function lastWrites(
  db: Queryable,
  installationId: string,
  linkIds: string[],
): Promise<{ toHubspot: number | null; toSalesforce: number | null }> {
  if (linkIds.length === 0) return { toHubspot: null, toSalesforce: null };
  const rows = (await db<AuditEntryRow>(AUDIT_ENTRIES)
    .where({ installation_id: installationId })
    .whereIn('link_id', linkIds)
    .whereIn('action', WRITE_ACTIONS)
    .whereIn('direction', ['to_hubspot', 'to_salesforce'])
    .select('direction')
    .max({ last: 'occurred_at' })
    .groupBy('direction')) as unknown as Array<{ direction: string; last: number | string | null }>;
  const at = (direction: string) => {
    const row = rows.find((candidate) => candidate.direction === direction);
    return row?.last === null || row?.last === undefined ? null : Number(row.last);
  };
  return { toHubspot: at('to_hubspot'), toSalesforce: at('to_salesforce') };
}

/** What a record's history reads: the lines of any of its links, and the lines about the record itself. */
export interface HistoryScope {
  linkIds: string[];
  record: RecordRef;
}

/**
 * A record's lines, newest first (by time, then id): those at or before `atOrBefore`, at most `limit`; or,
 * with `exactlyAt`, every line of that instant (a page boundary must not split one sync's lines).
 */
export async function listForHistory(
  db: Queryable,
  installationId: string,
  scope: HistoryScope,
  options: { atOrBefore?: number; exactlyAt?: number; limit?: number },
): Promise<AuditEntry[]> {
  const query = db<AuditEntryRow>(AUDIT_ENTRIES)
    .where({ installation_id: installationId })
    .where((where) => {
      where.where({
        record_side: scope.record.side,
        record_object_type: scope.record.objectType,
        record_id: scope.record.recordId,
      });
      if (scope.linkIds.length > 0) where.orWhereIn('link_id', scope.linkIds);
    });
  if (options.exactlyAt !== undefined) query.where('occurred_at', options.exactlyAt);
  else if (options.atOrBefore !== undefined) query.where('occurred_at', '<=', options.atOrBefore);
  query.orderBy([
    { column: 'occurred_at', order: 'desc' },
    { column: 'id', order: 'desc' },
  ]);
  if (options.limit !== undefined) query.limit(options.limit);
  return (await query).map(fromRow);
}

/** What the portal's recent changes can be narrowed to. */
export interface FeedFilter {
  /** A HubSpot object type (`contacts`) or a Salesforce object (`Lead`): lines of its records and links. */
  objectType?: string;
  fieldKey?: string;
  /** An actor as stored (`hubspot-user:12`, `salesforce-user:005…`, `bridge`), or a person's email. */
  actor?: string;
}

/**
 * The installation's lines, newest first (by id), narrowed by the filter: at most `limit`, older than
 * `beforeId` when given.
 */
export async function listFeed(
  db: Queryable,
  installationId: string,
  filter: FeedFilter,
  page: { limit: number; beforeId?: number },
): Promise<AuditEntry[]> {
  const query = db<AuditEntryRow>(AUDIT_ENTRIES).where({ installation_id: installationId });
  if (filter.objectType !== undefined) {
    const objectType = filter.objectType;
    query.where((where) => {
      where.where({ record_object_type: objectType }).orWhereIn('link_id', (links) => {
        links
          .select('id')
          .from('links')
          .where({ installation_id: installationId })
          .where((of) =>
            of.where({ hubspot_object_type: objectType }).orWhere({ salesforce_object_type: objectType }),
          );
      });
    });
  }
  if (filter.fieldKey !== undefined) query.where({ field_key: filter.fieldKey });
  if (filter.actor !== undefined) {
    const actor = filter.actor;
    query.where((where) => where.where({ actor }).orWhere({ actor_email: actor.toLowerCase() }));
  }
  if (page.beforeId !== undefined) query.where('id', '<', page.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(page.limit);
  return rows.map(fromRow);
}
