import {
  hubspotConnectionStates,
  initialInstallationState,
  installationEvents,
  pauseOf,
  salesforceConnectionStates,
  statusOf,
  transition,
  type InstallationEvent,
  type InstallationState,
} from '../../../src/domain/installationState';

const state = (
  hubspot: InstallationState['hubspot'],
  salesforce: InstallationState['salesforce'],
  pausedByAdmin = false,
  awaitingConfirmation = false,
): InstallationState => ({
  hubspot,
  salesforce,
  awaitingConfirmation,
  pausedByAdmin,
});
const unconfirmed = (salesforce: InstallationState['salesforce'], pausedByAdmin = false) =>
  state('connected', salesforce, pausedByAdmin, true);

/** Every state the machine can reach: only a connected Salesforce side can await confirmation. */
const allStates: InstallationState[] = hubspotConnectionStates.flatMap((hubspot) =>
  salesforceConnectionStates.flatMap((salesforce) =>
    [false, true].flatMap((pausedByAdmin) => [
      state(hubspot, salesforce, pausedByAdmin),
      ...(hubspot === 'connected' && salesforce !== 'not_connected'
        ? [state(hubspot, salesforce, pausedByAdmin, true)]
        : []),
    ]),
  ),
);

describe('installation state machine', () => {
  it.each<[string, InstallationState, InstallationEvent, InstallationState]>([
    [
      'first Salesforce connection',
      state('connected', 'not_connected'),
      'salesforce_connected',
      state('connected', 'connected'),
    ],
    [
      'a refused Salesforce refresh',
      state('connected', 'connected'),
      'salesforce_refresh_failed',
      state('connected', 'needs_reauth'),
    ],
    [
      'reconnecting after needs_reauth',
      state('connected', 'needs_reauth'),
      'salesforce_connected',
      state('connected', 'connected'),
    ],
    [
      'a fresh Salesforce login while connected',
      state('connected', 'connected'),
      'salesforce_connected',
      state('connected', 'connected'),
    ],
    [
      'disconnecting Salesforce',
      state('connected', 'connected'),
      'salesforce_disconnected',
      state('connected', 'not_connected'),
    ],
    [
      'disconnecting while needs_reauth',
      state('connected', 'needs_reauth'),
      'salesforce_disconnected',
      state('connected', 'not_connected'),
    ],
    [
      'HubSpot refusing the refresh token',
      state('connected', 'connected'),
      'hubspot_refresh_refused',
      state('uninstalled', 'not_connected'),
    ],
    [
      'reinstalling after uninstall',
      state('uninstalled', 'not_connected'),
      'hubspot_installed',
      state('connected', 'not_connected'),
    ],
    [
      'reinstalling keeps Salesforce',
      state('connected', 'connected'),
      'hubspot_installed',
      state('connected', 'connected'),
    ],
    [
      'admin pause',
      state('connected', 'connected'),
      'paused_by_admin',
      state('connected', 'connected', true),
    ],
    [
      'admin resume',
      state('connected', 'connected', true),
      'resumed_by_admin',
      state('connected', 'connected'),
    ],
    [
      'a connection from a link any browser could open',
      state('connected', 'not_connected'),
      'salesforce_connected_unconfirmed',
      unconfirmed('connected'),
    ],
    [
      'a reconnect from such a link after needs_reauth',
      state('connected', 'needs_reauth'),
      'salesforce_connected_unconfirmed',
      unconfirmed('connected'),
    ],
    [
      'confirming it, keeping an admin pause',
      unconfirmed('connected', true),
      'salesforce_connection_confirmed',
      state('connected', 'connected', true),
    ],
    [
      "the installer's own reconnect, which confirms it",
      unconfirmed('connected'),
      'salesforce_connected',
      state('connected', 'connected'),
    ],
    [
      'disconnecting it before confirmation',
      unconfirmed('connected'),
      'salesforce_disconnected',
      state('connected', 'not_connected'),
    ],
    [
      'a refused refresh before confirmation, which keeps it waiting',
      unconfirmed('connected'),
      'salesforce_refresh_failed',
      unconfirmed('needs_reauth'),
    ],
  ])('allows %s', (_name, from, event, to) => {
    expect(transition(from, event)).toEqual({ ok: true, state: to });
  });

  it.each<[string, InstallationState, InstallationEvent]>([
    [
      'connecting Salesforce to an uninstalled portal',
      state('uninstalled', 'not_connected'),
      'salesforce_connected',
    ],
    [
      'a refresh failure with nothing connected',
      state('connected', 'not_connected'),
      'salesforce_refresh_failed',
    ],
    ['a second refresh failure', state('connected', 'needs_reauth'), 'salesforce_refresh_failed'],
    ['disconnecting twice', state('connected', 'not_connected'), 'salesforce_disconnected'],
    ['uninstalling twice', state('uninstalled', 'not_connected'), 'hubspot_refresh_refused'],
    ['pausing an uninstalled portal', state('uninstalled', 'not_connected'), 'paused_by_admin'],
    [
      'confirming a connection that needs none',
      state('connected', 'connected'),
      'salesforce_connection_confirmed',
    ],
    [
      'confirming with nothing connected',
      state('connected', 'not_connected'),
      'salesforce_connection_confirmed',
    ],
    [
      'confirming a connection Salesforce refused since',
      unconfirmed('needs_reauth'),
      'salesforce_connection_confirmed',
    ],
  ])('rejects %s and says why', (_name, from, event) => {
    const result = transition(from, event);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain(event);
      expect(result.from).toEqual(from);
    }
  });

  it('never produces a Salesforce connection on an uninstalled portal, from any state and event', () => {
    for (const from of allStates) {
      for (const event of installationEvents) {
        const result = transition(from, event);
        if (result.ok && result.state.hubspot === 'uninstalled') {
          expect(result.state.salesforce).toBe('not_connected');
        }
      }
    }
  });

  it('pauses sync for the most fundamental reason and runs only when both sides are connected', () => {
    expect(pauseOf(state('connected', 'connected'))).toEqual({ syncPaused: false, pauseReason: null });
    expect(pauseOf(initialInstallationState)).toEqual({
      syncPaused: true,
      pauseReason: 'salesforce_not_connected',
    });
    expect(pauseOf(state('connected', 'needs_reauth', true)).pauseReason).toBe('salesforce_needs_reauth');
    expect(pauseOf(state('connected', 'connected', true)).pauseReason).toBe('paused_by_admin');
    expect(pauseOf(state('uninstalled', 'not_connected', true)).pauseReason).toBe('hubspot_uninstalled');
    expect(pauseOf(unconfirmed('connected'))).toEqual({
      syncPaused: true,
      pauseReason: 'awaiting_connection_confirmation',
    });
    expect(pauseOf(unconfirmed('connected', true)).pauseReason).toBe('awaiting_connection_confirmation');
    expect(pauseOf(unconfirmed('needs_reauth')).pauseReason).toBe('salesforce_needs_reauth');
  });

  it('never runs sync on a connection that still awaits confirmation, from any state and event', () => {
    for (const from of allStates) {
      for (const event of installationEvents) {
        const result = transition(from, event);
        if (result.ok && result.state.awaitingConfirmation) {
          expect(pauseOf(result.state).syncPaused).toBe(true);
          expect(result.state.salesforce).not.toBe('not_connected');
        }
      }
    }
  });

  it('keeps an admin pause across a reconnect', () => {
    const failed = transition(state('connected', 'connected', true), 'salesforce_refresh_failed');
    if (!failed.ok) throw new Error(failed.reason);
    const reconnected = transition(failed.state, 'salesforce_connected');
    if (!reconnected.ok) throw new Error(reconnected.reason);
    expect(pauseOf(reconnected.state)).toEqual({ syncPaused: true, pauseReason: 'paused_by_admin' });
  });

  it('summarizes each combination as one status', () => {
    expect(statusOf(state('connected', 'not_connected'))).toBe('awaiting_salesforce');
    expect(statusOf(state('connected', 'connected'))).toBe('active');
    expect(statusOf(state('connected', 'needs_reauth'))).toBe('needs_reauth');
    expect(statusOf(state('uninstalled', 'not_connected'))).toBe('uninstalled');
  });
});
