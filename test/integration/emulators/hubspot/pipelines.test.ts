import type { Client } from '@hubspot/api-client';
import type { HubSpotEmulator } from '../../../emulators/hubspot';
import type { WirePipeline } from '../../../emulators/hubspot/control/client';
import { apiError, sdk, startEmulator } from './support';

let emulator: HubSpotEmulator;
let client: Client;
let portalId: number;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  portalId = emulator.defaultPortalId;
  client = sdk(emulator, (await emulator.control.issueToken(portalId)).accessToken);
});

function renewals(): Promise<WirePipeline> {
  return emulator.control.addDealPipeline(portalId, {
    label: 'Renewals',
    stages: [{ label: 'Up for renewal' }, { label: 'Renewed', isClosed: true, probability: '1.0' }],
  });
}

describe('deal pipelines', () => {
  it('lists the default Sales Pipeline with its seven stages and their metadata', async () => {
    const answer = await client.crm.pipelines.pipelinesApi.getAll('deals');
    expect(answer.results.map((pipeline) => [pipeline.id, pipeline.label])).toEqual([
      ['default', 'Sales Pipeline'],
    ]);
    const stages = answer.results[0]?.stages ?? [];
    expect(stages.map((stage) => stage.id)).toEqual([
      'appointmentscheduled',
      'qualifiedtobuy',
      'presentationscheduled',
      'decisionmakerboughtin',
      'contractsent',
      'closedwon',
      'closedlost',
    ]);
    expect(stages[5]?.metadata).toEqual({ isClosed: 'true', probability: '1.0' });
    expect(stages[0]?.metadata?.isClosed).toBe('false');
  });

  it('adds a pipeline with numeric ids, readable alone and as options of dealstage and pipeline', async () => {
    const added = await renewals();
    expect(added.id).toMatch(/^\d+$/);
    expect(added.stages.every((stage) => /^\d+$/.test(stage.id))).toBe(true);

    const all = await client.crm.pipelines.pipelinesApi.getAll('deals');
    expect(all.results.map((pipeline) => pipeline.label)).toEqual(['Sales Pipeline', 'Renewals']);
    const one = await client.crm.pipelines.pipelinesApi.getById('deals', added.id);
    expect(one.stages.map((stage) => stage.label)).toEqual(['Up for renewal', 'Renewed']);

    const stageProperty = await client.crm.properties.coreApi.getByName('deals', 'dealstage');
    expect(stageProperty.options.map((option) => option.value)).toEqual(
      expect.arrayContaining(['closedwon', ...added.stages.map((stage) => stage.id)]),
    );
    const pipelineProperty = await client.crm.properties.coreApi.getByName('deals', 'pipeline');
    expect(pipelineProperty.options.map((option) => option.value)).toEqual(['default', added.id]);

    const missing = await apiError(client.crm.pipelines.pipelinesApi.getById('deals', '999'));
    expect(missing.code).toBe(404);
  });

  it('puts a deal created without a pipeline in the default one', async () => {
    const deal = await client.crm.deals.basicApi.create({
      properties: { dealname: 'No pipeline', dealstage: 'qualifiedtobuy' },
      associations: [],
    });
    const read = await client.crm.deals.basicApi.getById(deal.id, ['pipeline', 'dealstage']);
    expect(read.properties.pipeline).toBe('default');
  });

  it("refuses a stage that is not one of the deal's pipeline's stages", async () => {
    const added = await renewals();
    const renewed = added.stages[1]?.id ?? '';

    const wrongCreate = await apiError(
      client.crm.deals.basicApi.create({
        properties: { dealname: 'Mixed', pipeline: 'default', dealstage: renewed },
        associations: [],
      }),
    );
    expect(wrongCreate.code).toBe(400);
    expect(wrongCreate.body.category).toBe('VALIDATION_ERROR');
    expect(wrongCreate.body.message).toContain(`${renewed} is not a valid deal stage for pipeline default`);

    const deal = await client.crm.deals.basicApi.create({
      properties: { dealname: 'Renewal', pipeline: added.id, dealstage: renewed },
      associations: [],
    });
    const read = await client.crm.deals.basicApi.getById(deal.id, ['pipeline', 'dealstage', 'hs_is_closed']);
    expect(read.properties).toMatchObject({ pipeline: added.id, dealstage: renewed, hs_is_closed: 'true' });

    const wrongUpdate = await apiError(
      client.crm.deals.basicApi.update(deal.id, { properties: { dealstage: 'closedwon' } }),
    );
    expect(wrongUpdate.code).toBe(400);
    expect(wrongUpdate.body.message).toContain(
      `closedwon is not a valid deal stage for pipeline ${added.id}`,
    );

    // Moving to another pipeline with one of its stages is allowed.
    await client.crm.deals.basicApi.update(deal.id, {
      properties: { pipeline: 'default', dealstage: 'closedwon' },
    });
    const moved = await client.crm.deals.basicApi.getById(deal.id, ['pipeline', 'dealstage']);
    expect(moved.properties).toMatchObject({ pipeline: 'default', dealstage: 'closedwon' });
  });
});
