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
): InstallationState => ({
  hubspot,
  salesforce,
  pausedByAdmin,
});

const allStates: InstallationState[] = hubspotConnectionStates.flatMap((hubspot) =>
  salesforceConnectionStates.flatMap((salesforce) => [
    state(hubspot, salesforce),
    state(hubspot, salesforce, true),
  ]),
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
