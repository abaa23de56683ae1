/**
 * link_events: the history of each link (created, tombstoned, restored, merged, superseded, purged), written
 * by links.ts in the same transaction as the change it describes.
 */
import { z } from 'zod';
import { linkStates, type LinkState } from '../domain/linkStates';
import { parseRow, type Queryable } from './support';

export const LINK_EVENTS = 'link_events';

export const linkEventKinds = [
  'created',
  'tombstoned',
  'restored',
  'merged',
  'superseded',
  'duplicate',
  'purged',
] as const;
export type LinkEventKind = (typeof linkEventKinds)[number];

export interface LinkEventRow {
  id: number;
  installation_id: string;
  link_id: string;
  event: string;
  from_state: string | null;
  to_state: string;
  related_link_id: string | null;
  reason: string;
  actor: string;
  correlation_id: string | null;
  occurred_at: number;
}

const LinkEventSchema = z.object({
  id: z.number(),
  installationId: z.string(),
  linkId: z.string(),
  event: z.enum(linkEventKinds),
  fromState: z.enum(linkStates).nullable(),
  toState: z.enum(linkStates),
  /**
   * The surviving link (merged), the successor (superseded), the other HubSpot record's link that holds the
   * converted Contact (duplicate) or the predecessor (created by conversion).
   */
  relatedLinkId: z.string().nullable(),
  reason: z.string(),
  actor: z.string(),
  correlationId: z.string().nullable(),
  occurredAt: z.number(),
});
export type LinkEvent = z.infer<typeof LinkEventSchema>;

export function fromRow(row: LinkEventRow): LinkEvent {
  return parseRow(
    LinkEventSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      linkId: row.link_id,
      event: row.event,
      fromState: row.from_state,
      toState: row.to_state,
      relatedLinkId: row.related_link_id,
      reason: row.reason,
      actor: row.actor,
      correlationId: row.correlation_id,
      occurredAt: row.occurred_at,
    },
    LINK_EVENTS,
  );
}

export type NewLinkEvent = Omit<LinkEvent, 'id'>;

/** Who asked for a change and why; stored with the link event. */
export interface ChangeContext {
  now: number;
  actor: string;
  reason: string;
  correlationId?: string | null;
}

export function build(
  installationId: string,
  linkId: string,
  kind: LinkEventKind,
  fromState: LinkState | null,
  toState: LinkState,
  relatedLinkId: string | null,
  context: ChangeContext,
): NewLinkEvent {
  return {
    installationId,
    linkId,
    event: kind,
    fromState,
    toState,
    relatedLinkId,
    reason: context.reason,
    actor: context.actor,
    correlationId: context.correlationId ?? null,
    occurredAt: context.now,
  };
}

export async function append(db: Queryable, event: NewLinkEvent): Promise<void> {
  await db<LinkEventRow>(LINK_EVENTS).insert({
    installation_id: event.installationId,
    link_id: event.linkId,
    event: event.event,
    from_state: event.fromState,
    to_state: event.toState,
    related_link_id: event.relatedLinkId,
    reason: event.reason,
    actor: event.actor,
    correlation_id: event.correlationId,
    occurred_at: event.occurredAt,
  });
}

/** A link's history, oldest first. */
export async function listForLink(
  db: Queryable,
  installationId: string,
  linkId: string,
): Promise<LinkEvent[]> {
  const rows = await db<LinkEventRow>(LINK_EVENTS)
    .where({ installation_id: installationId, link_id: linkId })
    .orderBy('id', 'asc');
  return rows.map(fromRow);
}
