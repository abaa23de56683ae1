import {
  recordSummary,
  recordSyncStates,
  type RecordSummaryFacts,
  type RecordSyncState,
} from '../../../src/domain/recordSummary';

const base: RecordSummaryFacts = {
  installation: {
    hubspot: 'connected',
    salesforce: 'connected',
    awaitingConfirmation: false,
    pausedByAdmin: false,
  },
  link: { state: 'active', tombstonedSide: null },
  salesforceObject: 'Contact',
  pendingMatch: false,
  openConflicts: 0,
  unresolvedFailures: 0,
  queued: false,
  graceDays: 30,
};

const facts = (patch: Partial<RecordSummaryFacts>): RecordSummaryFacts => ({ ...base, ...patch });
const everything = facts({
  link: { state: 'tombstoned', tombstonedSide: 'salesforce' },
  pendingMatch: true,
  openConflicts: 2,
  unresolvedFailures: 1,
  queued: true,
});

describe('the state on a record card', () => {
  it.each<[string, RecordSummaryFacts, RecordSyncState]>([
    ['a linked record with nothing going on', base, 'in_sync'],
    ['a linked record waiting in the queue', facts({ queued: true }), 'syncing'],
    ['a record with no link', facts({ link: null, salesforceObject: null }), 'not_linked'],
    ['a record with no link, queued', facts({ link: null, queued: true }), 'syncing'],
    [
      'a record whose only link ended in a merge',
      facts({ link: { state: 'merged', tombstonedSide: null } }),
      'not_linked',
    ],
    [
      'a record whose HubSpot side was deleted',
      facts({ link: { state: 'tombstoned', tombstonedSide: 'hubspot' } }),
      'not_linked',
    ],
    ['a linked record with a failure', facts({ unresolvedFailures: 1, queued: true }), 'error'],
    [
      'a linked record with a conflict and a failure',
      facts({ openConflicts: 1, unresolvedFailures: 1 }),
      'conflict',
    ],
    [
      'a record waiting for a person to pick a match',
      facts({ link: null, pendingMatch: true, unresolvedFailures: 1 }),
      'waiting_for_person',
    ],
    [
      'a record whose Salesforce record was deleted',
      facts({ link: { state: 'tombstoned', tombstonedSide: 'salesforce' }, queued: true }),
      'deleted_in_salesforce',
    ],
    ['everything at once, while running', everything, 'deleted_in_salesforce'],
    [
      'everything at once, paused',
      { ...everything, installation: { ...base.installation, pausedByAdmin: true } },
      'paused',
    ],
    [
      'everything at once, with a connection not yet confirmed',
      { ...everything, installation: { ...base.installation, awaitingConfirmation: true } },
      'paused',
    ],
    [
      'Salesforce needing a reconnect, even when paused',
      {
        ...everything,
        installation: {
          hubspot: 'connected',
          salesforce: 'needs_reauth',
          awaitingConfirmation: true,
          pausedByAdmin: true,
        },
      },
      'not_connected',
    ],
    [
      'Salesforce not connected',
      facts({ installation: { ...base.installation, salesforce: 'not_connected' } }),
      'not_connected',
    ],
    [
      'the app uninstalled',
      facts({ installation: { ...base.installation, hubspot: 'uninstalled', salesforce: 'not_connected' } }),
      'not_connected',
    ],
  ])('%s → %s', (_case, input, state) => {
    expect(recordSummary(input).state).toBe(state);
  });

  it.each<[RecordSyncState, RecordSummaryFacts, string]>([
    ['in_sync', base, 'In sync'],
    ['syncing', facts({ queued: true }), 'Syncing'],
    ['conflict', facts({ openConflicts: 1 }), 'Conflict'],
    ['error', facts({ unresolvedFailures: 1 }), 'Error'],
    ['not_linked', facts({ link: null }), 'Not linked'],
    ['waiting_for_person', facts({ pendingMatch: true }), 'Waiting for a person'],
    [
      'waiting_for_person',
      facts({ link: null, pendingMatch: true, possibleDuplicate: true }),
      'Waiting for a person',
    ],
    [
      'deleted_in_salesforce',
      facts({ link: { state: 'tombstoned', tombstonedSide: 'salesforce' } }),
      'Deleted in Salesforce',
    ],
    ['paused', facts({ installation: { ...base.installation, pausedByAdmin: true } }), 'Paused'],
    ['paused', facts({ installation: { ...base.installation, awaitingConfirmation: true } }), 'Paused'],
    [
      'not_connected',
      facts({ installation: { ...base.installation, salesforce: 'not_connected' } }),
      'Not connected',
    ],
  ])('%s reads "%s", with a plain sentence for a rep', (state, input, title) => {
    const summary = recordSummary(input);
    expect(summary).toMatchObject({ state, title });
    expect(summary.message).toMatch(/^[A-Z0-9].*\.$/);
    expect(summary.message).not.toMatch(/undefined|null|NaN/);
  });

  it('covers every state in the table above', () => {
    expect(recordSyncStates).toHaveLength(9);
  });

  it('says what to do about a possible duplicate: merge in HubSpot', () => {
    expect(recordSummary(facts({ pendingMatch: true, possibleDuplicate: true })).message).toContain(
      'merge them in HubSpot',
    );
    expect(recordSummary(facts({ pendingMatch: true })).message).toContain('pick the right record');
  });

  it('names the Salesforce object, the grace period, the number of conflicts and a needed reconnect', () => {
    expect(recordSummary(facts({ salesforceObject: 'Lead' })).message).toContain('Salesforce Lead');
    expect(
      recordSummary(facts({ link: { state: 'tombstoned', tombstonedSide: 'salesforce' }, graceDays: 14 }))
        .message,
    ).toContain('within 14 days');
    expect(recordSummary(facts({ openConflicts: 3 })).message).toMatch(/^3 fields/);
    expect(
      recordSummary(facts({ installation: { ...base.installation, salesforce: 'needs_reauth' } })).message,
    ).toMatch(/expired.*reconnect/);
    expect(
      recordSummary(facts({ installation: { ...base.installation, awaitingConfirmation: true } })).message,
    ).toMatch(/waits for an admin to confirm/);
  });

  it('stays in sync with associations waiting for their records, and says how many', () => {
    expect(recordSummary(facts({ waitingAssociations: 1 }))).toMatchObject({
      state: 'in_sync',
      message: expect.stringContaining('except for an associated record not synced yet'),
    });
    expect(recordSummary(facts({ waitingAssociations: 2 })).message).toContain(
      'except for 2 associated records not synced yet',
    );
    expect(recordSummary(facts({ waitingAssociations: 0 })).message).not.toContain('except');
  });
});
