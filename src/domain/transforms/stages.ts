/**
 * Deal stages ⇄ Opportunity stages, through one value map per HubSpot pipeline.
 *
 * HubSpot keeps a deal's stage as a stage id of the deal's pipeline (`appointmentscheduled`, `93104587`);
 * Salesforce has one `StageName` picklist for every Opportunity. The map names, per pipeline, which stages
 * and which StageNames mean the same thing:
 *
 *   { pipeline: 'default', recordType: null, stages: [{ hubspot: ['closedwon'], salesforce: ['Closed Won'] }] }
 *
 * Stage ids are unique in a portal, so a HubSpot stage alone says what it means. The canonical value is a
 * StageName: the first-listed of the StageNames that some group puts together (across every pipeline), so
 * reading needs no pipeline and `Needs Analysis` and `Value Proposition` in one group compare equal. Writing
 * to HubSpot does need one: the stage is picked within the deal's own pipeline (its `pipeline` property, or,
 * for a deal still to be created, the pipeline mapped to the Opportunity's record type, else the first
 * pipeline), and so does writing to Salesforce: the StageName the deal's pipeline lists first for it. A
 * StageName with no stage in that pipeline is "no mapping", naming the pipeline.
 *
 * A StageName grouped with another in one pipeline is the same stage in every pipeline: list them apart in
 * each pipeline's groups only when every pipeline keeps them apart.
 */
import { err, ok } from '../result';
import type { CanonicalValue, FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire } from './canonical';
import type { PicklistGroup } from './picklist';

/** The HubSpot property holding a deal's pipeline id. */
export const DEAL_PIPELINE_PROPERTY = 'pipeline';
/** The Opportunity's record type. */
export const RECORD_TYPE_ID_FIELD = 'RecordTypeId';

export interface StagePipeline {
  /** HubSpot's pipeline id (`default` for the default sales pipeline). */
  readonly pipeline: string;
  /** The pipeline's name in HubSpot, for messages (absent: its id). */
  readonly label?: string | undefined;
  /** The Opportunity record type (DeveloperName) whose Opportunities are deals of this pipeline. */
  readonly recordType: string | null;
  readonly stages: readonly PicklistGroup[];
}

export interface StagesOptions {
  readonly pipelines: readonly StagePipeline[];
}

/** What a stage write to HubSpot needs to know about the deal at hand. */
export interface DealStageContext {
  /** The deal's `pipeline` (null: no deal yet, or not read). */
  readonly pipeline: string | null;
  /**
   * The Opportunity's record type, as the map names it: the sync works with this org's RecordTypeIds
   * (settingsForOrg puts them in place of the API names the admin wrote). Null: none, or no Opportunity.
   */
  readonly recordType: string | null;
}

function key(value: string): string {
  return value.trim().toLowerCase();
}

interface StageIndex {
  /** StageName (lower case) → the canonical StageName of its class. */
  readonly canonicalOf: Map<string, string>;
  /** HubSpot stage id (lower case) → its group. */
  readonly byStage: Map<string, PicklistGroup>;
}

/** StageNames grouped together anywhere form one class; its first-listed member is its canonical value. */
function buildIndex({ pipelines }: StagesOptions): StageIndex {
  const parent = new Map<string, string>();
  const spelling = new Map<string, string>();
  const find = (name: string): string => {
    let root = name;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(name, root);
    return root;
  };
  const byStage = new Map<string, PicklistGroup>();
  for (const pipeline of pipelines) {
    for (const group of pipeline.stages) {
      for (const stage of group.hubspot) if (!byStage.has(key(stage))) byStage.set(key(stage), group);
      let first: string | null = null;
      for (const value of group.salesforce) {
        const name = key(value);
        if (!parent.has(name)) {
          parent.set(name, name);
          spelling.set(name, value.trim());
        }
        if (first === null) first = find(name);
        else {
          // The class keeps the root seen first, so its canonical value is the first-listed StageName.
          const root = find(name);
          if (root !== first) parent.set(root, first);
        }
      }
    }
  }
  const canonicalOf = new Map<string, string>();
  for (const name of parent.keys()) canonicalOf.set(name, spelling.get(find(name)) ?? name);
  return { canonicalOf, byStage };
}

/** The pipeline a stage is written to: the deal's own, else its record type's, else the first. */
export function stagePipelineFor(options: StagesOptions, deal: DealStageContext | undefined): string | null {
  if (deal?.pipeline) return deal.pipeline;
  const recordType = deal?.recordType ? key(deal.recordType) : null;
  const byRecordType = recordType
    ? options.pipelines.find((pipeline) => pipeline.recordType && key(pipeline.recordType) === recordType)
    : undefined;
  return (byRecordType ?? options.pipelines[0])?.pipeline ?? null;
}

function pipelineName(options: StagesOptions, id: string): string {
  const label = options.pipelines.find((pipeline) => pipeline.pipeline === id)?.label;
  return label ? `"${label}" (${id})` : `"${id}"`;
}

export function createStagesTransform(
  options: StagesOptions,
  deal: DealStageContext | undefined,
): FieldTransform {
  const index = buildIndex(options);
  const canonical = (value: string) => index.canonicalOf.get(key(value)) ?? null;
  const textOf = (wire: unknown) => (typeof wire === 'string' ? wire.trim() : null);
  const noMapping = (raw: string, reason: string): TransformResult<never> =>
    err({ code: 'no_mapping', raw, reason });

  /** The deal's pipeline's group of a canonical value (null: that pipeline does not map it). */
  const groupInPipeline = (
    value: string,
  ): { pipeline: StagePipeline | null; group: PicklistGroup | null } => {
    const pipelineId = stagePipelineFor(options, deal);
    const pipeline = options.pipelines.find((candidate) => candidate.pipeline === pipelineId) ?? null;
    const group =
      pipeline?.stages.find((candidate) => candidate.salesforce.some((name) => canonical(name) === value)) ??
      null;
    return { pipeline, group };
  };

  const toHubspot = (value: CanonicalValue): TransformResult<string> => {
    if (value === null) return ok('');
    if (typeof value !== 'string') return invalid(value, 'is not a stage');
    const pipelineId = stagePipelineFor(options, deal);
    const { pipeline, group } = groupInPipeline(value);
    if (!pipeline) {
      const where = pipelineId ? `the pipeline ${pipelineName(options, pipelineId)}` : 'any pipeline';
      return noMapping(value, `the deal stage map has no entry for ${where}`);
    }
    const stage = group?.hubspot[0];
    if (stage === undefined) {
      const where = pipelineName(options, pipeline.pipeline);
      return noMapping(value, `no stage of the pipeline ${where} is mapped to it`);
    }
    return ok(stage);
  };

  return {
    fromHubspot: (wire) => {
      if (isBlankWire(wire)) return ok(null);
      const stage = textOf(wire);
      if (stage === null) return invalid(wire, 'is not a stage');
      const first = index.byStage.get(key(stage))?.salesforce[0];
      const value = first === undefined ? null : canonical(first);
      return value === null ? noMapping(stage, 'no group of the deal stage map names it') : ok(value);
    },
    fromSalesforce: (wire) => {
      if (isBlankWire(wire)) return ok(null);
      const name = textOf(wire);
      if (name === null) return invalid(wire, 'is not a stage');
      const value = canonical(name);
      return value === null ? noMapping(name, 'no group of the deal stage map names it') : ok(value);
    },
    toHubspot,
    toSalesforce: (value) => {
      if (value === null) return ok(null);
      if (typeof value !== 'string') return invalid(value, 'is not a stage');
      if (canonical(value) !== value) return noMapping(value, 'no group of the deal stage map names it');
      // The deal's pipeline's own StageName for it, when it lists one: same class, so it reads back as `value`.
      return ok(groupInPipeline(value).group?.salesforce[0] ?? value);
    },
  };
}
