import type { SyncPlan } from '../../../src/domain/planner';
import type { Settings } from '../../../src/domain/settings/schema';
import {
  displayValue,
  summarizeDryRun,
  type SampledPair,
  type SummaryContext,
} from '../../../src/sync/settingsDryRun/aggregate';
import { buildSettings, syncedPair } from '../domain/syncFixtures';
import type { TwoCrms } from '../domain/crmModel';

const context = (settings: Settings): SummaryContext => ({
  settings,
  sampleLimit: 200,
  linkedTotal: 40,
  calls: { hubspot: 2, salesforce: 1 },
  generatedAt: 1_700_000_000_000,
});

function pair(index: number, plan: SyncPlan | null): SampledPair {
  return {
    objectType: 'contacts',
    linkId: `link-${index}`,
    hubspotId: String(500 + index),
    salesforceId: `00Q00000000000${index}AAA`,
    salesforceObjectType: 'Lead',
    plan,
  };
}

/** Pairs synced under the shipped rules, then edited by `edit`. */
function pairs(count: number, edit: (crms: TwoCrms, index: number) => void = () => undefined): TwoCrms[] {
  const stored = buildSettings();
  return Array.from({ length: count }, (_, index) => {
    const crms = syncedPair(stored);
    edit(crms, index);
    return crms;
  });
}

describe('settings preview summary', () => {
  it('finds nothing to write when the settings are the ones the pairs were synced under', () => {
    const settings = buildSettings();
    const report = summarizeDryRun(
      pairs(5).map((crms, index) => pair(index, crms.plan(settings))),
      context(settings),
    );
    expect(report).toEqual({
      sampled: 5,
      sampleLimit: 200,
      linkedTotal: 40,
      updates: [],
      conflicts: { count: 0, byField: [], examples: [] },
      failures: { count: 0, byCode: [], examples: [] },
      unchanged: 5,
      records: { missing: 0, outOfScope: 0 },
      calls: { hubspot: 2, salesforce: 1 },
      generatedAt: 1_700_000_000_000,
    });
  });

  it('counts the writes a changed rule makes, in the direction the sync would write, as the sync carries them out', () => {
    const edited = buildSettings({ rules: { jobtitle: 'salesforce' } });
    // Pairs 0–3: HubSpot's job title changed since the last sync; pair 4 untouched.
    const crms = pairs(5, (model, index) => {
      if (index < 4) model.editHubspot('jobtitle', `CEO ${index}`);
    });
    const plans = crms.map((model) => model.plan(edited));
    const report = summarizeDryRun(
      plans.map((plan, index) => pair(index, plan)),
      context(edited),
    );
    expect(report.updates).toEqual([
      {
        objectType: 'contacts',
        fieldKey: 'jobtitle',
        label: 'Job title',
        toHubspot: 4,
        toSalesforce: 0,
        examples: [0, 1, 2].map((index) => ({
          objectType: 'contacts',
          linkId: `link-${index}`,
          hubspotId: String(500 + index),
          salesforceId: `00Q00000000000${index}AAA`,
          salesforceObjectType: 'Lead',
          direction: 'to_hubspot',
          from: `CEO ${index}`,
          to: 'CTO',
        })),
      },
    ]);
    expect(report.unchanged).toBe(1);
    // The summary counts what the writes carry: applying them writes four HubSpot records and no Salesforce one.
    for (const [index, plan] of plans.entries()) crms[index]!.apply(plan);
    expect(crms.reduce((sum, model) => sum + model.writes.hubspot, 0)).toBe(4);
    expect(crms.reduce((sum, model) => sum + model.writes.salesforce, 0)).toBe(0);
    expect(crms.map((model) => model.hubspot.properties.jobtitle)).toEqual(Array(5).fill('CTO'));
  });

  it('sorts fields by how many writes they get, then by key, and counts both directions', () => {
    const settings = buildSettings();
    const crms = pairs(4, (model, index) => {
      model.editHubspot('jobtitle', `CEO ${index}`);
      if (index < 2) model.editSalesforce('FirstName', 'Anabel');
      if (index === 3) model.editHubspot('city', 'Lyon');
    });
    const report = summarizeDryRun(
      crms.map((model, index) => pair(index, model.plan(settings))),
      context(settings),
    );
    expect(
      report.updates.map(({ fieldKey, toHubspot, toSalesforce, examples }) => ({
        fieldKey,
        toHubspot,
        toSalesforce,
        examples: examples.length,
      })),
    ).toEqual([
      { fieldKey: 'jobtitle', toHubspot: 0, toSalesforce: 4, examples: 3 },
      { fieldKey: 'firstname', toHubspot: 2, toSalesforce: 0, examples: 2 },
      { fieldKey: 'city', toHubspot: 0, toSalesforce: 1, examples: 1 },
    ]);
    expect(report.updates[2]!.examples[0]).toMatchObject({ from: '(blank)', to: 'Lyon' });
    expect(report.unchanged).toBe(0);
  });

  it('predicts a conflict where a review rule meets two different edits', () => {
    const edited = buildSettings({ rules: { jobtitle: 'review' } });
    const crms = pairs(2, (model, index) => {
      model.editHubspot('jobtitle', 'CEO');
      if (index === 0) model.editSalesforce('Title', 'VP');
    });
    const report = summarizeDryRun(
      crms.map((model, index) => pair(index, model.plan(edited))),
      context(edited),
    );
    expect(report.conflicts).toEqual({
      count: 1,
      byField: [{ objectType: 'contacts', fieldKey: 'jobtitle', label: 'Job title', count: 1 }],
      examples: [
        {
          objectType: 'contacts',
          linkId: 'link-0',
          hubspotId: '500',
          salesforceId: '00Q000000000000AAA',
          fieldKey: 'jobtitle',
          label: 'Job title',
          hubspotValue: 'CEO',
          salesforceValue: 'VP',
        },
      ],
    });
    // The other pair changed on one side only: review lets that change flow.
    expect(report.updates).toMatchObject([{ fieldKey: 'jobtitle', toSalesforce: 1 }]);
    // A pair holding only a conflict has nothing to write.
    expect(report.unchanged).toBe(1);
  });

  it('reports a value the edited value map lacks as a failure with its sentence, not as a write', () => {
    const edited = buildSettings({
      patch: (contacts) => {
        const title = contacts.fields.find((field) => field.key === 'jobtitle')!;
        title.rule = 'hubspot';
        title.transform = {
          kind: 'picklist',
          options: [{ hubspot: ['CEO'], salesforce: ['Chief Executive'] }],
        };
      },
    });
    const crms = pairs(5, (model, index) => {
      if (index === 0) model.editHubspot('jobtitle', 'CEO');
    });
    const report = summarizeDryRun(
      crms.map((model, index) => pair(index, model.plan(edited))),
      context(edited),
    );
    expect(report.updates).toMatchObject([
      { fieldKey: 'jobtitle', toSalesforce: 1, examples: [{ from: 'CTO', to: 'CEO' }] },
    ]);
    expect(report.failures.count).toBe(4);
    expect(report.failures.byCode).toEqual([
      {
        code: 'no_mapping',
        count: 4,
        message:
          'The value "CTO" of "Job title" has no matching value in Salesforce. Add it to the field\'s value map in the app settings, then press Retry.',
      },
    ]);
    expect(report.failures.examples.map((example) => [example.linkId, example.fieldKey])).toEqual([
      ['link-1', 'jobtitle'],
      ['link-2', 'jobtitle'],
      ['link-3', 'jobtitle'],
    ]);
    expect(report.unchanged).toBe(4);
  });

  it('counts pairs with a record gone apart, and pairs the edited scope leaves out', () => {
    const edited = buildSettings({
      patch: (contacts) => {
        contacts.scope = { anyOf: [{ allOf: [{ property: 'company', operator: 'eq', value: 'Globex' }] }] };
      },
    });
    const crms = pairs(3);
    const report = summarizeDryRun(
      [pair(0, crms[0]!.plan(edited)), pair(1, null), pair(2, crms[2]!.plan(edited))],
      context(edited),
    );
    expect(report).toMatchObject({ sampled: 3, unchanged: 2, records: { missing: 1, outOfScope: 2 } });
  });

  it('counts a person’s answer written to both sides once per side', () => {
    const settings = buildSettings();
    const [model] = pairs(1, (crms) => {
      crms.editHubspot('jobtitle', 'CEO');
      crms.editSalesforce('Title', 'VP');
    });
    const plan = model!.plan(settings, { resolutions: { jobtitle: { keep: 'value', value: 'COO' } } });
    const report = summarizeDryRun([pair(0, plan)], context(settings));
    expect(report.updates).toMatchObject([
      {
        fieldKey: 'jobtitle',
        toHubspot: 1,
        toSalesforce: 1,
        examples: [
          { direction: 'to_hubspot', from: 'CEO', to: 'COO' },
          { direction: 'to_salesforce', from: 'VP', to: 'COO' },
        ],
      },
    ]);
  });

  it.each([
    [null, '(blank)'],
    ['CTO', 'CTO'],
    [42, '42'],
    [false, 'false'],
    [['Sailing', 'Golf'], 'Sailing; Golf'],
    [{ unrepresentable: 'Queue 7', code: 'owner_not_found' as const }, 'Queue 7'],
  ])('shows %j as %j', (value, text) => {
    expect(displayValue(value)).toBe(text);
  });
});
