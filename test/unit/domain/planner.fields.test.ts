import type { SyncPlan } from '../../../src/domain/planner';
import type { OwnershipRule } from '../../../src/domain/settings/schema';
import { indexOwners } from '../../../src/domain/transforms/owner';
import { CONTACT_ID, REP_OWNER_ID, REP_USER_ID, activeLink } from './factories';
import { TwoCrms } from './crmModel';
import { buildSettings, modelOptions, syncedHubspot, syncedLead, syncedPair } from './syncFixtures';

function expectNoEcho(echo: SyncPlan): void {
  expect(echo.hubspotWrite).toBeNull();
  expect(echo.salesforceWrite).toBeNull();
  expect(echo.shadowUpdates).toEqual([]);
  expect(echo.conflicts).toEqual([]);
  expect(echo.outcome).toBe('in_sync');
}

describe('planner: a linked pair already in agreement', () => {
  it('records shadows on the first sync and writes nothing', () => {
    const settings = buildSettings();
    const crms = new TwoCrms(activeLink(), syncedHubspot, syncedLead, modelOptions);
    const first = crms.plan(settings);
    expect(first.hubspotWrite).toBeNull();
    expect(first.salesforceWrite).toBeNull();
    expect(first.outcome).toBe('synced');
    expect(first.shadowUpdates.map((update) => update.key)).toEqual(
      expect.arrayContaining([
        'firstname',
        'email',
        'phone',
        'lifecyclestage',
        'owner',
        'score',
        'birthday',
        'last_meeting',
        'interests',
      ]),
    );
    crms.apply(first);
    expectNoEcho(crms.plan(settings));
  });
});

type Edit =
  | 'hubspot'
  | 'salesforce'
  | 'both_hubspot_newer'
  | 'both_salesforce_newer'
  | 'hubspot_cleared'
  | 'salesforce_cleared';

/** Job title starts as "CTO" on both; HubSpot edits set "CEO", Salesforce edits set "VP". */
const ruleRows: [
  OwnershipRule,
  Edit,
  { hubspot: string | null; salesforce: string | null; conflict?: true },
][] = [
  ['hubspot', 'hubspot', { hubspot: 'CEO', salesforce: 'CEO' }],
  ['hubspot', 'salesforce', { hubspot: 'CTO', salesforce: 'CTO' }],
  ['hubspot', 'both_salesforce_newer', { hubspot: 'CEO', salesforce: 'CEO' }],
  ['hubspot', 'hubspot_cleared', { hubspot: null, salesforce: null }],
  ['salesforce', 'hubspot', { hubspot: 'CTO', salesforce: 'CTO' }],
  ['salesforce', 'salesforce', { hubspot: 'VP', salesforce: 'VP' }],
  ['salesforce', 'both_hubspot_newer', { hubspot: 'VP', salesforce: 'VP' }],
  ['two_way', 'hubspot', { hubspot: 'CEO', salesforce: 'CEO' }],
  ['two_way', 'salesforce', { hubspot: 'VP', salesforce: 'VP' }],
  ['two_way', 'both_hubspot_newer', { hubspot: 'CEO', salesforce: 'CEO' }],
  ['two_way', 'both_salesforce_newer', { hubspot: 'VP', salesforce: 'VP' }],
  ['two_way', 'salesforce_cleared', { hubspot: null, salesforce: null }],
  ['review', 'hubspot', { hubspot: 'CEO', salesforce: 'CEO' }],
  ['review', 'salesforce', { hubspot: 'VP', salesforce: 'VP' }],
  ['review', 'both_salesforce_newer', { hubspot: 'CEO', salesforce: 'VP', conflict: true }],
  ['prefer_hubspot_unless_blank', 'hubspot', { hubspot: 'CEO', salesforce: 'CEO' }],
  ['prefer_hubspot_unless_blank', 'salesforce', { hubspot: 'CTO', salesforce: 'CTO' }],
  ['prefer_hubspot_unless_blank', 'both_salesforce_newer', { hubspot: 'CEO', salesforce: 'CEO' }],
  ['prefer_hubspot_unless_blank', 'hubspot_cleared', { hubspot: null, salesforce: null }],
  ['prefer_salesforce_unless_blank', 'hubspot', { hubspot: 'CTO', salesforce: 'CTO' }],
  ['prefer_salesforce_unless_blank', 'salesforce', { hubspot: 'VP', salesforce: 'VP' }],
  ['prefer_salesforce_unless_blank', 'both_hubspot_newer', { hubspot: 'VP', salesforce: 'VP' }],
  ['on_create', 'hubspot', { hubspot: 'CEO', salesforce: 'CTO' }],
  ['on_create', 'salesforce', { hubspot: 'CTO', salesforce: 'VP' }],
  ['none', 'hubspot', { hubspot: 'CEO', salesforce: 'CTO' }],
  ['none', 'salesforce', { hubspot: 'CTO', salesforce: 'VP' }],
];

describe('planner: every ownership rule on a linked pair', () => {
  it.each(ruleRows)('%s, edited %s → %j', (rule, edit, expected) => {
    const settings = buildSettings({ rules: { jobtitle: rule } });
    const crms = syncedPair(settings);
    if (edit === 'both_salesforce_newer') {
      crms.editHubspot('jobtitle', 'CEO');
      crms.editSalesforce('Title', 'VP');
    } else if (edit === 'both_hubspot_newer') {
      crms.editSalesforce('Title', 'VP');
      crms.editHubspot('jobtitle', 'CEO');
    } else if (edit === 'hubspot') crms.editHubspot('jobtitle', 'CEO');
    else if (edit === 'salesforce') crms.editSalesforce('Title', 'VP');
    else if (edit === 'hubspot_cleared') crms.editHubspot('jobtitle', '');
    else crms.editSalesforce('Title', null);

    const { plan, echo } = crms.sync(settings);
    expect(crms.hubspot.properties.jobtitle).toBe(expected.hubspot);
    expect(crms.salesforce.fields.Title).toBe(expected.salesforce);
    expect(plan.conflicts.map((conflict) => conflict.key)).toEqual(expected.conflict ? ['jobtitle'] : []);
    const field = plan.fields.find((candidate) => candidate.key === 'jobtitle');
    expect(field?.rule).toBe(rule);
    if (plan.hubspotWrite || plan.salesforceWrite) {
      expect(
        plan.audit.filter((entry) => entry.fieldKey === 'jobtitle' && entry.action === 'field_written'),
      ).toHaveLength(1);
    }
    if (expected.conflict) {
      // The open conflict is reported again, but nothing is written while it waits.
      expect(echo.hubspotWrite).toBeNull();
      expect(echo.salesforceWrite).toBeNull();
      expect(echo.conflicts.map((conflict) => conflict.key)).toEqual(['jobtitle']);
    } else {
      expectNoEcho(echo);
    }
  });
});

/** For each transform: what a HubSpot edit writes to Salesforce, and what a Salesforce edit writes to HubSpot. */
const transformRows: [string, string, string, unknown, string, unknown, string | null][] = [
  ['text', 'firstname', '  Anna ', 'Anna', 'FirstName', 'Annie', 'Annie'],
  ['email', 'email', 'ANA@Example.COM', 'ana@example.com', 'Email', ' Bob@Example.com', 'bob@example.com'],
  ['phone', 'phone', '(415) 555-0199', '+14155550199', 'Phone', '+44 20 7946 0958', '+442079460958'],
  ['number', 'score', '12.345', 12.35, 'Score__c', 7, '7'],
  ['date', 'birthday', '1572480000000', '2019-10-31', 'Birthdate__c', '1990-05-17', '1990-05-17'],
  [
    'datetime',
    'last_meeting',
    String(Date.UTC(2026, 0, 1)),
    '2026-01-01T00:00:00.000+0000',
    'Last_Meeting__c',
    '2026-01-02T10:15:30.000+0000',
    '2026-01-02T10:15:30.000Z',
  ],
  [
    'picklist',
    'lifecyclestage',
    'SalesQualifiedLead',
    'Working - Contacted',
    'Status',
    'Closed - Not Converted',
    'other',
  ],
  [
    'multi-select',
    'interests',
    'sailing; hiking',
    'hiking;Sailing',
    'Interests__c',
    'Sailing;Chess',
    'Chess;sailing',
  ],
  ['owner', 'hubspot_owner_id', '102', '005000000000002AAA', 'OwnerId', '005000000000002AAA', '102'],
];

describe('planner: every transform, both ways, with no echo', () => {
  it.each(transformRows)(
    '%s: HubSpot %s',
    (_kind, property, hubspotEdit, salesforceAfter, field, salesforceEdit, hubspotAfter) => {
      const settings = buildSettings();
      const fromHubspot = syncedPair(settings);
      fromHubspot.editHubspot(property, hubspotEdit);
      const first = fromHubspot.sync(settings);
      expect(fromHubspot.salesforce.fields[field]).toEqual(salesforceAfter);
      expect(first.plan.hubspotWrite).toBeNull();
      expectNoEcho(first.echo);

      const fromSalesforce = syncedPair(settings);
      fromSalesforce.editSalesforce(field, salesforceEdit as string);
      const second = fromSalesforce.sync(settings);
      expect(fromSalesforce.hubspot.properties[property]).toEqual(hubspotAfter);
      expect(second.plan.salesforceWrite).toBeNull();
      expectNoEcho(second.echo);
    },
  );

  it('boolean, owned by HubSpot: an opt-out flows to Salesforce, a Salesforce edit is put back', () => {
    const settings = buildSettings();
    const crms = syncedPair(settings);
    crms.editHubspot('hs_email_optout', 'true');
    expectNoEcho(crms.sync(settings).echo);
    expect(crms.salesforce.fields.HasOptedOutOfEmail).toBe(true);
    crms.editSalesforce('HasOptedOutOfEmail', false);
    const { plan, echo } = crms.sync(settings);
    expect(plan.salesforceWrite?.kind === 'update' && plan.salesforceWrite.fields).toEqual({
      HasOptedOutOfEmail: true,
    });
    expect(plan.audit.find((entry) => entry.fieldKey === 'email_opt_out')?.reason).toBe('owner_wins');
    expectNoEcho(echo);
  });

  it('does not treat a re-typed value with the same meaning as a change', () => {
    const settings = buildSettings();
    const crms = syncedPair(settings);
    crms.editHubspot('phone', '(415) 555-2671');
    crms.editHubspot('email', 'ANA@acme.com');
    crms.editHubspot('lifecyclestage', 'subscriber');
    crms.editSalesforce('Interests__c', 'sailing');
    crms.editSalesforce('Score__c', 1.0000000000000002);
    expectNoEcho(crms.plan(settings));
  });
});

describe('planner: failures are values, decided before writing', () => {
  it('reports a picklist value with no mapping, and still writes the other fields', () => {
    const settings = buildSettings({
      patch: (contacts) => {
        const stage = contacts.fields.find((field) => field.key === 'lifecyclestage');
        if (stage?.transform.kind === 'picklist') stage.transform.options.pop();
      },
    });
    const crms = syncedPair(settings);
    crms.editHubspot('lifecyclestage', 'other');
    crms.editHubspot('firstname', 'Anna');
    const plan = crms.plan(settings);
    expect(plan.salesforceWrite?.kind === 'update' && plan.salesforceWrite.fields).toEqual({
      FirstName: 'Anna',
    });
    expect(plan.failures).toHaveLength(1);
    expect(plan.failures[0]).toMatchObject({
      category: 'picklist_value_not_allowed',
      code: 'no_mapping',
      fieldKey: 'lifecyclestage',
      side: 'salesforce',
      retryable: false,
    });
    expect(plan.failures[0]?.message).toContain('"other"');
    expect(plan.fields.find((field) => field.key === 'lifecyclestage')?.failureCode).toBe('no_mapping');
    expect(plan.shadowUpdates.map((update) => update.key)).toEqual(['firstname']);
  });

  it('reports an owner with no Salesforce user', () => {
    const settings = buildSettings();
    const crms = syncedPair(settings);
    crms.editHubspot('hubspot_owner_id', '999');
    const plan = crms.plan(settings);
    expect(plan.salesforceWrite).toBeNull();
    expect(plan.failures).toMatchObject([
      { category: 'validation', code: 'owner_not_found', fieldKey: 'owner' },
    ]);
  });

  it('keeps the shadow when a write fails, so the next sync tries again', () => {
    const settings = buildSettings();
    const crms = syncedPair(settings);
    crms.editHubspot('jobtitle', 'CEO');
    crms.apply(crms.plan(settings), 'salesforce');
    expect(crms.salesforce.fields.Title).toBe('CTO');
    const retry = crms.plan(settings);
    expect(retry.salesforceWrite?.kind === 'update' && retry.salesforceWrite.fields).toEqual({
      Title: 'CEO',
    });
  });
});

describe('planner: conflicts under "review"', () => {
  const settings = buildSettings({ rules: { jobtitle: 'review' } });

  function conflicted(): TwoCrms {
    const crms = syncedPair(settings);
    crms.editHubspot('jobtitle', 'CEO');
    crms.editSalesforce('Title', 'VP');
    crms.apply(crms.plan(settings));
    expect([...crms.openConflicts]).toEqual(['jobtitle']);
    return crms;
  }

  it('opens a conflict with both values and the last agreed one', () => {
    const crms = syncedPair(settings);
    crms.editHubspot('jobtitle', 'CEO');
    crms.editSalesforce('Title', 'VP');
    const plan = crms.plan(settings);
    expect(plan.conflicts).toEqual([
      expect.objectContaining({
        key: 'jobtitle',
        hubspot: 'CEO',
        salesforce: 'VP',
        shadow: 'CTO',
        hadShadow: true,
      }),
    ]);
    expect(plan.audit.find((entry) => entry.action === 'conflict_opened')?.message).toContain(
      'waiting for a person',
    );
  });

  it('applies the value a person picked to the other side and closes the conflict', () => {
    const crms = conflicted();
    const plan = crms.plan(settings, { resolutions: { jobtitle: { keep: 'salesforce' } } });
    expect(plan.hubspotWrite?.kind === 'update' && plan.hubspotWrite.properties).toEqual({ jobtitle: 'VP' });
    expect(plan.salesforceWrite).toBeNull();
    expect(plan.closeConflicts).toEqual([{ key: 'jobtitle', reason: 'resolved_by_person' }]);
    crms.apply(plan);
    expectNoEcho(crms.plan(settings));
  });

  it('writes a third value a person typed to both sides', () => {
    const crms = conflicted();
    const plan = crms.plan(settings, {
      resolutions: { jobtitle: { keep: 'value', value: 'Chief Executive' } },
    });
    expect(plan.shadowUpdates).toEqual([
      { key: 'jobtitle', value: 'Chief Executive', requiresWrites: ['hubspot', 'salesforce'] },
    ]);
    expect(
      plan.audit.filter((entry) => entry.action === 'conflict_resolved').map((entry) => entry.direction),
    ).toEqual(['to_hubspot', 'to_salesforce']);
    crms.apply(plan);
    expect([crms.hubspot.properties.jobtitle, crms.salesforce.fields.Title]).toEqual([
      'Chief Executive',
      'Chief Executive',
    ]);
    expectNoEcho(crms.plan(settings));
  });

  it('closes the conflict when people make the values agree', () => {
    const crms = conflicted();
    crms.editSalesforce('Title', 'CEO');
    const plan = crms.plan(settings);
    expect(plan.closeConflicts).toEqual([{ key: 'jobtitle', reason: 'values_agree' }]);
    expect(plan.shadowUpdates).toEqual([{ key: 'jobtitle', value: 'CEO', requiresWrites: [] }]);
  });
});

describe('planner: what is compared', () => {
  it('skips a mapping with no field on this Salesforce object', () => {
    const settings = buildSettings();
    const crms = new TwoCrms(
      activeLink({ salesforce: { type: 'Contact', id: CONTACT_ID } }),
      { ...syncedHubspot, properties: { ...syncedHubspot.properties, salesforce_record_id: CONTACT_ID } },
      { ...syncedLead, type: 'Contact', id: CONTACT_ID, fields: { FirstName: 'Ana', OwnerId: REP_USER_ID } },
    );
    const plan = crms.plan(settings);
    const decisions = Object.fromEntries(plan.fields.map((field) => [field.key, field.decision.reason]));
    expect(decisions.company).toBe('no_field_on_object');
    expect(decisions.lifecyclestage).toBe('no_field_on_object');
    expect(decisions.jobtitle).toBe('not_read');
    expect(decisions.firstname).toBe('same_value');
  });

  it('never acts on a property it did not read', () => {
    const settings = buildSettings();
    const crms = syncedPair(settings);
    delete crms.hubspot.properties.jobtitle;
    crms.editSalesforce('Title', 'VP');
    const plan = crms.plan(settings);
    expect(plan.hubspotWrite).toBeNull();
    expect(plan.fields.find((field) => field.key === 'jobtitle')?.decision).toEqual({
      action: 'skipped',
      to: null,
      reason: 'not_read',
    });
  });

  it('plans the same state the same way every time', () => {
    const settings = buildSettings({ rules: { jobtitle: 'review' } });
    const crms = syncedPair(settings);
    crms.editHubspot('jobtitle', 'CEO');
    crms.editSalesforce('Title', 'VP');
    crms.editHubspot('phone', '+49 30 901820');
    crms.editSalesforce('Status', 'Working - Contacted');
    expect(crms.plan(settings)).toEqual(crms.plan(settings));
  });

  it('keeps the cross-ids right on both sides', () => {
    const settings = buildSettings();
    const crms = syncedPair(settings);
    crms.hubspot.properties.salesforce_record_id = '00Q0000000000ZZAAA';
    crms.salesforce.fields.HubSpot_Id__c = null;
    const plan = crms.plan(settings);
    expect(plan.hubspotWrite?.kind === 'update' && plan.hubspotWrite.properties).toEqual({
      salesforce_record_id: syncedLead.id,
    });
    expect(plan.salesforceWrite?.kind === 'update' && plan.salesforceWrite.fields).toEqual({
      HubSpot_Id__c: '512',
    });
    crms.apply(plan);
    expectNoEcho(crms.plan(settings));
  });
});

describe('planner: a Salesforce owner with no HubSpot owner', () => {
  const CLOSER_USER_ID = '005000000000003AAA';
  const withCloser = {
    owners: indexOwners({
      hubspotOwners: [{ id: REP_OWNER_ID, email: 'rep@example.com' }],
      salesforceUsers: [
        { id: REP_USER_ID, email: 'rep@example.com', isActive: true },
        { id: CLOSER_USER_ID, email: 'closer@example.com', isActive: true },
      ],
    }),
  };
  const settings = buildSettings();

  /** A contact with no owner, linked to a Lead the closer owns, synced once. */
  function closersPair(): TwoCrms {
    const crms = new TwoCrms(
      activeLink(),
      { ...syncedHubspot, properties: { ...syncedHubspot.properties, hubspot_owner_id: '' } },
      { ...syncedLead, fields: { ...syncedLead.fields, OwnerId: CLOSER_USER_ID } },
      modelOptions,
    );
    crms.apply(crms.plan(settings, { context: withCloser }));
    return crms;
  }

  it("keeps the closer as the last synced owner, and HubSpot's blank owner stands in for it", () => {
    const crms = closersPair();
    expect(crms.shadows.owner).toBe('closer@example.com');
    expect(crms.hubspot.properties.hubspot_owner_id).toBe('');
    crms.editSalesforce('Title', 'VP');
    const plan = crms.plan(settings, { context: withCloser });
    expect(plan.salesforceWrite).toBeNull();
    expect(plan.hubspotWrite?.kind === 'update' && plan.hubspotWrite.properties).toEqual({ jobtitle: 'VP' });
    expect(plan.failures).toMatchObject([{ code: 'owner_not_found', fieldKey: 'owner', side: 'hubspot' }]);
    expect(plan.failures[0]?.message).toContain('so the owner there is left as it is');
  });

  it('still takes an owner a person sets in HubSpot for a change', () => {
    const crms = closersPair();
    crms.editHubspot('hubspot_owner_id', REP_OWNER_ID);
    const plan = crms.plan(settings, { context: withCloser });
    expect(plan.salesforceWrite?.kind === 'update' && plan.salesforceWrite.fields).toEqual({
      OwnerId: REP_USER_ID,
    });
    expect(plan.failures).toEqual([]);
  });

  it('moves the last synced owner to another Salesforce owner with no HubSpot owner', () => {
    const crms = closersPair();
    crms.editSalesforce('OwnerId', '005000000000002AAA');
    const boss = {
      owners: indexOwners({
        hubspotOwners: [{ id: REP_OWNER_ID, email: 'rep@example.com' }],
        salesforceUsers: [
          { id: REP_USER_ID, email: 'rep@example.com', isActive: true },
          { id: '005000000000002AAA', email: 'boss@example.com', isActive: true },
          { id: CLOSER_USER_ID, email: 'closer@example.com', isActive: true },
        ],
      }),
    };
    crms.apply(crms.plan(settings, { context: boss }));
    expect(crms.shadows.owner).toBe('boss@example.com');
    expect(crms.plan(settings, { context: boss }).salesforceWrite).toBeNull();
  });
});
