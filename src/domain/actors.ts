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
