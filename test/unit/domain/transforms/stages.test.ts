/**
 * The deal stage map per pipeline: reading needs no pipeline, writing to HubSpot picks the stage within the
 * deal's own pipeline, and every value written reads back as itself (the echo of a write is no change).
 */
import fc from 'fast-check';
import type { DealStageContext, StagesOptions } from '../../../../src/domain/transforms/stages';
import { createStagesTransform, stagePipelineFor } from '../../../../src/domain/transforms/stages';
import { TransformSpecSchema } from '../../../../src/domain/settings/schema';

const options: StagesOptions = {
  pipelines: [
    {
      pipeline: 'default',
      label: 'Sales Pipeline',
      recordType: null,
      stages: [
        { hubspot: ['appointmentscheduled'], salesforce: ['Prospecting'] },
        { hubspot: ['presentationscheduled'], salesforce: ['Needs Analysis', 'Value Proposition'] },
        { hubspot: ['closedwon'], salesforce: ['Closed Won'] },
        { hubspot: ['closedlost'], salesforce: ['Closed Lost'] },
      ],
    },
    {
      pipeline: '31415001',
      label: 'Renewals',
      recordType: 'Renewal',
      stages: [
        { hubspot: ['31415002'], salesforce: ['Value Proposition'] },
        { hubspot: ['31415003', '31415004'], salesforce: ['Closed Won'] },
      ],
    },
  ],
};

const deal = (pipeline: string | null, recordType: string | null = null): DealStageContext => ({
  pipeline,
  recordType,
});

describe('stages transform', () => {
  it('reads a stage of any pipeline as the StageName its group puts first, with no pipeline needed', () => {
    const transform = createStagesTransform(options, undefined);
    expect(transform.fromHubspot('appointmentscheduled')).toEqual({ ok: true, value: 'Prospecting' });
    expect(transform.fromHubspot('31415002')).toEqual({ ok: true, value: 'Needs Analysis' });
    expect(transform.fromHubspot('31415004')).toEqual({ ok: true, value: 'Closed Won' });
    expect(transform.fromHubspot('')).toEqual({ ok: true, value: null });
    expect(transform.fromSalesforce('value proposition')).toEqual({ ok: true, value: 'Needs Analysis' });
    expect(transform.fromSalesforce(null)).toEqual({ ok: true, value: null });
  });

  it.each([
    ['the deal in the default pipeline', deal('default'), 'Closed Won', 'closedwon'],
    ['the deal in Renewals', deal('31415001'), 'Closed Won', '31415003'],
    ['the deal in Renewals, a grouped StageName', deal('31415001'), 'Needs Analysis', '31415002'],
    ['a new deal of the Renewal record type', deal(null, 'renewal'), 'Closed Won', '31415003'],
    ['a new deal of an unmapped record type', deal(null, 'Upsell'), 'Closed Won', 'closedwon'],
    ['no deal at hand', undefined, 'Prospecting', 'appointmentscheduled'],
  ])('writes to HubSpot the stage of %s', (_, context, value, stage) => {
    expect(createStagesTransform(options, context).toHubspot(value)).toEqual({ ok: true, value: stage });
  });

  it("writes to Salesforce the StageName the deal's pipeline lists first for the value", () => {
    expect(createStagesTransform(options, deal('31415001')).toSalesforce('Needs Analysis')).toEqual({
      ok: true,
      value: 'Value Proposition',
    });
    expect(createStagesTransform(options, deal('default')).toSalesforce('Needs Analysis')).toEqual({
      ok: true,
      value: 'Needs Analysis',
    });
    // A pipeline that does not map it: the canonical StageName itself.
    expect(createStagesTransform(options, deal('31415001')).toSalesforce('Prospecting')).toEqual({
      ok: true,
      value: 'Prospecting',
    });
  });

  it("refuses a StageName with no stage in the deal's pipeline, naming the pipeline", () => {
    const renewals = createStagesTransform(options, deal('31415001'));
    expect(renewals.toHubspot('Prospecting')).toEqual({
      ok: false,
      error: {
        code: 'no_mapping',
        raw: 'Prospecting',
        reason: 'no stage of the pipeline "Renewals" (31415001) is mapped to it',
      },
    });
    const unknown = createStagesTransform(options, deal('999'));
    expect(unknown.toHubspot('Closed Won')).toMatchObject({
      ok: false,
      error: { code: 'no_mapping', reason: 'the deal stage map has no entry for the pipeline "999"' },
    });
  });

  it('says which values the map does not name', () => {
    const transform = createStagesTransform(options, deal('default'));
    expect(transform.fromHubspot('somestage')).toMatchObject({ ok: false, error: { code: 'no_mapping' } });
    expect(transform.fromSalesforce('Negotiation')).toMatchObject({
      ok: false,
      error: { code: 'no_mapping' },
    });
    expect(transform.toSalesforce('Negotiation')).toMatchObject({ ok: false, error: { code: 'no_mapping' } });
    expect(transform.fromSalesforce(42)).toMatchObject({ ok: false, error: { code: 'invalid_value' } });
  });

  it('reads back every value it writes, in every pipeline (seeded)', () => {
    const stageIds = options.pipelines.flatMap((pipeline) =>
      pipeline.stages.flatMap((group) => group.hubspot),
    );
    const names = options.pipelines.flatMap((pipeline) =>
      pipeline.stages.flatMap((group) => group.salesforce),
    );
    const contexts = fc.constantFrom(deal('default'), deal('31415001'), deal(null, 'Renewal'), undefined);
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...stageIds), fc.constantFrom(...names)),
        contexts,
        (raw, context) => {
          const transform = createStagesTransform(options, context);
          const read = stageIds.includes(raw) ? transform.fromHubspot(raw) : transform.fromSalesforce(raw);
          if (!read.ok) return false;
          const toSalesforce = transform.toSalesforce(read.value);
          if (!toSalesforce.ok) return false;
          const fromSalesforce = transform.fromSalesforce(toSalesforce.value);
          if (!fromSalesforce.ok || fromSalesforce.value !== read.value) return false;
          const toHubspot = transform.toHubspot(read.value);
          if (!toHubspot.ok) return toHubspot.error.code === 'no_mapping';
          const fromHubspot = transform.fromHubspot(toHubspot.value);
          return fromHubspot.ok && fromHubspot.value === read.value;
        },
      ),
      { seed: 20261208, numRuns: 300 },
    );
  });

  it('picks the pipeline: the deal’s own, else its record type’s, else the first', () => {
    expect(stagePipelineFor(options, deal('777', 'Renewal'))).toBe('777');
    expect(stagePipelineFor(options, deal(null, 'RENEWAL'))).toBe('31415001');
    expect(stagePipelineFor(options, deal(null))).toBe('default');
  });
});

describe('stages settings', () => {
  const parse = (pipelines: unknown) => TransformSpecSchema.safeParse({ kind: 'stages', pipelines });
  const group = (hubspot: string, salesforce: string) => ({ hubspot: [hubspot], salesforce: [salesforce] });

  it('accepts a map per pipeline and fills in no record type', () => {
    const parsed = parse([{ pipeline: 'default', stages: [group('closedwon', 'Closed Won')] }]);
    expect(parsed.success && parsed.data).toEqual({
      kind: 'stages',
      pipelines: [{ pipeline: 'default', recordType: null, stages: [group('closedwon', 'Closed Won')] }],
    });
  });

  it.each([
    [
      'a pipeline mapped twice',
      [
        { pipeline: 'default', stages: [group('a', 'A')] },
        { pipeline: 'default', stages: [group('b', 'B')] },
      ],
      'the HubSpot pipeline "default" has more than one stage map',
    ],
    [
      'a stage in two pipelines',
      [
        { pipeline: 'default', stages: [group('a', 'A')] },
        { pipeline: '2', stages: [group('a', 'B')] },
      ],
      'the HubSpot stage "a" appears more than once in the stage map',
    ],
    [
      'a StageName twice in one pipeline',
      [{ pipeline: 'default', stages: [group('a', 'A'), group('b', 'A')] }],
      'the StageName "A" appears more than once in the stage map of pipeline "default"',
    ],
    [
      'a record type for two pipelines',
      [
        { pipeline: 'default', recordType: 'Sales', stages: [group('a', 'A')] },
        { pipeline: '2', recordType: 'sales', stages: [group('b', 'B')] },
      ],
      'the record type "sales" is mapped to more than one pipeline',
    ],
  ])('refuses %s', (_, pipelines, message) => {
    const parsed = parse(pipelines);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toContain(message);
  });
});
