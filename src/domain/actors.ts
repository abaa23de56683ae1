/**
 * Who did something. The bridge acts on its own (`bridge`); a person acts through the record card or the
 * settings page, and HubSpot's signing proxy names them (user id and email); the bridge's operator acts
 * from the operator dashboard (/ops), signed in with the operator token, which names nobody (`operator`).
 * Stored with every audit line and shown in a record's history.
 */

/** A person in the HubSpot portal, as the signed request names them. Either may be missing. */
export interface HubSpotPerson {
  readonly userId: string | null;
  readonly email: string | null;
}

/** How a person is named to other people: their email, else their user id. */
export function personName(person: HubSpotPerson): string {
  if (person.email) return person.email;
  return person.userId ? `HubSpot user ${person.userId}` : 'a HubSpot user';
}

/** The bridge's operator, acting from the dashboard: not a person of any portal. */
export interface Operator {
  readonly kind: 'operator';
}

export const OPERATOR: Operator = { kind: 'operator' };

/** The `actor` of the operator's audit lines. */
export const OPERATOR_ACTOR_ID = 'operator';

/** Who asked for an action: a person in the portal (card, settings page) or the operator (dashboard). */
export type Requester = HubSpotPerson | Operator;

export function isOperator(requester: Requester): requester is Operator {
  return 'kind' in requester && requester.kind === 'operator';
}

/** The `actor` stored with an audit line or link event: `hubspot-user:<id>`. */
export function personActorId(person: HubSpotPerson): string {
  return person.userId ? `hubspot-user:${person.userId}` : 'hubspot-user';
}

/** What a person can do through the card or the settings page, as the audit log names it. */
export const personActions = [
  'sync_now_requested',
  'conflict_value_chosen',
  'match_answered',
  'retry_requested',
  'sync_paused',
  'sync_resumed',
  'settings_saved',
  'salesforce_connect_link_created',
  'salesforce_connection_confirmed',
  'salesforce_disconnected',
  'deletes_released',
  'deletes_discarded',
  'link_restored_by_admin',
  'reconciliation_requested',
] as const;
export type PersonAction = (typeof personActions)[number];

/** The `actor` of a write a Salesforce user's change caused: `salesforce-user:<id>`. */
export function salesforceUserActorId(userId: string): string {
  return `salesforce-user:${userId}`;
}

/**
 * The HubSpot user behind a webhook event: HubSpot names a change made in its UI `changeSource: CRM_UI` with
 * `sourceId: userId:<id>`. Anything else (an integration, an import, a workflow) names no user.
 */
export function hubspotUserOfEvent(event: {
  changeSource?: string | undefined;
  sourceId?: string | undefined;
}): string | null {
  return /^userId:(\d+)$/.exec(event.sourceId ?? '')?.[1] ?? null;
}

/** Who a sync write is recorded under: `bridge`, or the person whose change it carries. */
export interface WriteActor {
  readonly actor: string;
  readonly actorUserId: string | null;
  readonly actorEmail: string | null;
}

export const BRIDGE_WRITE_ACTOR: WriteActor = { actor: 'bridge', actorUserId: null, actorEmail: null };

/**
 * The person whose change a write carries to the other system: for a write to Salesforce, the HubSpot user
 * the change's webhook named (none for a change a poll found: the search does not say who); for a write to
 * HubSpot, the Salesforce user who last modified the record (`LastModifiedById`), unless that is the bridge's
 * own integration user. Anything else is the bridge's own doing.
 */
export function writeActorOf(args: {
  readonly direction: 'to_hubspot' | 'to_salesforce' | 'none';
  readonly hubspotUserId: string | null;
  readonly salesforceUserId: string | null;
  readonly integrationUserId: string | null;
  readonly salesforceEmailOf: (userId: string) => string | null;
}): WriteActor {
  if (args.direction === 'to_salesforce' && args.hubspotUserId) {
    return { actor: `hubspot-user:${args.hubspotUserId}`, actorUserId: args.hubspotUserId, actorEmail: null };
  }
  const salesforceUser = args.salesforceUserId;
  if (
    args.direction === 'to_hubspot' &&
    salesforceUser &&
    salesforceUser.slice(0, 15) !== args.integrationUserId?.slice(0, 15)
  ) {
    return {
      actor: salesforceUserActorId(salesforceUser),
      actorUserId: salesforceUser,
      actorEmail: args.salesforceEmailOf(salesforceUser),
    };
  }
  return BRIDGE_WRITE_ACTOR;
}

/**
 * The person who chose a conflict's value, for the lines of the write that carries it out: a conflict records
 * them as `personName` does (their email, else `HubSpot user <id>`).
 */
export function resolverActorOf(resolvedBy: string): WriteActor {
  const userId = /^HubSpot user (\d+)$/.exec(resolvedBy)?.[1] ?? null;
  if (userId) return { actor: `hubspot-user:${userId}`, actorUserId: userId, actorEmail: null };
  if (resolvedBy.includes('@')) return { actor: 'hubspot-user', actorUserId: null, actorEmail: resolvedBy };
  return BRIDGE_WRITE_ACTOR;
}
