import { defaultSettingsInput } from '../../../../src/domain/settings/defaults';
import type { SettingsUpgrade } from '../../../../src/domain/settings/migrate';
import { parseSettings, upgradeSettingsDocument } from '../../../../src/domain/settings/migrate';

describe('parseSettings', () => {
  it('reads a current document and fills defaults', () => {
    const parsed = parseSettings(JSON.parse(JSON.stringify(defaultSettingsInput)));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.apiBudget.salesforceDailyPercent).toBe(25);
  });

  it('refuses a document written by a newer version, saying so', () => {
    const parsed = parseSettings({ ...defaultSettingsInput, schemaVersion: 7 });
    expect(parsed).toEqual({
      ok: false,
      error: [
        {
          path: 'schemaVersion',
          message:
            'was written by a newer version of the app (settings version 7); this version reads up to 2',
        },
      ],
    });
  });

  it.each([null, 'settings', [], { objects: {} }, { schemaVersion: 0 }, { schemaVersion: 1.5 }])(
    'refuses %j',
    (input) => {
      expect(parseSettings(input).ok).toBe(false);
    },
  );

  it('reads role ids for who may change the settings, and refuses a role listed twice', () => {
    const named = parseSettings({ ...defaultSettingsInput, access: { settingsRoleIds: ['101', '202'] } });
    expect(named.ok && named.value.access.settingsRoleIds).toEqual(['101', '202']);
    const twice = parseSettings({ ...defaultSettingsInput, access: { settingsRoleIds: ['101', '101'] } });
    expect(twice.ok ? [] : twice.error).toEqual([
      { path: 'access.settingsRoleIds', message: 'lists a role more than once' },
    ]);
  });

  it('reports schema problems with their path', () => {
    const parsed = parseSettings({ ...defaultSettingsInput, apiBudget: { salesforceDailyPercent: 0 } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.error.map((problem) => problem.path)).toEqual(['apiBudget.salesforceDailyPercent']);
  });
});

describe('upgradeSettingsDocument', () => {
  // A made-up history, to exercise the chain: v1 kept the Salesforce share as a fraction, v2 renamed a key.
  const upgrades: SettingsUpgrade[] = [
    {
      from: 1,
      to: 2,
      description: 'Salesforce share as a percentage',
      upgrade: (doc) => ({ ...doc, share: Math.round(Number(doc.share) * 100) }),
    },
    {
      from: 2,
      to: 3,
      description: 'share renamed salesforceDailyPercent',
      upgrade: ({ share, ...rest }) => ({ ...rest, salesforceDailyPercent: share }),
    },
  ];

  it('applies every step from the stored version to the current one, in order', () => {
    const stored = { schemaVersion: 1, share: 0.25 };
    const upgraded = upgradeSettingsDocument(stored, upgrades, 3);
    expect(upgraded).toEqual({
      ok: true,
      value: {
        document: { schemaVersion: 3, salesforceDailyPercent: 25 },
        fromVersion: 1,
        applied: ['Salesforce share as a percentage', 'share renamed salesforceDailyPercent'],
      },
    });
    expect(stored).toEqual({ schemaVersion: 1, share: 0.25 });
  });

  it('starts from the stored version', () => {
    const upgraded = upgradeSettingsDocument({ schemaVersion: 2, share: 40 }, upgrades, 3);
    expect(upgraded.ok && upgraded.value.document).toEqual({ schemaVersion: 3, salesforceDailyPercent: 40 });
  });

  it('says when a step is missing', () => {
    expect(upgradeSettingsDocument({ schemaVersion: 1 }, upgrades.slice(1), 3)).toEqual({
      ok: false,
      error: [{ path: 'schemaVersion', message: 'no upgrade is known from settings version 1' }],
    });
  });
});

describe('settings version 1 → 2: the deal stage map', () => {
  it("reads a version 1 deal stage value map as the default pipeline's stage map", () => {
    const current = JSON.parse(JSON.stringify(defaultSettingsInput)) as {
      objects: { deals: { fields: Array<{ key: string; transform: unknown }> } };
    };
    const options = [
      { hubspot: ['appointmentscheduled'], salesforce: ['Prospecting'] },
      { hubspot: ['closedwon'], salesforce: ['Closed Won'] },
    ];
    const fields = current.objects.deals.fields.map((field) =>
      field.key === 'dealstage'
        ? { ...field, transform: { kind: 'picklist', options, passThrough: false } }
        : field,
    );
    const stored = {
      ...current,
      schemaVersion: 1,
      objects: { ...current.objects, deals: { ...current.objects.deals, fields } },
    };

    const parsed = parseSettings(stored);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const stage = parsed.value.objects.deals.fields.find((field) => field.key === 'dealstage');
    expect(stage?.transform).toEqual({
      kind: 'stages',
      pipelines: [{ pipeline: 'default', label: 'Sales Pipeline', recordType: null, stages: options }],
    });
    // Other value maps stay what they were.
    const type = parsed.value.objects.deals.fields.find((field) => field.key === 'dealtype');
    expect(type?.transform.kind).toBe('picklist');
  });
});
