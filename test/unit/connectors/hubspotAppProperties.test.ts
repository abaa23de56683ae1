import fs from 'node:fs';
import path from 'node:path';
import { appProperties, type AppPropertyDefinition } from '../../../src/connectors/hubspot/appProperties';
import {
  compareProperty,
  toPropertyCreate,
  type ExistingProperty,
} from '../../../src/connectors/hubspot/bootstrap';
import { HUBSPOT_REQUIRED_SCOPES, missingHubSpotScopes } from '../../../src/connectors/hubspot/scopes';

const definition = (name: string): AppPropertyDefinition => {
  const found = appProperties.find((property) => property.name === name);
  if (!found) throw new Error(`no app property ${name}`);
  return found;
};

const existing = (overrides: Partial<ExistingProperty>): ExistingProperty => ({
  name: 'x',
  type: 'string',
  fieldType: 'text',
  hasUniqueValue: false,
  options: [],
  ...overrides,
});

describe('HubSpot app scopes', () => {
  it('asks for exactly the requiredScopes of the app definition', () => {
    const file = path.join(__dirname, '../../../hubspot-app/src/app/app-hsmeta.json');
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      config: { auth: { requiredScopes: string[] } };
    };
    expect([...HUBSPOT_REQUIRED_SCOPES].sort()).toEqual([...meta.config.auth.requiredScopes].sort());
  });

  it('lists the required scopes a grant lacks', () => {
    expect(missingHubSpotScopes([...HUBSPOT_REQUIRED_SCOPES])).toEqual([]);
    expect(missingHubSpotScopes(['oauth', 'crm.objects.contacts.read'])).toContain('crm.schemas.deals.write');
  });

  it("asks to read the portal's users, so that only settings managers change the settings", () => {
    expect(HUBSPOT_REQUIRED_SCOPES).toContain('settings.users.read');
    const grantedBeforeTheRoleCheck = HUBSPOT_REQUIRED_SCOPES.filter(
      (scope) => scope !== 'settings.users.read',
    );
    expect(missingHubSpotScopes(grantedBeforeTheRoleCheck)).toEqual(['settings.users.read']);
  });
});

describe('app property definitions', () => {
  it('define the six bridge properties, the record id unique', () => {
    expect(appProperties.map((property) => property.name)).toEqual([
      'salesforce_record_id',
      'salesforce_object_type',
      'salesforce_record_url',
      'salesforce_sync_status',
      'salesforce_last_synced_at',
      'salesforce_deleted_at',
    ]);
    expect(
      appProperties.filter((property) => property.hasUniqueValue).map((property) => property.name),
    ).toEqual(['salesforce_record_id']);
  });

  it('become a create request in the bridge group with every option', () => {
    const create = toPropertyCreate(definition('salesforce_sync_status'));
    expect(create).toMatchObject({
      groupName: 'salesforce_bridge',
      type: 'enumeration',
      fieldType: 'select',
      formField: false,
    });
    expect(create.options?.map((option) => option.value)).toEqual([
      'synced',
      'pending',
      'conflict',
      'error',
      'paused',
      'excluded',
      'deleted_in_salesforce',
    ]);
  });
});

describe('compareProperty', () => {
  it('accepts an existing property of the same shape', () => {
    const recordId = definition('salesforce_record_id');
    expect(compareProperty('contacts', recordId, existing({ hasUniqueValue: true }))).toEqual({
      verdict: 'compatible',
    });
  });

  it('reports a property of another type, naming both types and what to do', () => {
    const verdict = compareProperty(
      'deals',
      definition('salesforce_last_synced_at'),
      existing({ type: 'number', fieldType: 'number' }),
    );
    expect(verdict.verdict).toBe('incompatible');
    if (verdict.verdict === 'incompatible') {
      expect(verdict.problem).toContain(
        'deals property "salesforce_last_synced_at" exists as number (number)',
      );
      expect(verdict.problem).toContain('datetime');
      expect(verdict.problem).toContain('reinstall');
    }
  });

  it('reports a record id property without unique values, which HubSpot cannot add later', () => {
    const verdict = compareProperty(
      'contacts',
      definition('salesforce_record_id'),
      existing({ hasUniqueValue: false }),
    );
    expect(verdict).toMatchObject({ verdict: 'incompatible' });
  });

  it('treats a multi-select enumeration as unusable', () => {
    const verdict = compareProperty(
      'contacts',
      definition('salesforce_object_type'),
      existing({ type: 'enumeration', fieldType: 'checkbox' }),
    );
    expect(verdict.verdict).toBe('incompatible');
  });

  it('lists the options an existing enumeration lacks', () => {
    const verdict = compareProperty(
      'companies',
      definition('salesforce_object_type'),
      existing({
        type: 'enumeration',
        fieldType: 'select',
        options: [
          { value: 'Lead', label: 'Lead' },
          { value: 'Contact', label: 'Contact' },
        ],
      }),
    );
    expect(verdict).toEqual({
      verdict: 'missing_options',
      missing: [
        { value: 'Account', label: 'Account' },
        { value: 'Opportunity', label: 'Opportunity' },
      ],
    });
  });
});
