import {
  canMove,
  changedSinceSync,
  goneKind,
  reconcileStates,
  scheduledRunDue,
  unlinkedMatches,
} from '../../../src/domain/reconcile';
import { SettingsSchema } from '../../../src/domain/settings/schema';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import { indexOwners } from '../../../src/domain/transforms/owner';
import { REP_OWNER_ID, REP_USER_ID, activeLink, hubspotContact, salesforceRecord } from './factories';

describe('goneKind', () => {
  it.each([
    ['hubspot', true, false, null],
    ['hubspot', false, true, 'hubspot_deleted'],
    ['hubspot', false, false, 'hubspot_missing'],
    ['salesforce', true, true, null],
    ['salesforce', false, true, 'salesforce_deleted'],
    ['salesforce', false, false, 'salesforce_missing'],
  ] as const)('%s seen live %s, deleted %s → %s', (side, live, deleted, expected) => {
    expect(goneKind(side, live, deleted)).toBe(expected);
  });
});

describe('unlinkedMatches', () => {
  it('names the HubSpot records whose identity an unlinked Salesforce record shares, once each, in order', () => {
    const hubspot = new Map([
      ['a@example.com', ['12', '3']],
      ['b@example.com', ['4']],
      ['c@example.com', ['5']],
    ]);
    expect(unlinkedMatches(hubspot, new Set(['a@example.com', 'c@example.com', 'z@example.com']))).toEqual([
      '12',
      '3',
      '5',
    ]);
    expect(unlinkedMatches(hubspot, new Set())).toEqual([]);
  });
});

describe('scheduledRunDue', () => {
  const settings = SettingsSchema.parse(defaultSettingsInput);
  const day = 86_400_000;
  it.each([
    [null, 0, true],
    [0, day - 1, false],
    [0, day, true],
  ])('last started %s, now %s → %s (daily by default)', (last, now, expected) => {
    expect(scheduledRunDue(settings, last, now)).toBe(expected);
  });
  it('never when turned off, and at the interval the settings name', () => {
    const off = SettingsSchema.parse({ ...defaultSettingsInput, reconciliation: { enabled: false } });
    expect(scheduledRunDue(off, null, day * 10)).toBe(false);
    const hourly = SettingsSchema.parse({ ...defaultSettingsInput, reconciliation: { intervalHours: 1 } });
    expect(scheduledRunDue(hourly, 0, 3_600_000)).toBe(true);
  });
});

describe('report states', () => {
  it('only move forward, and a finished report never moves', () => {
    expect(canMove('requested', 'running')).toBe(true);
    expect(canMove('running', 'completed')).toBe(true);
    for (const finished of ['completed', 'incomplete', 'failed'] as const) {
      for (const to of reconcileStates) expect(canMove(finished, to)).toBe(false);
    }
  });
});

describe('reconciliation settings', () => {
  it('run daily by default, and refuse intervals outside an hour to a month', () => {
    expect(SettingsSchema.parse(defaultSettingsInput).reconciliation).toEqual({
      enabled: true,
      intervalHours: 24,
    });
    for (const intervalHours of [0, 721, 1.5]) {
      expect(
        SettingsSchema.safeParse({ ...defaultSettingsInput, reconciliation: { intervalHours } }).success,
      ).toBe(false);
    }
  });
});

describe('changedSinceSync: owners', () => {
  const settings = SettingsSchema.parse(defaultSettingsInput);
  const BRIDGE_USER_ID = '005000000000009AAA';
  const owners = indexOwners({
    hubspotOwners: [{ id: REP_OWNER_ID, email: 'rep@example.com' }],
    salesforceUsers: [
      { id: REP_USER_ID, email: 'rep@example.com', isActive: true },
      { id: BRIDGE_USER_ID, email: 'bridge@example.com', isActive: true },
      { id: '005000000000003AAA', email: 'closer@example.com', isActive: true },
    ],
  });
  const changed = (
    side: 'hubspot' | 'salesforce',
    owner: string,
    shadow: string,
    salesforceUserId: string | null = BRIDGE_USER_ID,
  ) =>
    changedSinceSync({
      settings,
      link: activeLink(),
      changed:
        side === 'hubspot'
          ? { side, record: hubspotContact({ properties: { hubspot_owner_id: owner } }) }
          : { side, record: salesforceRecord({ fields: { OwnerId: owner } }) },
      shadows: { owner: shadow },
      owners,
      salesforceUserId,
    });

  it.each([
    ['HubSpot, no owner, for one with no HubSpot owner', 'hubspot', '', 'closer@example.com', false],
    ['HubSpot, no owner, for one it has', 'hubspot', '', 'rep@example.com', true],
    ['HubSpot, an owner a person set', 'hubspot', REP_OWNER_ID, 'closer@example.com', true],
    ['HubSpot, the last synced owner', 'hubspot', REP_OWNER_ID, 'rep@example.com', false],
    [
      'Salesforce, the bridge user, for one with no Salesforce user',
      'salesforce',
      BRIDGE_USER_ID,
      'only-hubspot@example.com',
      false,
    ],
    ['Salesforce, the bridge user, for one it has', 'salesforce', BRIDGE_USER_ID, 'rep@example.com', true],
    ['Salesforce, a user a person set', 'salesforce', REP_USER_ID, 'only-hubspot@example.com', true],
  ] as const)('%s (%s, held %j, last synced %s) → changed: %s', (_, side, owner, shadow, expected) => {
    expect(changed(side, owner, shadow)).toBe(expected);
  });

  it('takes the bridge user for a change when it is not known which user the bridge acts as', () => {
    expect(changed('salesforce', BRIDGE_USER_ID, 'only-hubspot@example.com', null)).toBe(true);
  });
});
