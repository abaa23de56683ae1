/**
 * An installation's lifecycle, as data: one state per side, plus the admin's own pause.
 *
 *   HubSpot side
 *     connected ──hubspot_refresh_refused──► uninstalled ──hubspot_installed──► connected
 *     connected ──hubspot_installed (reinstall: new tokens)──► connected
 *
 *   Salesforce side (every move requires the HubSpot side to be connected)
 *     not_connected ──salesforce_connected──► connected ──salesforce_refresh_failed──► needs_reauth
 *     needs_reauth ──salesforce_connected──► connected            (reconnect resumes)
 *     connected | needs_reauth ──salesforce_disconnected──► not_connected
 *     connected ──salesforce_connected──► connected                (a fresh login replaces the tokens)
 *     any ──hubspot_refresh_refused──► not_connected                (uninstalled: every token is deleted)
 *
 *   Confirmation of a Salesforce connection (a flag next to the Salesforce side)
 *     any Salesforce state ──salesforce_connected_unconfirmed──► connected, awaiting confirmation
 *     connected, awaiting ──salesforce_connection_confirmed──► connected, confirmed
 *     awaiting ──salesforce_connected | salesforce_disconnected | hubspot_refresh_refused──► not awaiting
 *
 * A connection made in the installer's own browser right after the install is confirmed by being made
 * (`salesforce_connected`); one made from a link that may have travelled to another browser
 * (`salesforce_connected_unconfirmed`) waits until a settings manager confirms it in HubSpot.
 *
 * Sync runs only when both sides are connected, the connection is confirmed and the admin has not paused it.
 * The derived status and pause reason are stored next to the states so the queue and the operator dashboard
 * can filter on them.
 */

export const hubspotConnectionStates = ['connected', 'uninstalled'] as const;
export type HubSpotConnectionState = (typeof hubspotConnectionStates)[number];

export const salesforceConnectionStates = ['not_connected', 'connected', 'needs_reauth'] as const;
export type SalesforceConnectionState = (typeof salesforceConnectionStates)[number];

/** The one-word summary an operator filters on. */
export const installationStatuses = ['awaiting_salesforce', 'active', 'needs_reauth', 'uninstalled'] as const;
export type InstallationStatus = (typeof installationStatuses)[number];

/** Why sync is not running, most fundamental first. */
export const pauseReasons = [
  'hubspot_uninstalled',
  'salesforce_not_connected',
  'salesforce_needs_reauth',
  'awaiting_connection_confirmation',
  'paused_by_admin',
] as const;
export type PauseReason = (typeof pauseReasons)[number];

export const installationEvents = [
  'hubspot_installed',
  'hubspot_refresh_refused',
  'salesforce_connected',
  'salesforce_connected_unconfirmed',
  'salesforce_connection_confirmed',
  'salesforce_refresh_failed',
  'salesforce_disconnected',
  'paused_by_admin',
  'resumed_by_admin',
] as const;
export type InstallationEvent = (typeof installationEvents)[number];

export interface InstallationState {
  hubspot: HubSpotConnectionState;
  salesforce: SalesforceConnectionState;
  /** The Salesforce connection was made from a link that could have been opened by anyone: not yet confirmed. */
  awaitingConfirmation: boolean;
  pausedByAdmin: boolean;
}

interface TransitionRule {
  event: InstallationEvent;
  /** Legal starting points; a state not matched by any rule for the event is an illegal move. */
  from: {
    hubspot?: readonly HubSpotConnectionState[];
    salesforce?: readonly SalesforceConnectionState[];
    awaitingConfirmation?: readonly boolean[];
  };
  to: Partial<InstallationState>;
}

const transitionRules: readonly TransitionRule[] = [
  {
    event: 'hubspot_installed',
    from: { hubspot: ['connected', 'uninstalled'] },
    to: { hubspot: 'connected' },
  },
  {
    event: 'hubspot_refresh_refused',
    from: { hubspot: ['connected'] },
    to: { hubspot: 'uninstalled', salesforce: 'not_connected', awaitingConfirmation: false },
  },
  {
    event: 'salesforce_connected',
    from: { hubspot: ['connected'], salesforce: ['not_connected', 'connected', 'needs_reauth'] },
    to: { salesforce: 'connected', awaitingConfirmation: false },
  },
  {
    event: 'salesforce_connected_unconfirmed',
    from: { hubspot: ['connected'], salesforce: ['not_connected', 'connected', 'needs_reauth'] },
    to: { salesforce: 'connected', awaitingConfirmation: true },
  },
  {
    event: 'salesforce_connection_confirmed',
    from: { hubspot: ['connected'], salesforce: ['connected'], awaitingConfirmation: [true] },
    to: { awaitingConfirmation: false },
  },
  {
    event: 'salesforce_refresh_failed',
    from: { hubspot: ['connected'], salesforce: ['connected'] },
    to: { salesforce: 'needs_reauth' },
  },
  {
    event: 'salesforce_disconnected',
    from: { hubspot: ['connected'], salesforce: ['connected', 'needs_reauth'] },
    to: { salesforce: 'not_connected', awaitingConfirmation: false },
  },
  { event: 'paused_by_admin', from: { hubspot: ['connected'] }, to: { pausedByAdmin: true } },
  { event: 'resumed_by_admin', from: { hubspot: ['connected'] }, to: { pausedByAdmin: false } },
];

/** The state right after a portal's first install. */
export const initialInstallationState: InstallationState = {
  hubspot: 'connected',
  salesforce: 'not_connected',
  awaitingConfirmation: false,
  pausedByAdmin: false,
};

export type TransitionResult =
  | { ok: true; state: InstallationState }
  | { ok: false; reason: string; from: InstallationState; event: InstallationEvent };

/** Applies one event; an event that makes no sense from the current state is rejected, never guessed. */
export function transition(state: InstallationState, event: InstallationEvent): TransitionResult {
  const rule = transitionRules.find(
    (candidate) =>
      candidate.event === event &&
      (candidate.from.hubspot?.includes(state.hubspot) ?? true) &&
      (candidate.from.salesforce?.includes(state.salesforce) ?? true) &&
      (candidate.from.awaitingConfirmation?.includes(state.awaitingConfirmation) ?? true),
  );
  if (!rule) {
    return {
      ok: false,
      event,
      from: state,
      reason:
        `"${event}" is not allowed while HubSpot is ${state.hubspot} and Salesforce is ${state.salesforce}` +
        (state.awaitingConfirmation ? ' (awaiting confirmation)' : ''),
    };
  }
  return { ok: true, state: { ...state, ...rule.to } };
}

/** Whether an event is legal from a state, without applying it. */
export function canTransition(state: InstallationState, event: InstallationEvent): boolean {
  return transition(state, event).ok;
}

export function statusOf(state: InstallationState): InstallationStatus {
  if (state.hubspot === 'uninstalled') return 'uninstalled';
  switch (state.salesforce) {
    case 'not_connected':
      return 'awaiting_salesforce';
    case 'needs_reauth':
      return 'needs_reauth';
    case 'connected':
      return 'active';
  }
}

/** Sync pauses for the most fundamental reason first; queued work is kept while paused. */
export function pauseOf(state: InstallationState): { syncPaused: boolean; pauseReason: PauseReason | null } {
  const reason: PauseReason | null =
    state.hubspot === 'uninstalled'
      ? 'hubspot_uninstalled'
      : state.salesforce === 'not_connected'
        ? 'salesforce_not_connected'
        : state.salesforce === 'needs_reauth'
          ? 'salesforce_needs_reauth'
          : state.awaitingConfirmation
            ? 'awaiting_connection_confirmation'
            : state.pausedByAdmin
              ? 'paused_by_admin'
              : null;
  return { syncPaused: reason !== null, pauseReason: reason };
}
