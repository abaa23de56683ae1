/**
 * Companies ⇄ Accounts through change detection and the sync worker, from a real install: the first polls
 * find companies and Accounts, a company edit arrives by webhook, an Account edit by the Salesforce poll,
 * and the echoes of both writes cost nothing.
 */
import * as links from '../../../src/db/links';
import * as settingsTable from '../../../src/db/settings';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

const WRITES =
  /^(POST \/crm\/v3\/objects\/\w+\/batch\/(update|upsert|create)|(POST|PATCH|DELETE) \/services\/data.*)$/;

describe.each(testDialects)('companies through change detection on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  let worker: SyncWorker;
  const portalId = 3901;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    // The org's users own records in HubSpot too, so owners map both ways.
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(portalId, { email });
    }
    const current = await settingsTable.current(harness.testDb.db, installationId, (raw) => raw);
    const document = structuredClone(defaultSettingsInput);
    if (document.objects.companies) document.objects.companies.enabled = true;
    const saved = await settingsTable.save(
      harness.testDb.db,
      installationId,
      {
        document: document as unknown as Record<string, never>,
        createdBy: 'admin@portal3901.example.com',
        baseVersion: current?.version ?? 0,
      },
      harness.clock.now(),
    );
    if (!saved.ok) throw new Error('settings were not saved');
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  const drained = () => harness.drained(installationId);

  async function writes(): Promise<number> {
    const hubspot = (await harness.hubspot.control.calls()).byPortal[String(portalId)]?.byRoute ?? {};
    const salesforce = (await harness.salesforce.control.calls()).byRoute;
    return Object.entries({ ...hubspot, ...salesforce })
      .filter(([route]) => WRITES.test(route))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  it('syncs companies and Accounts found by the polls, then edits from a webhook and a poll, without echoes', async () => {
    const person = harness.hubspot.control.asUser(portalId);
    const company = await person.create('companies', { name: 'Wayne Enterprises', domain: 'wayne.example' });
    const [accountId] = await harness.salesforce.control.createRecords('Account', [
      { Name: 'Stark Industries', Website: 'https://www.stark.example/', Industry: 'Technology' },
    ]);
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.pollAll();
    await drained();

    const companyLink = await links.findActiveByHubspot(
      harness.testDb.db,
      installationId,
      'companies',
      company.id,
    );
    expect(companyLink).toMatchObject({ salesforceObjectType: 'Account' });
    const accountLink = await links.findActiveBySalesforce(harness.testDb.db, installationId, accountId!);
    expect(accountLink).toMatchObject({ hubspotObjectType: 'companies' });
    const stark = await harness.hubspot.control.record(portalId, 'companies', accountLink!.hubspotId);
    expect(stark.properties).toMatchObject({
      name: 'Stark Industries',
      domain: 'stark.example',
      industry: 'COMPUTER_SOFTWARE',
    });

    // The card on the company says it is in sync and names its Account.
    const card = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/sync/records/hubspot/companies/${company.id}`,
      method: 'GET',
      portalId,
      user: `rep@portal${portalId}.example.com`,
    });
    expect(card.status).toBe(200);
    const answer = (await card.json()) as {
      summary: { state: string };
      link: { salesforce: { objectType: string; recordId: string } } | null;
    };
    expect(answer.summary.state).toBe('in_sync');
    expect(answer.link?.salesforce).toMatchObject({
      objectType: 'Account',
      recordId: companyLink!.salesforceId,
    });

    // A person edits the company: its webhook marks it and the worker writes the Account.
    await harness.pollAll();
    await drained();
    await person.update('companies', company.id, { numberofemployees: '900' });
    await harness.hubspot.control.waitForWebhooksIdle();
    await drained();
    expect((await harness.salesforce.control.getRecord(companyLink!.salesforceId)).NumberOfEmployees).toBe(
      900,
    );

    // A rep edits the Account: the Salesforce poll finds it.
    await harness.salesforce.control.updateRecord(
      accountId!,
      { Name: 'Stark Industries Inc.' },
      { asUser: 'rep@sandbox.example' },
    );
    await harness.pollAll();
    await drained();
    expect(
      (await harness.hubspot.control.record(portalId, 'companies', accountLink!.hubspotId)).properties.name,
    ).toBe('Stark Industries Inc.');

    // Every write comes back as an echo, through webhooks and polls: nothing more is written.
    await harness.hubspot.control.resetCalls();
    await harness.salesforce.control.resetCalls();
    await harness.pollAll();
    await drained();
    await harness.pollAll();
    await drained();
    expect(await writes()).toBe(0);
  });
});
