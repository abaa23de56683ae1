/**
 * Seeded random sequences of edits on both sides, syncs (some with a failed write) and conflict
 * resolutions, run through the planner and a tiny model of the two CRMs. Checked at every sync:
 * - the echo of what was written plans no write (no ping-pong);
 * - each field ends where its rule says (no edit lost unless the rule gives the other side the field);
 * and at the end, with no more edits: both sides equal for every synced field, except a `review` field
 * waiting for a person, or an owner-rule field whose owner has been blank since the link was made.
 */
import fc from 'fast-check';
import type { SyncPlan } from '../../../src/domain/planner';
import type { Link } from '../../../src/domain/records';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { OwnershipRule, Settings, SettingsInput } from '../../../src/domain/settings/schema';
import { SettingsSchema, ownershipRules } from '../../../src/domain/settings/schema';
import type { CanonicalValue, FieldTransform } from '../../../src/domain/transforms/canonical';
import { canonicalEquals } from '../../../src/domain/transforms/canonical';
import { createTransform } from '../../../src/domain/transforms/index';
import { TwoCrms } from './crmModel';
import { REP_USER_ID, activeLink, hubspotContact, owners, salesforceRecord } from './factories';
import { customFields } from './syncFixtures';

const SEED = 424242;
const RUNS = 300;

interface FieldSpec {
  readonly key: string;
  readonly property: string;
  readonly field: string;
  readonly hubspotValues: readonly (string | null)[];
  readonly salesforceValues: readonly unknown[];
}

const BOSS_USER_ID = '005000000000002AAA';

/** Value pools mix spellings of one value, so a re-typed value must not count as a change. */
const fields: readonly FieldSpec[] = [
  {
    key: 'firstname',
    property: 'firstname',
    field: 'FirstName',
    hubspotValues: ['Ana', ' Ana ', 'Anna', 'Bo', ''],
    salesforceValues: ['Ana', 'Anna', 'Bo', null],
  },
  {
    key: 'email',
    property: 'email',
    field: 'Email',
    hubspotValues: ['a@x.com', 'A@X.com ', 'b@x.com', ''],
    salesforceValues: ['a@x.com', 'B@x.com', null],
  },
  {
    key: 'phone',
    property: 'phone',
    field: 'Phone',
    hubspotValues: ['(415) 555-2671', '+14155552671', '+1 415 555 0199', 'n/a', ''],
    salesforceValues: ['+1 (415) 555-2671', '415.555.0199', null],
  },
  {
    key: 'score',
    property: 'score',
    field: 'Score__c',
    hubspotValues: ['1', '1.0', '2.5', '0.30000000000000004', ''],
    salesforceValues: [1, 2.5, 0.1 + 0.2, null],
  },
  {
    key: 'birthday',
    property: 'birthday',
    field: 'Birthdate__c',
    hubspotValues: ['2000-01-01', String(Date.UTC(2000, 0, 1)), '1999-12-31', ''],
    salesforceValues: ['2000-01-01', '1999-12-31', null],
  },
  {
    key: 'last_meeting',
    property: 'last_meeting',
    field: 'Last_Meeting__c',
    hubspotValues: [
      String(Date.UTC(2026, 0, 1)),
      '2026-01-01T00:00:00.000Z',
      String(Date.UTC(2026, 1, 1, 9)),
      '',
    ],
    salesforceValues: ['2026-01-01T00:00:00.000+0000', '2026-02-01T09:00:00.000+0000', null],
  },
  {
    key: 'lifecyclestage',
    property: 'lifecyclestage',
    field: 'Status',
    hubspotValues: ['lead', 'subscriber', 'salesqualifiedlead', 'other', ''],
    salesforceValues: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted', null],
  },
  {
    key: 'interests',
    property: 'interests',
    field: 'Interests__c',
    hubspotValues: ['sailing', 'sailing;chess', 'chess; Sailing', ''],
    salesforceValues: ['Sailing', 'Chess;Sailing', null],
  },
  {
    key: 'owner',
    property: 'hubspot_owner_id',
    field: 'OwnerId',
    hubspotValues: ['101', '102'],
    salesforceValues: [REP_USER_ID, BOSS_USER_ID],
  },
  {
    key: 'email_opt_out',
    property: 'hs_email_optout',
    field: 'HasOptedOutOfEmail',
    hubspotValues: ['true', 'false', ''],
    salesforceValues: [true, false],
  },
];

function settingsFor(rules: readonly OwnershipRule[]): Settings {
  const document: SettingsInput = structuredClone(defaultSettingsInput);
  const contacts = document.objects.contacts;
  contacts.fields.push(...structuredClone(customFields));
  contacts.fields = fields.map((spec, index) => {
    const mapping = contacts.fields.find((candidate) => candidate.key === spec.key);
    if (!mapping) throw new Error(spec.key);
    return { ...mapping, rule: rules[index] ?? 'two_way' };
  });
  return SettingsSchema.parse(document);
}

type Op =
  | { kind: 'edit_hubspot'; field: number; value: number; afterMs: number }
  | { kind: 'edit_salesforce'; field: number; value: number; afterMs: number }
  | { kind: 'sync' }
  | { kind: 'sync_with_failed_write'; side: 'hubspot' | 'salesforce' }
  | { kind: 'resolve'; keep: 'hubspot' | 'salesforce' };

const fieldIndex = fc.nat({ max: fields.length - 1 });
/** Often no time at all between edits, so equal timestamps (a tie) come up. */
const gapMs = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('edit_hubspot' as const),
      field: fieldIndex,
      value: fc.nat(),
      afterMs: gapMs,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('edit_salesforce' as const),
      field: fieldIndex,
      value: fc.nat(),
      afterMs: gapMs,
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'sync' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('sync_with_failed_write' as const),
      side: fc.constantFrom('hubspot' as const, 'salesforce' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('resolve' as const),
      keep: fc.constantFrom('hubspot' as const, 'salesforce' as const),
    }),
  },
);

const pick = <T>(values: readonly T[], index: number): T => values[index % values.length] as T;

class Harness {
  readonly crms: TwoCrms;
  readonly transforms: Map<string, FieldTransform>;

  constructor(
    readonly settings: Settings,
    readonly rules: readonly OwnershipRule[],
    initial: { hubspot: number[]; salesforce: number[] },
  ) {
    const link: Link = activeLink();
    const hubspotProperties = Object.fromEntries(
      fields.map((spec, i) => [spec.property, pick(spec.hubspotValues, initial.hubspot[i] ?? 0)]),
    );
    const salesforceFields = Object.fromEntries(
      fields.map((spec, i) => [spec.field, pick(spec.salesforceValues, initial.salesforce[i] ?? 0)]),
    );
    this.crms = new TwoCrms(
      link,
      hubspotContact({
        properties: { ...hubspotProperties, salesforce_record_id: link.salesforce.id },
        updatedAtMs: 1_000,
      }),
      salesforceRecord({
        fields: { ...salesforceFields, HubSpot_Id__c: link.hubspot.id },
        lastModifiedAtMs: 1_500,
      }),
      {
        hubspotFormats: { birthday: 'date', last_meeting: 'datetime' },
        salesforceDateTimes: ['Last_Meeting__c'],
      },
    );
    this.transforms = new Map(
      settings.objects.contacts.fields.map((mapping) => [
        mapping.key,
        createTransform(mapping.transform, { phoneDefaultCountry: 'US', owners }),
      ]),
    );
  }

  canonical(spec: FieldSpec): { hubspot: CanonicalValue; salesforce: CanonicalValue } {
    const transform = this.transforms.get(spec.key)!;
    const hubspot = transform.fromHubspot(this.crms.hubspot.properties[spec.property] ?? null);
    const salesforce = transform.fromSalesforce(this.crms.salesforce.fields[spec.field]);
    if (!hubspot.ok || !salesforce.ok) throw new Error(`unreadable value in ${spec.key}`);
    return { hubspot: hubspot.value, salesforce: salesforce.value };
  }

  /** The documented rule table, stated independently of the planner: the value each side should end with. */
  expected(
    rule: OwnershipRule,
    spec: FieldSpec,
  ): { hubspot: CanonicalValue; salesforce: CanonicalValue; conflict: boolean } {
    const { hubspot, salesforce } = this.canonical(spec);
    const unchanged = { hubspot, salesforce, conflict: false };
    const both = (value: CanonicalValue) => ({ hubspot: value, salesforce: value, conflict: false });
    if (rule === 'none' || rule === 'on_create' || canonicalEquals(hubspot, salesforce)) return unchanged;
    const shadow = this.crms.shadows[spec.key];
    const first = shadow === undefined;
    const hubspotChanged = first || !canonicalEquals(hubspot, shadow);
    const salesforceChanged = first || !canonicalEquals(salesforce, shadow);
    const hubspotAt = this.crms.hubspot.propertyTimestampsMs[spec.property] ?? this.crms.hubspot.updatedAtMs;
    const newer = hubspotAt >= this.crms.salesforce.lastModifiedAtMs ? hubspot : salesforce;
    switch (rule) {
      case 'hubspot':
        return first && hubspot === null ? unchanged : both(hubspot);
      case 'salesforce':
        return first && salesforce === null ? unchanged : both(salesforce);
      case 'prefer_hubspot_unless_blank':
      case 'prefer_salesforce_unless_blank': {
        const [preferred, other, preferredChanged, otherChanged] =
          rule === 'prefer_hubspot_unless_blank'
            ? [hubspot, salesforce, hubspotChanged, salesforceChanged]
            : [salesforce, hubspot, salesforceChanged, hubspotChanged];
        if (preferredChanged && !otherChanged) return both(preferred);
        return both(preferred === null ? other : preferred);
      }
      case 'two_way':
      case 'review':
        if (first && hubspot === null) return both(salesforce);
        if (first && salesforce === null) return both(hubspot);
        if (hubspotChanged && salesforceChanged)
          return rule === 'review' ? { ...unchanged, conflict: true } : both(newer);
        return both(hubspotChanged ? hubspot : salesforce);
    }
  }

  /** One sync, checked against the rule table and for echoes. */
  sync(): void {
    const expectations = fields.map((spec, i) => ({
      spec,
      rule: this.rules[i]!,
      ...this.expected(this.rules[i]!, spec),
    }));
    const plan = this.crms.plan(this.settings);
    expect(plan.failures).toEqual([]);
    this.crms.apply(plan);
    for (const { spec, rule, hubspot, salesforce, conflict } of expectations) {
      const actual = this.canonical(spec);
      expect({ key: spec.key, rule, ...actual }).toEqual({ key: spec.key, rule, hubspot, salesforce });
      expect(plan.conflicts.some((c) => c.key === spec.key)).toBe(conflict);
    }
    this.expectNoEchoWrites(this.crms.plan(this.settings));
  }

  expectNoEchoWrites(echo: SyncPlan): void {
    expect(echo.hubspotWrite).toBeNull();
    expect(echo.salesforceWrite).toBeNull();
    expect(echo.shadowUpdates).toEqual([]);
  }

  resolve(keep: 'hubspot' | 'salesforce'): void {
    if (this.crms.openConflicts.size === 0) return;
    const keys = [...this.crms.openConflicts];
    const plan = this.crms.plan(this.settings, {
      resolutions: Object.fromEntries(keys.map((key) => [key, { keep }])),
    });
    this.crms.apply(plan);
    for (const key of keys) {
      const { hubspot, salesforce } = this.canonical(fields.find((spec) => spec.key === key)!);
      expect(canonicalEquals(hubspot, salesforce)).toBe(true);
    }
    // The resolved conflicts are closed (the same plan may open others, for fields edited since).
    expect(keys.filter((key) => this.crms.openConflicts.has(key))).toEqual([]);
    this.expectNoEchoWrites(this.crms.plan(this.settings));
  }

  run(op: Op): void {
    switch (op.kind) {
      case 'edit_hubspot': {
        const spec = fields[op.field]!;
        this.crms.editHubspot(spec.property, pick(spec.hubspotValues, op.value), op.afterMs);
        return;
      }
      case 'edit_salesforce': {
        const spec = fields[op.field]!;
        this.crms.editSalesforce(spec.field, pick(spec.salesforceValues, op.value) as string, op.afterMs);
        return;
      }
      case 'sync':
        return this.sync();
      case 'sync_with_failed_write':
        return this.crms.apply(this.crms.plan(this.settings), op.side);
      case 'resolve':
        return this.resolve(op.keep);
    }
  }

  expectConverged(): void {
    fields.forEach((spec, i) => {
      const rule = this.rules[i]!;
      if (rule === 'none' || rule === 'on_create') return;
      const { hubspot, salesforce } = this.canonical(spec);
      if (canonicalEquals(hubspot, salesforce)) return;
      const waiting = rule === 'review' && this.crms.openConflicts.has(spec.key);
      const ownerBlankSinceLink =
        (rule === 'hubspot' ? hubspot : rule === 'salesforce' ? salesforce : 'n/a') === null &&
        !(spec.key in this.crms.shadows);
      if (!waiting && !ownerBlankSinceLink) {
        throw new Error(`not converged: ${JSON.stringify({ key: spec.key, rule, hubspot, salesforce })}`);
      }
    });
  }
}

describe('convergence under random edits on both sides', () => {
  it('converges with no echo writes and no lost edits', () => {
    const initial = fc.array(fc.nat(), { minLength: fields.length, maxLength: fields.length });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ownershipRules), { minLength: fields.length, maxLength: fields.length }),
        fc.record({ hubspot: initial, salesforce: initial }),
        fc.array(op, { maxLength: 30 }),
        (rules, start, ops) => {
          const harness = new Harness(settingsFor(rules), rules, start);
          for (const step of ops) harness.run(step);
          harness.sync();
          harness.sync();
          harness.expectConverged();
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps the number of writes to what the edits need', () => {
    // One edit on each side of a two-way field, then a sync: exactly one write per side, then none.
    const rules = fields.map(() => 'two_way' as const);
    const harness = new Harness(settingsFor(rules), rules, {
      hubspot: fields.map(() => 0),
      salesforce: fields.map(() => 0),
    });
    harness.sync();
    const before = { ...harness.crms.writes };
    harness.crms.editHubspot('firstname', 'Bo');
    harness.crms.editSalesforce('Score__c', 7);
    harness.sync();
    harness.sync();
    expect(harness.crms.writes).toEqual({ hubspot: before.hubspot + 1, salesforce: before.salesforce + 1 });
  });
});
