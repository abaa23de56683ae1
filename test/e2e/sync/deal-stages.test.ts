/**
 * Deal stage maps across two HubSpot pipelines, through both emulators and the real SDKs: a deal in the second
 * pipeline creates an Opportunity with that pipeline's StageName, an Opportunity's stage change lands as the
 * stage of the deal's own pipeline, a new Opportunity becomes a deal in the pipeline its stage is picked in, a
 * StageName the deal's pipeline does not map is a failure naming the pipeline, and a map naming a pipeline,
 * stage or StageName the systems do not have is refused when saved.
 */
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import { openGate } from '../../../src/connectors/gate';
import { ok } from '../../../src/domain/result';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import { parseSettings } from '../../../src/domain/settings/migrate';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import { validateSettings } from '../../../src/domain/settings/validate';
import { LiveMetadataReader } from '../../../src/settings/liveMetadata';
import type { WirePipeline } from '../../emulators/hubspot/control/client';
import { testDialects } from '../../support/db';
import { suiteEmulators } from '../../support/syncEmulators';
import { createHarness, writeCalls, type Harness } from '../../support/syncHarness';

const emulators = suiteEmulators();
const REP = 'rep@sandbox.example';

const markDeal = (h: Harness, id: string) => h.mark({ side: 'hubspot', objectType: 'deals', recordId: id });
const markOpportunity = (h: Harness, id: string) =>
  h.mark({ side: 'salesforce', objectType: 'Opportunity', recordId: id }, undefined, 'poll');

interface StagePipeline {
  pipeline: string;
  label?: string | undefined;
  recordType: string | null;
  stages: Array<{ hubspot: string[]; salesforce: string[] }>;
}

/** The shipped deals settings, turned on, with the deal stage map given. */
function withStageMap(pipelines: readonly StagePipeline[]): SettingsInput {
  const settings = structuredClone(defaultSettingsInput);
  const deals = settings.objects.deals;
  if (!deals) throw new Error('the shipped settings have no deals');
  deals.enabled = true;
  deals.fields = (deals.fields ?? []).map((field) =>
    field.key === 'dealstage'
      ? { ...field, transform: { kind: 'stages', pipelines: [...pipelines] } }
      : field,
  );
  return settings;
}

function shippedPipeline(): StagePipeline {
  const stage = defaultSettingsInput.objects.deals?.fields?.find((field) => field.key === 'dealstage');
  if (stage?.transform.kind !== 'stages') throw new Error('the shipped deal stage is not a stage map');
  const [first] = stage.transform.pipelines;
  if (!first) throw new Error('the shipped stage map has no pipeline');
  return structuredClone({ ...first, recordType: first.recordType ?? null });
}

describe.each(testDialects)('deal stage maps across two pipelines on %s', (dialect) => {
  let h: Harness;
  let renewals: WirePipeline;
  let upForRenewal: string;
  let renewed: string;
  let lost: string;
  let renewalsMap: StagePipeline;

  beforeEach(async () => {
    await emulators.salesforce.control.reset();
    h = await createHarness(dialect, emulators.hubspot, emulators.salesforce);
    renewals = await emulators.hubspot.control.addDealPipeline(h.portalId, {
      label: 'Renewals',
      stages: [
        { label: 'Up for renewal' },
        { label: 'Renewed', isClosed: true, probability: '1.0' },
        { label: 'Lost', isClosed: true, probability: '0.0' },
      ],
    });
    [upForRenewal, renewed, lost] = renewals.stages.map((stage) => stage.id) as [string, string, string];
    renewalsMap = {
      pipeline: renewals.id,
      label: 'Renewals',
      recordType: null,
      stages: [
        { hubspot: [upForRenewal], salesforce: ['Negotiation/Review'] },
        { hubspot: [renewed], salesforce: ['Closed Won'] },
        { hubspot: [lost], salesforce: ['Closed Lost'] },
      ],
    };
    await h.saveSettings(withStageMap([shippedPipeline(), renewalsMap]));
  });
  afterEach(async () => h.destroy());

  async function syncedDeal(pipeline: string, dealstage: string) {
    const deal = await emulators.hubspot.control.asUser(h.portalId).create('deals', {
      dealname: `Deal in ${pipeline}`,
      closedate: String(Date.UTC(2027, 5, 30)),
      pipeline,
      dealstage,
    });
    await markDeal(h, deal.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'deals', deal.id);
    if (!link) throw new Error('the deal was not linked');
    return { dealId: deal.id, opportunityId: link.salesforceId };
  }

  const stageOf = async (dealId: string) =>
    (await emulators.hubspot.control.record(h.portalId, 'deals', dealId)).properties;

  it("creates an Opportunity for a deal of the second pipeline with that pipeline's StageName", async () => {
    const { dealId, opportunityId } = await syncedDeal(renewals.id, upForRenewal);
    expect((await emulators.salesforce.control.getRecord(opportunityId)).StageName).toBe(
      'Negotiation/Review',
    );
    await h.resetCalls();
    await markDeal(h, dealId);
    await markOpportunity(h, opportunityId);
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it("lands an Opportunity's stage change as the stage of the deal's own pipeline, in each pipeline", async () => {
    const renewal = await syncedDeal(renewals.id, upForRenewal);
    const sale = await syncedDeal('default', 'appointmentscheduled');
    expect((await emulators.salesforce.control.getRecord(sale.opportunityId)).StageName).toBe('Prospecting');

    for (const { opportunityId } of [renewal, sale]) {
      await emulators.salesforce.control.updateRecord(
        opportunityId,
        { StageName: 'Closed Won' },
        { asUser: REP },
      );
      await markOpportunity(h, opportunityId);
    }
    await h.drain();
    expect(await stageOf(renewal.dealId)).toMatchObject({ pipeline: renewals.id, dealstage: renewed });
    expect(await stageOf(sale.dealId)).toMatchObject({ pipeline: 'default', dealstage: 'closedwon' });

    // The echo of both writes writes nothing.
    await h.resetCalls();
    for (const { dealId, opportunityId } of [renewal, sale]) {
      await markDeal(h, dealId);
      await markOpportunity(h, opportunityId);
    }
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it("says which pipeline has no stage for a StageName, and leaves the deal's stage as it was", async () => {
    const { dealId, opportunityId } = await syncedDeal(renewals.id, upForRenewal);
    await emulators.salesforce.control.updateRecord(
      opportunityId,
      { StageName: 'Prospecting' },
      { asUser: REP },
    );
    await markOpportunity(h, opportunityId);
    await h.drain();
    expect((await stageOf(dealId)).dealstage).toBe(upForRenewal);
    const unresolved = await failures.list(h.testDb.db, h.installationId, { states: ['open'] });
    const failure = unresolved.find((candidate) => candidate.code === 'no_mapping');
    expect(failure?.category).toBe('picklist_value_not_allowed');
    expect(failure?.message).toContain('"Prospecting"');
    expect(failure?.message).toContain(`the pipeline "Renewals" (${renewals.id})`);
  });

  it('creates a deal for a new Opportunity in the pipeline its stage is picked in', async () => {
    const create = async (name: string) => {
      const { id } = await emulators.salesforce.control.createRecord(
        'Opportunity',
        { Name: name, StageName: 'Closed Won', CloseDate: '2027-06-30' },
        { asUser: REP },
      );
      await markOpportunity(h, id);
      await h.drain();
      const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, id);
      return stageOf(link?.hubspotId as string);
    };
    // The first pipeline takes Opportunities of no mapped record type.
    expect(await create('To the default pipeline')).toMatchObject({
      pipeline: 'default',
      dealstage: 'closedwon',
    });
    await h.saveSettings(withStageMap([renewalsMap, shippedPipeline()]));
    expect(await create('To renewals')).toMatchObject({ pipeline: renewals.id, dealstage: renewed });
  });

  it("ties a pipeline to an Opportunity record type: each side's new record takes the other's", async () => {
    await emulators.salesforce.control.addRecordType('Opportunity', { developerName: 'New_Business' });
    const { recordType: renewal } = await emulators.salesforce.control.addRecordType('Opportunity', {
      developerName: 'Renewal',
    });
    await h.saveSettings(withStageMap([shippedPipeline(), { ...renewalsMap, recordType: 'Renewal' }]));

    const opportunityBecomesDeal = async (fields: Record<string, unknown>) => {
      const { id } = await emulators.salesforce.control.createRecord(
        'Opportunity',
        { Name: 'From Salesforce', StageName: 'Closed Won', CloseDate: '2027-06-30', ...fields },
        { asUser: REP },
      );
      await markOpportunity(h, id);
      await h.drain();
      const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, id);
      return stageOf(link?.hubspotId as string);
    };
    expect(await opportunityBecomesDeal({ RecordTypeId: renewal.id })).toMatchObject({
      pipeline: renewals.id,
      dealstage: renewed,
    });
    // The org's default record type (New_Business) is tied to no pipeline: the first pipeline takes it.
    expect(await opportunityBecomesDeal({})).toMatchObject({ pipeline: 'default', dealstage: 'closedwon' });

    const renewalDeal = await syncedDeal(renewals.id, upForRenewal);
    expect(await emulators.salesforce.control.getRecord(renewalDeal.opportunityId)).toMatchObject({
      RecordTypeId: renewal.id,
      StageName: 'Negotiation/Review',
    });
    const saleDeal = await syncedDeal('default', 'appointmentscheduled');
    expect((await emulators.salesforce.control.getRecord(saleDeal.opportunityId)).RecordTypeId).not.toBe(
      renewal.id,
    );
  });

  it('refuses to save a map naming a pipeline, stage, StageName or record type the systems do not have', async () => {
    const reader = new LiveMetadataReader({
      clients: { hubspot: async () => ok(h.hubspot), salesforce: async () => ok(h.salesforce) },
      budget: { gateFor: () => ({ ...openGate, settled: async () => undefined }) },
      now: h.clock.now,
      logger: h.logger,
    });
    const check = async (document: SettingsInput) => {
      const parsed = parseSettings(document);
      if (!parsed.ok) throw new Error('the document does not parse');
      const live = await reader.read(h.installationId, parsed.value, { fresh: true });
      const { valid, messages } = validateSettings(document, live.metadata);
      return { valid, errors: messages.filter((message) => message.severity === 'error') };
    };

    expect(await check(withStageMap([shippedPipeline(), renewalsMap]))).toEqual({ valid: true, errors: [] });

    const bad = withStageMap([
      shippedPipeline(),
      {
        ...renewalsMap,
        stages: [
          { hubspot: [upForRenewal], salesforce: ['Negotiating'] },
          { hubspot: ['renewalpending'], salesforce: ['Closed Won'] },
        ],
      },
      {
        pipeline: '404404',
        recordType: null,
        stages: [{ hubspot: ['nowhere'], salesforce: ['Closed Lost'] }],
      },
    ]);
    const refused = await check(bad);
    expect(refused.valid).toBe(false);
    expect(refused.errors.map((message) => [message.fieldKey, message.code])).toEqual([
      ['dealstage', 'stage_name_unknown'],
      ['dealstage', 'stage_unknown'],
      ['dealstage', 'stage_pipeline_unknown'],
    ]);
    const [stageName, stage, pipeline] = refused.errors.map((message) => message.message);
    expect(stageName).toContain(
      `"Deal stage": pipelines.1.stages.0: the stage map of pipeline "Renewals" (${renewals.id}) names the StageName "Negotiating", which is not an active value of Opportunity.StageName`,
    );
    expect(stage).toContain(
      `names the HubSpot stage "renewalpending", which is not a stage of that pipeline`,
    );
    expect(pipeline).toContain(`names the HubSpot pipeline "404404", which HubSpot does not have`);
    expect(pipeline).toContain(`"Renewals" (${renewals.id})`);

    // A record type is checked against the Opportunity's record types.
    const byRecordType = withStageMap([shippedPipeline(), { ...renewalsMap, recordType: 'Renewal' }]);
    const unknownType = await check(byRecordType);
    expect(unknownType.errors.map((message) => message.code)).toEqual(['stage_record_type_unknown']);
    expect(unknownType.errors[0]?.message).toContain(
      `names the Opportunity record type "Renewal", which Salesforce does not have (its record types: none)`,
    );
    await emulators.salesforce.control.addRecordType('Opportunity', { developerName: 'Renewal' });
    expect(await check(byRecordType)).toEqual({ valid: true, errors: [] });
  });
});
