import {
  canMove,
  goneKind,
  reconcileStates,
  scheduledRunDue,
  unlinkedMatches,
} from '../../../src/domain/reconcile';
import { SettingsSchema } from '../../../src/domain/settings/schema';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';

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
