/**
 * Deal pipelines: the portal's pipelines and their stages, and the routes that read them
 * (`/crm/v3/pipelines/deals`, what `client.crm.pipelines.pipelinesApi.getAll('deals')` calls).
 *
 * Every portal starts with HubSpot's default "Sales Pipeline" (id `default`, the seven stages of a new
 * account). An admin may add pipelines (the control API); HubSpot gives them and their stages numeric ids.
 * A deal's `dealstage` must be a stage of its `pipeline`; `dealstage`'s and `pipeline`'s property options are
 * kept as the union of the pipelines', as HubSpot's properties API lists them.
 */
import { isoOf } from '../clock';
import { errors } from '../http/errors';
import type { RequestContext, Router } from '../http/router';
import type { ObjectTable } from '../state/portal';
import { portalOf } from './route-helpers';

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  isClosed: boolean;
  /** Win probability, "0.0" to "1.0" as HubSpot writes it. */
  probability: string;
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  createdAtMs: number;
  updatedAtMs: number;
  stages: PipelineStage[];
}

export const DEFAULT_PIPELINE_ID = 'default';

const DEFAULT_STAGES: Array<[string, string, boolean, string]> = [
  ['appointmentscheduled', 'Appointment Scheduled', false, '0.2'],
  ['qualifiedtobuy', 'Qualified To Buy', false, '0.4'],
  ['presentationscheduled', 'Presentation Scheduled', false, '0.6'],
  ['decisionmakerboughtin', 'Decision Maker Bought-In', false, '0.8'],
  ['contractsent', 'Contract Sent', false, '0.9'],
  ['closedwon', 'Closed Won', true, '1.0'],
  ['closedlost', 'Closed Lost', true, '0.0'],
];

export function defaultPipeline(nowMs: number): Pipeline {
  return {
    id: DEFAULT_PIPELINE_ID,
    label: 'Sales Pipeline',
    displayOrder: 0,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    stages: DEFAULT_STAGES.map(([id, label, isClosed, probability], index) => ({
      id,
      label,
      displayOrder: index,
      isClosed,
      probability,
    })),
  };
}

/** The pipeline a deal is in (HubSpot assumes the default one when none is given). */
export function pipelineOf(pipelines: readonly Pipeline[], id: string | undefined): Pipeline | undefined {
  return pipelines.find((pipeline) => pipeline.id === (id || DEFAULT_PIPELINE_ID));
}

export function isClosedStage(pipelines: readonly Pipeline[], stageId: string): boolean {
  return pipelines.some((pipeline) =>
    pipeline.stages.some((stage) => stage.id === stageId && stage.isClosed),
  );
}

/** `dealstage` and `pipeline` list every pipeline's stages and every pipeline as their options. */
export function syncPipelineOptions(deals: ObjectTable, pipelines: readonly Pipeline[]): void {
  const stage = deals.properties.get('dealstage');
  if (stage) {
    stage.options = pipelines.flatMap((pipeline) =>
      pipeline.stages.map((item) => ({ label: item.label, value: item.id, hidden: false, displayOrder: 0 })),
    );
    stage.options.forEach((option, index) => (option.displayOrder = index));
  }
  const pipeline = deals.properties.get('pipeline');
  if (pipeline) {
    pipeline.options = pipelines.map((item, index) => ({
      label: item.label,
      value: item.id,
      hidden: false,
      displayOrder: index,
    }));
  }
}

function stageToWire(pipeline: Pipeline, stage: PipelineStage): Record<string, unknown> {
  return {
    id: stage.id,
    label: stage.label,
    displayOrder: stage.displayOrder,
    metadata: { isClosed: String(stage.isClosed), probability: stage.probability },
    archived: false,
    createdAt: isoOf(pipeline.createdAtMs),
    updatedAt: isoOf(pipeline.updatedAtMs),
    writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
  };
}

export function pipelineToWire(pipeline: Pipeline): Record<string, unknown> {
  return {
    id: pipeline.id,
    label: pipeline.label,
    displayOrder: pipeline.displayOrder,
    archived: false,
    createdAt: isoOf(pipeline.createdAtMs),
    updatedAt: isoOf(pipeline.updatedAtMs),
    stages: pipeline.stages.map((stage) => stageToWire(pipeline, stage)),
  };
}

const SCOPES = () => ['crm.objects.deals.read'];

function objectTypeParam(ctx: RequestContext): void {
  const type = ctx.params.objectType ?? '';
  // Only deal pipelines are emulated; HubSpot answers other object types with their own pipelines.
  if (type !== 'deals' && type !== '0-3') {
    throw errors.validation(`Unable to infer object type from: ${type}`);
  }
}

export function registerPipelineRoutes(router: Router): void {
  router.add({
    method: 'GET',
    pattern: '/crm/v3/pipelines/:objectType',
    kind: 'api',
    scopes: SCOPES,
    handler: (ctx) => {
      objectTypeParam(ctx);
      return { status: 200, body: { results: portalOf(ctx).dealPipelines.map(pipelineToWire) } };
    },
  });
  router.add({
    method: 'GET',
    pattern: '/crm/v3/pipelines/:objectType/:pipelineId',
    kind: 'api',
    scopes: SCOPES,
    handler: (ctx) => {
      objectTypeParam(ctx);
      const id = ctx.params.pipelineId ?? '';
      const pipeline = portalOf(ctx).dealPipelines.find((candidate) => candidate.id === id);
      if (!pipeline) throw errors.notFound(`Unable to find pipeline ${id} for object type deals`);
      return { status: 200, body: pipelineToWire(pipeline) };
    },
  });
}
