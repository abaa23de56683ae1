/**
 * Scope per object, with associations: a contact in scope whose company is out of the companies' scope still
 * syncs, without the company; the Account is not brought into HubSpot, nothing fails, and the card says the
 * company waits for a link that only a change of scope (or of the Account) makes.
 */
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import * as engine from '../../../src/sync/engineApi';
import { testDialects } from '../../support/db';
import { suiteEmulators } from '../../support/syncEmulators';
import { createHarness, type Harness } from '../../support/syncHarness';

const emulators = suiteEmulators();
const REP = 'rep@sandbox.example';

/** The shipped settings (companies and deals on), with companies limited to software companies. */
const softwareCompaniesOnly = (defaults: SettingsInput): SettingsInput => {
  defaults.objects.companies!.scope = {
    anyOf: [{ allOf: [{ property: 'industry', operator: 'eq', value: 'COMPUTER_SOFTWARE' }] }],
  };
  return defaults;
};

describe.each(testDialects)('scope per object with associations on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    await emulators.salesforce.control.reset();
    h = await createHarness(dialect, emulators.hubspot, emulators.salesforce, {
      settings: softwareCompaniesOnly,
    });
  });
  afterEach(async () => h.destroy());

  const markSalesforce = (objectType: 'Account' | 'Contact', id: string) =>
    h.mark({ side: 'salesforce', objectType, recordId: id }, undefined, 'poll');

  it('syncs a Contact whose Account is out of the companies’ scope, without the company', async () => {
    const inScope = await emulators.salesforce.control.createRecord(
      'Account',
      { Name: 'Initech', Website: 'https://initech-scope.example.com', Industry: 'Technology' },
      { asUser: REP },
    );
    const outOfScope = await emulators.salesforce.control.createRecord(
      'Account',
      { Name: 'Umbrella Farms', Website: 'https://umbrella-scope.example.com', Industry: 'Agriculture' },
      { asUser: REP },
    );
    const [kept, skipped] = await Promise.all(
      [inScope.id, outOfScope.id].map(async (accountId, index) =>
        emulators.salesforce.control.createRecord(
          'Contact',
          { LastName: `Scope ${index}`, Email: `scope.${index}@example.com`, AccountId: accountId },
          { asUser: REP },
        ),
      ),
    );
    for (const id of [inScope.id, outOfScope.id]) await markSalesforce('Account', id);
    for (const contact of [kept!, skipped!]) await markSalesforce('Contact', contact.id);
    await h.drain();

    // The software company syncs, and its Contact's contact has it as primary company.
    const company = await links.findActiveBySalesforce(h.testDb.db, h.installationId, inScope.id);
    expect(company).not.toBeNull();
    const keptContact = await links.findActiveBySalesforce(h.testDb.db, h.installationId, kept!.id);
    const keptRecord = await emulators.hubspot.control.record(h.portalId, 'contacts', keptContact!.hubspotId);
    expect(keptRecord.associations.companies?.map((entry) => entry.id)).toEqual([company!.hubspotId]);

    // The farm is out of scope: no company, and its Contact still syncs, with no company and no failure.
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, outOfScope.id)).toBeNull();
    const { results: companies } = await emulators.hubspot.control.records(h.portalId, 'companies');
    expect(companies.map((record) => record.properties.name).sort()).toEqual(['Initech']);
    const skippedContact = await links.findActiveBySalesforce(h.testDb.db, h.installationId, skipped!.id);
    expect(skippedContact).not.toBeNull();
    const skippedRecord = await emulators.hubspot.control.record(
      h.portalId,
      'contacts',
      skippedContact!.hubspotId,
    );
    expect(skippedRecord.properties.lastname).toBe('Scope 1');
    expect(skippedRecord.associations.companies ?? []).toEqual([]);
    expect(await failures.countUnresolved(h.testDb.db, h.installationId)).toBe(0);

    // Its card shows the company as waiting for its Account, not as an error.
    const status = await engine.recordSyncStatus(
      { db: h.testDb.db, now: h.clock.now, clients: h.deps.clients },
      h.installationId,
      { side: 'hubspot', objectType: 'contacts', recordId: skippedContact!.hubspotId },
      { dryRun: true },
    );
    expect(status.failures).toEqual([]);
    expect(status.summary.state).toBe('in_sync');
    expect(status.summary.message).toContain('except for an associated record not synced yet');
    expect(status.waitingFor.map((entry) => entry.record)).toEqual([
      { side: 'salesforce', recordId: outOfScope.id },
    ]);
    expect(status.dryRun?.fields.find((field) => field.key === 'primary_company')?.failureCode).toBe(
      'association_waiting',
    );
  });
});
