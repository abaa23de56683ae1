/**
 * A record's history as the card shows it: what happened to its links (linked, converted, merged, deleted,
 * restored) and what the audit log says (fields written, conflicts, records created, what people did), in
 * words, newest first. The field writes of one sync read as one line per system written to.
 *
 * Pure: the caller reads the rows; this names them. Entries are ordered by time, then by id, so a page cursor
 * (`at` and `id` of the last entry shown) picks up exactly where the page stopped.
 */
import { OPERATOR_ACTOR_ID, personName } from './actors';
import { otherSide, sideLabel, type Side } from './records';

export const historyKinds = [
  'linked',
  'lead_converted',
  'merged',
  'deleted',
  'restored',
  'purged',
  'record_created',
  'fields_written',
  'write_failed',
  'conflict_opened',
  'conflict_value_chosen',
  'conflict_resolved',
  'match_pending',
  'match_answered',
  'sync_now',
  'retry',
] as const;
export type HistoryKind = (typeof historyKinds)[number];

export interface HistoryActor {
  readonly kind: 'hubspot_user' | 'salesforce_user' | 'bridge' | 'operator';
  readonly name: string;
  readonly userId: string | null;
  readonly email: string | null;
}

export interface HistoryEntry {
  readonly id: string;
  /** Epoch ms. */
  readonly at: number;
  readonly kind: HistoryKind;
  readonly title: string;
  readonly detail: string;
  readonly actor: HistoryActor;
}

/** An audit line as the history needs it. */
export interface AuditFact {
  readonly id: number;
  readonly linkId: string | null;
  readonly action: string;
  readonly fieldKey: string | null;
  readonly direction: 'to_hubspot' | 'to_salesforce' | 'none';
  readonly after: unknown;
  readonly reason: string;
  readonly actor: string;
  readonly actorUserId: string | null;
  readonly actorEmail: string | null;
  readonly correlationId: string | null;
  readonly occurredAt: number;
}

/** A link event as the history needs it, with the link it belongs to. */
export interface LinkEventFact {
  readonly id: number;
  readonly event: 'created' | 'tombstoned' | 'restored' | 'merged' | 'superseded' | 'duplicate' | 'purged';
  readonly reason: string;
  readonly actor: string;
  readonly occurredAt: number;
  readonly link: {
    readonly origin: string;
    readonly salesforceObjectType: string;
    readonly salesforceId: string;
  };
}

export interface HistoryContext {
  /** A mapped field's label, by field key (the key itself when the mapping is gone). */
  readonly labelOf: (fieldKey: string) => string;
}

export const BRIDGE_NAME = 'Salesforce Bridge';

const bridge: HistoryActor = { kind: 'bridge', name: BRIDGE_NAME, userId: null, email: null };

export const OPERATOR_NAME = "The bridge's operator";

const operator: HistoryActor = { kind: 'operator', name: OPERATOR_NAME, userId: null, email: null };

/**
 * Who an audit line or link event names: the bridge, its operator (the dashboard), a Salesforce user whose
 * change a write carried (`salesforce-user:<id>`), or a HubSpot user (emails known from other lines).
 */
export function actorOf(
  actor: string,
  person: { userId: string | null; email: string | null },
  knownEmails: ReadonlyMap<string, string> = new Map(),
): HistoryActor {
  if (actor === 'bridge') return bridge;
  if (actor === OPERATOR_ACTOR_ID) return operator;
  const salesforceUser = /^salesforce-user:(\w+)$/.exec(actor)?.[1] ?? null;
  if (salesforceUser) {
    const name = person.email ?? `Salesforce user ${salesforceUser}`;
    return { kind: 'salesforce_user', name, userId: salesforceUser, email: person.email };
  }
  const fromActor = /^hubspot-user:(\d+)$/.exec(actor)?.[1] ?? null;
  const userId = person.userId ?? fromActor;
  const email =
    person.email ??
    (userId ? (knownEmails.get(userId) ?? null) : null) ??
    (actor.includes('@') ? actor : null);
  if (userId === null && email === null) {
    return { kind: 'hubspot_user', name: actor, userId: null, email: null };
  }
  return { kind: 'hubspot_user', name: personName({ userId, email }), userId, email };
}

function systemOf(direction: AuditFact['direction']): Side | null {
  return direction === 'to_hubspot' ? 'hubspot' : direction === 'to_salesforce' ? 'salesforce' : null;
}

function listOf(labels: readonly string[]): string {
  const unique = [...new Set(labels)];
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} and ${unique.at(-1)}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return '(blank)';
  if (Array.isArray(value)) return value.join('; ');
  if (typeof value === 'object') {
    const raw = (value as { unrepresentable?: unknown }).unrepresentable;
    return raw === undefined ? JSON.stringify(value) : String(raw);
  }
  return String(value);
}

const GROUPED = new Set(['field_written', 'field_failed', 'conflict_resolved']);
/** Lines the history leaves out: nothing happened (agreed, skipped), or the link events say it better. */
const LEFT_OUT = new Set([
  'field_agreed',
  // An association waiting for its company to be linked: the card's field table says so while it waits.
  'field_waiting',
  'field_skipped',
  'link_created',
  'link_tombstoned',
  'link_restored',
  'link_merged',
  'lead_converted',
]);

function groupedEntry(
  rows: readonly AuditFact[],
  context: HistoryContext,
  actor: HistoryActor,
): HistoryEntry {
  const first = rows[0] as AuditFact;
  const id = `a${Math.min(...rows.map((row) => row.id))}`;
  const at = Math.max(...rows.map((row) => row.occurredAt));
  const system = systemOf(first.direction);
  const to = system ? sideLabel(system) : 'both systems';
  const labels = rows.map((row) => (row.fieldKey ? context.labelOf(row.fieldKey) : 'a field'));
  switch (first.action) {
    case 'field_failed':
      return {
        id,
        at,
        kind: 'write_failed',
        title: `Could not write ${plural(new Set(labels).size, 'field')} to ${to}`,
        detail: `${listOf(labels)}: ${to} refused the change (${listOf(rows.map((row) => row.reason))}).`,
        actor,
      };
    case 'conflict_resolved':
      return {
        id,
        at,
        kind: 'conflict_resolved',
        title: `Conflict settled: ${listOf(labels)}`,
        detail: system
          ? `The chosen value "${shown(first.after)}" was written to ${to}.`
          : `Both systems already held the chosen value "${shown(first.after)}".`,
        actor,
      };
    default: {
      const from = system ? sideLabel(otherSide(system)) : 'the other system';
      const count = new Set(labels).size;
      return {
        id,
        at,
        kind: 'fields_written',
        title: `Synced ${plural(count, 'field')} to ${to}`,
        detail:
          count === 1 && rows.length === 1
            ? `${labels[0]} set to "${shown(first.after)}" from ${from}.`
            : `${listOf(labels)} updated from ${from}.`,
        actor,
      };
    }
  }
}

function singleEntry(row: AuditFact, context: HistoryContext, actor: HistoryActor): HistoryEntry | null {
  const base = { id: `a${row.id}`, at: row.occurredAt, actor };
  const label = row.fieldKey ? context.labelOf(row.fieldKey) : 'a field';
  const by = actor.kind === 'hubspot_user' || actor.kind === 'operator' ? actor.name : 'Someone';
  switch (row.action) {
    case 'record_created':
      if (row.reason === 'created_in_salesforce' || row.reason === 'created_in_hubspot') {
        const where = row.reason === 'created_in_salesforce' ? 'Salesforce' : 'HubSpot';
        return {
          ...base,
          kind: 'record_created',
          title: `Created in ${where}`,
          detail: `There was no matching record in ${where}, so the sync created one.`,
        };
      }
      return {
        ...base,
        kind: 'record_created',
        title: 'Not created in the other system',
        detail: `The sync could not create the counterpart (${row.reason}).`,
      };
    case 'conflict_opened':
      return {
        ...base,
        kind: 'conflict_opened',
        title: `Conflict on ${label}`,
        detail: `${label} was changed to different values in HubSpot and Salesforce; it waits for someone to pick one.`,
      };
    case 'match_pending':
      return {
        ...base,
        kind: 'match_pending',
        title: 'Waiting for a person to pick the match',
        detail: 'More than one record in the other system could be this one.',
      };
    case 'conflict_value_chosen': {
      const kept =
        row.reason === 'keep_hubspot'
          ? "HubSpot's value"
          : row.reason === 'keep_salesforce'
            ? "Salesforce's value"
            : 'a value they typed';
      return {
        ...base,
        kind: 'conflict_value_chosen',
        title: `${label}: ${kept} kept`,
        detail: `${by} chose "${shown(row.after)}" to settle the conflict.`,
      };
    }
    case 'match_answered': {
      const choice = row.after as {
        kind?: string;
        record?: { objectType?: string; recordId?: string };
      } | null;
      const detail =
        choice?.kind === 'link'
          ? `${by} picked the ${choice.record?.objectType ?? 'record'} ${choice.record?.recordId ?? ''} as the matching record.`.replace(
              ' .',
              '.',
            )
          : choice?.kind === 'create_new'
            ? `${by} asked for a new record instead of the candidates.`
            : `${by} chose not to sync this record.`;
      return { ...base, kind: 'match_answered', title: 'Match picked', detail };
    }
    case 'sync_now_requested':
      return { ...base, kind: 'sync_now', title: 'Sync now', detail: `${by} asked to sync this record now.` };
    case 'retry_requested':
      return {
        ...base,
        kind: 'retry',
        title: 'Retry',
        detail:
          row.reason === 'retry_all'
            ? `${by} retried every failed record, this one included.`
            : `${by} asked to retry this record.`,
      };
    default:
      return null;
  }
}

function linkEntry(event: LinkEventFact, actor: HistoryActor): HistoryEntry {
  const base = { id: `l${event.id}`, at: event.occurredAt, actor };
  const counterpart = `Salesforce ${event.link.salesforceObjectType} ${event.link.salesforceId}`;
  const reason = event.reason ? `${event.reason[0]?.toUpperCase()}${event.reason.slice(1)}.` : '';
  switch (event.event) {
    case 'created': {
      const detail =
        event.link.origin === 'converted'
          ? `Now linked to ${counterpart}, the Contact the Lead became.`
          : event.link.origin === 'merged'
            ? `Now linked to ${counterpart}, the record that survived a merge.`
            : `Linked to ${counterpart}. ${reason}`.trim();
      return {
        ...base,
        kind: 'linked',
        title: `Linked to a Salesforce ${event.link.salesforceObjectType}`,
        detail,
      };
    }
    case 'superseded':
      return {
        ...base,
        kind: 'lead_converted',
        title: 'Lead converted in Salesforce',
        detail: `${counterpart} was converted; the sync now follows the Contact it became.`,
      };
    case 'duplicate':
      return {
        ...base,
        kind: 'lead_converted',
        title: 'Lead converted into a Contact that syncs elsewhere',
        detail: `${counterpart} was converted into a Contact that already syncs with another HubSpot contact: the two contacts may be one person. Merge them in HubSpot; the one kept syncs with the Contact.`,
      };
    case 'merged':
      return {
        ...base,
        kind: 'merged',
        title: 'Records merged',
        detail: `${reason} The link to ${counterpart} moved to the surviving record.`.trim(),
      };
    case 'tombstoned':
      return {
        ...base,
        kind: 'deleted',
        title: 'Record deleted',
        detail:
          `${reason} Syncing with ${counterpart} stopped; it picks up again if the record is restored in time.`.trim(),
      };
    case 'restored':
      return {
        ...base,
        kind: 'restored',
        title: 'Record restored',
        detail: `Syncing with ${counterpart} picked up again.`,
      };
    case 'purged':
      return {
        ...base,
        kind: 'purged',
        title: 'Personal data deleted',
        detail: `A privacy deletion ended the link to ${counterpart}; it will not be linked again.`,
      };
  }
}

/** Names audit lines and link events as history entries, newest first (ties: higher id first). */
export function historyEntries(
  audit: readonly AuditFact[],
  events: readonly LinkEventFact[],
  context: HistoryContext,
): HistoryEntry[] {
  const knownEmails = new Map<string, string>();
  for (const row of audit)
    if (row.actorUserId && row.actorEmail) knownEmails.set(row.actorUserId, row.actorEmail);
  const actor = (row: AuditFact) =>
    actorOf(row.actor, { userId: row.actorUserId, email: row.actorEmail }, knownEmails);

  const entries: HistoryEntry[] = [];
  const groups = new Map<string, AuditFact[]>();
  for (const row of audit) {
    if (LEFT_OUT.has(row.action)) continue;
    if (GROUPED.has(row.action)) {
      const key = [
        row.action,
        row.correlationId ?? `row${row.id}`,
        row.linkId,
        row.direction,
        row.occurredAt,
      ].join('|');
      const group = groups.get(key) ?? [];
      group.push(row);
      groups.set(key, group);
      continue;
    }
    const entry = singleEntry(row, context, actor(row));
    if (entry) entries.push(entry);
  }
  for (const rows of groups.values()) entries.push(groupedEntry(rows, context, actor(rows[0] as AuditFact)));
  for (const event of events) {
    entries.push(linkEntry(event, actorOf(event.actor, { userId: null, email: null }, knownEmails)));
  }
  return entries.sort(newestFirst);
}

export function newestFirst(a: { at: number; id: string }, b: { at: number; id: string }): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** A page cursor: the `at` and `id` of the last entry shown, as one opaque string. */
export function historyCursor(entry: { at: number; id: string }): string {
  return `${entry.at}.${entry.id}`;
}

export function parseHistoryCursor(text: string): { at: number; id: string } | null {
  const match = /^(\d{1,16})\.([al]\d{1,20})$/.exec(text);
  return match ? { at: Number(match[1]), id: match[2] as string } : null;
}

/** Whether an entry comes after the cursor in newest-first order (so belongs on the next page). */
export function isOlderThan(entry: { at: number; id: string }, cursor: { at: number; id: string }): boolean {
  return newestFirst(cursor, entry) < 0;
}
