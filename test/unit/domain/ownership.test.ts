import type { FieldDecision, FieldState } from '../../../src/domain/ownership';
import { decideField } from '../../../src/domain/ownership';
import type { OwnershipRule } from '../../../src/domain/settings/schema';
import type { CanonicalValue, Observed } from '../../../src/domain/transforms/canonical';

const v = (value: CanonicalValue): Observed => ({ kind: 'value', value });
const unmapped: Observed = {
  kind: 'unrepresentable',
  failure: { code: 'no_mapping', raw: 'evangelist', reason: 'has no value' },
};

const EARLIER = 1_000;
const LATER = 2_000;

interface Scenario {
  readonly hubspot: Observed;
  readonly salesforce: Observed;
  readonly shadow: CanonicalValue | undefined;
  readonly hubspotNewer?: boolean;
  readonly creating?: 'hubspot' | 'salesforce';
}

/** Scenarios by name; "a" is the last synced value. */
const scenarios = {
  unchanged: { hubspot: v('a'), salesforce: v('a'), shadow: 'a' },
  hubspotChanged: { hubspot: v('b'), salesforce: v('a'), shadow: 'a' },
  salesforceChanged: { hubspot: v('a'), salesforce: v('b'), shadow: 'a' },
  bothChangedHubspotNewer: { hubspot: v('b'), salesforce: v('c'), shadow: 'a', hubspotNewer: true },
  bothChangedSalesforceNewer: { hubspot: v('b'), salesforce: v('c'), shadow: 'a', hubspotNewer: false },
  bothChangedSame: { hubspot: v('b'), salesforce: v('b'), shadow: 'a' },
  firstSyncDiffer: { hubspot: v('b'), salesforce: v('c'), shadow: undefined, hubspotNewer: true },
  firstSyncEqual: { hubspot: v('b'), salesforce: v('b'), shadow: undefined },
  firstSyncHubspotBlank: { hubspot: v(null), salesforce: v('c'), shadow: undefined },
  firstSyncSalesforceBlank: { hubspot: v('b'), salesforce: v(null), shadow: undefined },
  hubspotCleared: { hubspot: v(null), salesforce: v('a'), shadow: 'a' },
  salesforceCleared: { hubspot: v('a'), salesforce: v(null), shadow: 'a' },
  salesforceChangedWhileHubspotBlank: { hubspot: v(null), salesforce: v('b'), shadow: null },
  hubspotClearedSalesforceChanged: { hubspot: v(null), salesforce: v('c'), shadow: 'a', hubspotNewer: true },
  createInSalesforce: { hubspot: v('b'), salesforce: v(null), shadow: undefined, creating: 'salesforce' },
  createInHubspot: { hubspot: v(null), salesforce: v('c'), shadow: undefined, creating: 'hubspot' },
  createFromBlank: { hubspot: v(null), salesforce: v(null), shadow: undefined, creating: 'salesforce' },
} satisfies Record<string, Scenario>;
type ScenarioName = keyof typeof scenarios;

type Expected =
  | ['write', 'hubspot' | 'salesforce', CanonicalValue, string]
  | ['nothing', string]
  | ['agree', CanonicalValue]
  | ['conflict'];

const toHubspot = (value: CanonicalValue, reason: string): Expected => ['write', 'hubspot', value, reason];
const toSalesforce = (value: CanonicalValue, reason: string): Expected => [
  'write',
  'salesforce',
  value,
  reason,
];
const nothing = (reason: string): Expected => ['nothing', reason];

const table: Record<OwnershipRule, Partial<Record<ScenarioName, Expected>>> = {
  hubspot: {
    unchanged: nothing('unchanged'),
    hubspotChanged: toSalesforce('b', 'owner_wins'),
    salesforceChanged: toSalesforce('a', 'owner_wins'),
    bothChangedSalesforceNewer: toSalesforce('b', 'owner_wins'),
    bothChangedSame: ['agree', 'b'],
    firstSyncDiffer: toSalesforce('b', 'owner_wins'),
    firstSyncEqual: ['agree', 'b'],
    firstSyncHubspotBlank: nothing('owner_blank_at_first_sync'),
    firstSyncSalesforceBlank: toSalesforce('b', 'owner_wins'),
    hubspotCleared: toSalesforce(null, 'owner_wins'),
    salesforceCleared: toSalesforce('a', 'owner_wins'),
    createInSalesforce: toSalesforce('b', 'sent_on_create'),
    createInHubspot: nothing('not_sent_on_create'),
    createFromBlank: nothing('blank_on_create'),
  },
  salesforce: {
    unchanged: nothing('unchanged'),
    hubspotChanged: toHubspot('a', 'owner_wins'),
    salesforceChanged: toHubspot('b', 'owner_wins'),
    bothChangedHubspotNewer: toHubspot('c', 'owner_wins'),
    firstSyncDiffer: toHubspot('c', 'owner_wins'),
    firstSyncHubspotBlank: toHubspot('c', 'owner_wins'),
    firstSyncSalesforceBlank: nothing('owner_blank_at_first_sync'),
    hubspotCleared: toHubspot('a', 'owner_wins'),
    salesforceCleared: toHubspot(null, 'owner_wins'),
    createInSalesforce: nothing('not_sent_on_create'),
    createInHubspot: toHubspot('c', 'sent_on_create'),
  },
  two_way: {
    unchanged: nothing('unchanged'),
    hubspotChanged: toSalesforce('b', 'changed_on_one_side'),
    salesforceChanged: toHubspot('b', 'changed_on_one_side'),
    bothChangedHubspotNewer: toSalesforce('b', 'newer_wins'),
    bothChangedSalesforceNewer: toHubspot('c', 'newer_wins'),
    bothChangedSame: ['agree', 'b'],
    firstSyncDiffer: toSalesforce('b', 'newer_wins'),
    firstSyncHubspotBlank: toHubspot('c', 'blank_filled'),
    firstSyncSalesforceBlank: toSalesforce('b', 'blank_filled'),
    hubspotCleared: toSalesforce(null, 'changed_on_one_side'),
    salesforceCleared: toHubspot(null, 'changed_on_one_side'),
    hubspotClearedSalesforceChanged: toSalesforce(null, 'newer_wins'),
    createInSalesforce: toSalesforce('b', 'sent_on_create'),
    createInHubspot: toHubspot('c', 'sent_on_create'),
    createFromBlank: nothing('blank_on_create'),
  },
  review: {
    unchanged: nothing('unchanged'),
    hubspotChanged: toSalesforce('b', 'changed_on_one_side'),
    salesforceChanged: toHubspot('b', 'changed_on_one_side'),
    bothChangedHubspotNewer: ['conflict'],
    bothChangedSalesforceNewer: ['conflict'],
    bothChangedSame: ['agree', 'b'],
    firstSyncDiffer: ['conflict'],
    firstSyncHubspotBlank: toHubspot('c', 'blank_filled'),
    firstSyncSalesforceBlank: toSalesforce('b', 'blank_filled'),
    hubspotCleared: toSalesforce(null, 'changed_on_one_side'),
    hubspotClearedSalesforceChanged: ['conflict'],
    createInSalesforce: toSalesforce('b', 'sent_on_create'),
  },
  prefer_hubspot_unless_blank: {
    unchanged: nothing('unchanged'),
    hubspotChanged: toSalesforce('b', 'preferred_side_wins'),
    salesforceChanged: toSalesforce('a', 'preferred_side_wins'),
    salesforceChangedWhileHubspotBlank: toHubspot('b', 'preferred_side_blank'),
    bothChangedSalesforceNewer: toSalesforce('b', 'preferred_side_wins'),
    hubspotClearedSalesforceChanged: toHubspot('c', 'preferred_side_blank'),
    firstSyncDiffer: toSalesforce('b', 'preferred_side_wins'),
    firstSyncHubspotBlank: toHubspot('c', 'preferred_side_blank'),
    firstSyncSalesforceBlank: toSalesforce('b', 'preferred_side_wins'),
    hubspotCleared: toSalesforce(null, 'preferred_side_wins'),
    salesforceCleared: toSalesforce('a', 'preferred_side_wins'),
    createInSalesforce: toSalesforce('b', 'sent_on_create'),
    createInHubspot: toHubspot('c', 'sent_on_create'),
  },
  prefer_salesforce_unless_blank: {
    unchanged: nothing('unchanged'),
    hubspotChanged: toHubspot('a', 'preferred_side_wins'),
    salesforceChanged: toHubspot('b', 'preferred_side_wins'),
    bothChangedHubspotNewer: toHubspot('c', 'preferred_side_wins'),
    firstSyncHubspotBlank: toHubspot('c', 'preferred_side_wins'),
    firstSyncSalesforceBlank: toSalesforce('b', 'preferred_side_blank'),
    salesforceCleared: toHubspot(null, 'preferred_side_wins'),
    hubspotCleared: toHubspot('a', 'preferred_side_wins'),
    hubspotClearedSalesforceChanged: toHubspot('c', 'preferred_side_wins'),
    createInSalesforce: toSalesforce('b', 'sent_on_create'),
    createInHubspot: toHubspot('c', 'sent_on_create'),
  },
  on_create: {
    unchanged: nothing('create_only'),
    hubspotChanged: nothing('create_only'),
    bothChangedHubspotNewer: nothing('create_only'),
    firstSyncDiffer: nothing('create_only'),
    firstSyncEqual: nothing('create_only'),
    createInSalesforce: toSalesforce('b', 'sent_on_create'),
    createInHubspot: toHubspot('c', 'sent_on_create'),
  },
  none: {
    unchanged: nothing('not_synced'),
    hubspotChanged: nothing('not_synced'),
    salesforceChanged: nothing('not_synced'),
    firstSyncDiffer: nothing('not_synced'),
    createInSalesforce: nothing('not_synced'),
    createInHubspot: nothing('not_synced'),
  },
};

function stateOf(rule: OwnershipRule, scenario: Scenario): FieldState {
  const hubspotNewer = scenario.hubspotNewer ?? true;
  return {
    rule,
    hubspot: scenario.hubspot,
    salesforce: scenario.salesforce,
    shadow: scenario.shadow,
    hubspotChangedAtMs: hubspotNewer ? LATER : EARLIER,
    salesforceChangedAtMs: hubspotNewer ? EARLIER : LATER,
    creating: scenario.creating ?? null,
  };
}

function simplify(decision: FieldDecision): Expected {
  switch (decision.action) {
    case 'write':
      if (decision.value.kind !== 'value') throw new Error('unexpected unrepresentable value');
      return ['write', decision.to, decision.value.value, decision.reason];
    case 'conflict':
      return ['conflict'];
    case 'nothing':
      return decision.agreedValue !== undefined
        ? ['agree', decision.agreedValue]
        : ['nothing', decision.reason];
  }
}

const rows = (Object.entries(table) as [OwnershipRule, Partial<Record<ScenarioName, Expected>>][]).flatMap(
  ([rule, expectations]) =>
    (Object.entries(expectations) as [ScenarioName, Expected][]).map(
      ([name, expected]) => [rule, name, expected] as const,
    ),
);

describe('decideField', () => {
  it.each(rows)('%s / %s → %j', (rule, name, expected) => {
    expect(simplify(decideField(stateOf(rule, scenarios[name])))).toEqual(expected);
  });

  it('treats an unrepresentable value as a change and carries it to the other side', () => {
    const decision = decideField(stateOf('two_way', { hubspot: unmapped, salesforce: v('a'), shadow: 'a' }));
    expect(decision).toEqual({
      action: 'write',
      to: 'salesforce',
      value: unmapped,
      reason: 'changed_on_one_side',
    });
  });

  it('lets the owner overwrite an unrepresentable value on the other side', () => {
    const decision = decideField(
      stateOf('salesforce', { hubspot: unmapped, salesforce: v('a'), shadow: 'a' }),
    );
    expect(decision).toEqual({ action: 'write', to: 'hubspot', value: v('a'), reason: 'owner_wins' });
  });

  it('gives a tie in time to HubSpot, always', () => {
    const state = {
      ...stateOf('two_way', scenarios.bothChangedHubspotNewer),
      salesforceChangedAtMs: LATER,
      hubspotChangedAtMs: LATER,
    };
    expect(simplify(decideField(state))).toEqual(toSalesforce('b', 'newer_wins'));
  });

  it('compares multi-select values as sets, not by identity', () => {
    const decision = decideField(
      stateOf('two_way', { hubspot: v(['a', 'b']), salesforce: v(['a', 'b']), shadow: ['a', 'b'] }),
    );
    expect(decision).toEqual({ action: 'nothing', reason: 'unchanged' });
  });
});
