/**
 * Deals ⇄ Opportunities through both emulators and the real SDKs, with the shipped mapping: creates each way
 * (stage through the default pipeline's map, the close date as a day, the amount), edits each way, a critical
 * field changed on both sides left for a person, and a deal Salesforce could not take without a close date.
 */
import * as conflicts from '../../../src/db/conflicts';
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import { testDialects } from '../../support/db';
import { suiteEmulators } from '../../support/syncEmulators';
import { createHarness, writeCalls, type Harness } from '../../support/syncHarness';

const emulators = suiteEmulators();

const dealsOn = (defaults: SettingsInput): SettingsInput => {
  const deals = defaults.objects.deals;
  if (deals) deals.enabled = true;
  return defaults;
};

const REP = 'rep@sandbox.example';
const markDeal = (h: Harness, id: string) => h.mark({ side: 'hubspot', objectType: 'deals', recordId: id });
const markOpportunity = (h: Harness, id: string) =>
  h.mark({ side: 'salesforce', objectType: 'Opportunity', recordId: id }, undefined, 'poll');

describe.each(testDialects)('deals ⇄ Opportunities on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    await emulators.salesforce.control.reset();
    h = await createHarness(dialect, emulators.hubspot, emulators.salesforce, { settings: dealsOn });
  });
  afterEach(async () => h.destroy());

  async function syncedDeal() {
    const deal = await emulators.hubspot.control.asUser(h.portalId).create('deals', {
      dealname: 'Rocket order',
      amount: '12500.5',
      closedate: String(Date.UTC(2027, 2, 31, 15, 30)),
      dealstage: 'presentationscheduled',
      pipeline: 'default',
      dealtype: 'newbusiness',
    });
    await markDeal(h, deal.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'deals', deal.id);
    return { dealId: deal.id, opportunityId: link?.salesforceId as string, link };
  }

  it('creates an Opportunity for a new deal, stage, day and amount mapped, and the echo writes nothing', async () => {
    const { dealId, opportunityId, link } = await syncedDeal();
    expect(link).toMatchObject({ salesforceObjectType: 'Opportunity', state: 'active' });
    expect(await emulators.salesforce.control.getRecord(opportunityId)).toMatchObject({
      Name: 'Rocket order',
      Amount: 12500.5,
      CloseDate: '2027-03-31',
      StageName: 'Needs Analysis',
      Type: 'New Customer',
      HubSpot_Id__c: dealId,
    });
    await h.resetCalls();
    await markDeal(h, dealId);
    await markOpportunity(h, opportunityId);
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it('creates a deal for a new Opportunity and carries edits each way', async () => {
    const { id } = await emulators.salesforce.control.createRecord(
      'Opportunity',
      { Name: 'Renewal', StageName: 'Negotiation/Review', CloseDate: '2027-06-30', Amount: 900 },
      { asUser: REP },
    );
    await markOpportunity(h, id);
    await h.drain();
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, id);
    expect(link).toMatchObject({ hubspotObjectType: 'deals' });
    const dealId = link?.hubspotId as string;
    const deal = await emulators.hubspot.control.record(h.portalId, 'deals', dealId);
    expect(deal.properties).toMatchObject({ dealname: 'Renewal', dealstage: 'contractsent', amount: '900' });
    // HubSpot answers date-time properties as ISO text: the day, at midnight UTC.
    const closedate = String(deal.properties.closedate);
    const closedMs = /^\d+$/.test(closedate) ? Number(closedate) : Date.parse(closedate);
    expect(new Date(closedMs).toISOString()).toBe('2027-06-30T00:00:00.000Z');

    await emulators.salesforce.control.updateRecord(id, { StageName: 'Closed Won' }, { asUser: REP });
    await markOpportunity(h, id);
    await h.drain();
    expect((await emulators.hubspot.control.record(h.portalId, 'deals', dealId)).properties.dealstage).toBe(
      'closedwon',
    );
    await emulators.hubspot.control.asUser(h.portalId).update('deals', dealId, { amount: '950' });
    await markDeal(h, dealId);
    await h.drain();
    expect((await emulators.salesforce.control.getRecord(id)).Amount).toBe(950);
  });

  it('leaves an amount changed on both sides for a person, writing neither', async () => {
    const { dealId, opportunityId } = await syncedDeal();
    await h.clock.advance(1_000);
    await emulators.hubspot.control.asUser(h.portalId).update('deals', dealId, { amount: '13000' });
    await emulators.salesforce.control.updateRecord(opportunityId, { Amount: 14000 }, { asUser: REP });
    await markDeal(h, dealId);
    await markOpportunity(h, opportunityId);
    await h.drain();
    const open = await conflicts.listOpen(h.testDb.db, h.installationId, {});
    expect(open.map((conflict) => conflict.fieldKey)).toEqual(['amount']);
    expect((await emulators.salesforce.control.getRecord(opportunityId)).Amount).toBe(14000);
    expect((await emulators.hubspot.control.record(h.portalId, 'deals', dealId)).properties.amount).toBe(
      '13000',
    );
  });

  it('carries the currency with the amount where the org uses several currencies', async () => {
    await emulators.salesforce.control.enableMultiCurrency({
      corporateCurrency: 'USD',
      currencies: ['EUR', 'GBP'],
    });
    const deal = await emulators.hubspot.control.asUser(h.portalId).create('deals', {
      dealname: 'Euro order',
      amount: '500',
      deal_currency_code: 'EUR',
      closedate: String(Date.UTC(2027, 2, 31)),
      dealstage: 'qualifiedtobuy',
      pipeline: 'default',
    });
    await markDeal(h, deal.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'deals', deal.id);
    const opportunityId = link?.salesforceId as string;
    expect(await emulators.salesforce.control.getRecord(opportunityId)).toMatchObject({
      Amount: 500,
      CurrencyIsoCode: 'EUR',
    });
    await h.clock.advance(1_000);
    await emulators.salesforce.control.updateRecord(
      opportunityId,
      { Amount: 420, CurrencyIsoCode: 'GBP' },
      { asUser: REP },
    );
    await markOpportunity(h, opportunityId);
    await h.drain();
    expect((await emulators.hubspot.control.record(h.portalId, 'deals', deal.id)).properties).toMatchObject({
      amount: '420',
      deal_currency_code: 'GBP',
    });
  });

  it('waits, saying what to fill in, for a deal Salesforce cannot take without a close date', async () => {
    const deal = await emulators.hubspot.control
      .asUser(h.portalId)
      .create('deals', { dealname: 'Someday', dealstage: 'appointmentscheduled', pipeline: 'default' });
    await markDeal(h, deal.id);
    await h.drain();
    expect(await links.findActiveByHubspot(h.testDb.db, h.installationId, 'deals', deal.id)).toBeNull();
    const failure = await failures.findUnresolved(h.testDb.db, h.installationId, {
      side: 'hubspot',
      objectType: 'deals',
      recordId: deal.id,
    });
    expect(failure).toMatchObject({ category: 'required_field_missing' });
    expect(failure?.message).toContain('CloseDate');
  });
});
