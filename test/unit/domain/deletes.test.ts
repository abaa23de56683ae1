import {
  brakeThreshold,
  decideBrake,
  decideExpiry,
  graceEndsAtMs,
  salesforceDeleteFlagOf,
} from '../../../src/domain/deletes';
import { SettingsSchema } from '../../../src/domain/settings/schema';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';

const settings = (deletes: Record<string, unknown> = {}) =>
  SettingsSchema.parse({ ...defaultSettingsInput, deletes });

describe('deletes', () => {
  it('uses the standard Salesforce checkbox by default, a named one, or none when turned off', () => {
    expect(salesforceDeleteFlagOf(settings())).toBe('HubSpot_Deleted__c');
    expect(salesforceDeleteFlagOf(settings({ salesforceFlagField: 'Gone__c' }))).toBe('Gone__c');
    expect(salesforceDeleteFlagOf(settings({ salesforceFlag: 'off', salesforceFlagField: 'Gone__c' }))).toBe(
      null,
    );
  });

  it('reads stored settings written before the brake and the flag switch existed', () => {
    const stored = settings({ policy: 'keep_flagged', graceDays: 30, salesforceFlagField: null });
    expect(stored.deletes).toMatchObject({
      salesforceFlag: 'when_present',
      brake: { maxPerHour: 50, linkedPercent: 5, minPerHour: 10 },
    });
  });

  it.each([
    // maxPerHour, percent, floor, linked → threshold
    [50, 5, 10, 0, 10],
    [50, 5, 10, 100, 10],
    [50, 5, 10, 400, 20],
    [50, 5, 10, 10_000, 50],
    [50, 5, 100, 10_000, 100],
    [20, 50, 1, 30, 15],
  ])(
    'brake threshold: max %i, %i%%, floor %i, %i linked → %i',
    (maxPerHour, linkedPercent, minPerHour, linked, expected) => {
      expect(brakeThreshold({ maxPerHour, linkedPercent, minPerHour }, linked)).toBe(expected);
    },
  );

  it.each([
    [{ handledInWindow: 0, arriving: 0, held: 3, threshold: 10 }, 'pass'],
    [{ handledInWindow: 0, arriving: 10, held: 0, threshold: 10 }, 'pass'],
    [{ handledInWindow: 5, arriving: 6, held: 0, threshold: 10 }, 'hold'],
    [{ handledInWindow: 0, arriving: 1, held: 1, threshold: 10 }, 'hold'],
  ] as const)('brake decision %o → %s', (facts, kind) => {
    expect(decideBrake(facts).kind).toBe(kind);
  });

  it('keeps, archives, or refuses to archive a counterpart with open deals', () => {
    expect(decideExpiry({ policy: 'keep_flagged', counterpartExists: true, openDeals: 0 }).outcome).toBe(
      'kept',
    );
    expect(
      decideExpiry({ policy: 'archive_counterpart', counterpartExists: true, openDeals: 0 }).outcome,
    ).toBe('archived');
    expect(
      decideExpiry({ policy: 'archive_counterpart', counterpartExists: true, openDeals: 2 }).outcome,
    ).toBe('kept_open_deals');
    expect(
      decideExpiry({ policy: 'archive_counterpart', counterpartExists: false, openDeals: 0 }).outcome,
    ).toBe('kept_gone');
    expect(graceEndsAtMs(1_000, 30)).toBe(1_000 + 30 * 86_400_000);
  });
});
