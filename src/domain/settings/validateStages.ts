/**
 * Checks a deal stage map against HubSpot's live deal pipelines and Salesforce's StageName picklist: every
 * pipeline it names exists, every stage it names is a stage of that pipeline, every StageName is an active
 * value, and every record type exists on Opportunity. A stage of a mapped pipeline left out is a warning:
 * deals in it sync everything but their stage, and their card says so.
 */
import type { DealPipeline, SalesforceFieldDescribe } from './metadata';
import type { StagePipeline } from '../transforms/stages';

export interface StageMapProblem {
  readonly severity: 'error' | 'warning';
  readonly code:
    | 'stage_pipeline_unknown'
    | 'stage_unknown'
    | 'stage_name_unknown'
    | 'stage_record_type_unknown'
    | 'stage_unmapped';
  readonly message: string;
}

function key(value: string): string {
  return value.trim().toLowerCase();
}

function named(label: string, id: string): string {
  return label && label !== id ? `"${label}" (${id})` : `"${id}"`;
}

export function checkStageMap(
  pipelines: readonly StagePipeline[],
  live: readonly DealPipeline[],
  stageField: SalesforceFieldDescribe | null,
  recordTypes: readonly string[] | undefined,
): StageMapProblem[] {
  const problems: StageMapProblem[] = [];
  const error = (code: StageMapProblem['code'], message: string) =>
    problems.push({ severity: 'error', code, message });
  const livePipelines = live.filter((pipeline) => !pipeline.archived);
  const stageNames = stageField
    ? new Set(stageField.picklistValues.filter((value) => value.active).map((value) => key(value.value)))
    : null;
  const recordTypeKeys = recordTypes ? new Set(recordTypes.map(key)) : null;
  pipelines.forEach((entry, index) => {
    const at = `pipelines.${index}`;
    const pipeline = livePipelines.find((candidate) => candidate.id === entry.pipeline);
    if (!pipeline) {
      const known = livePipelines.map((candidate) => named(candidate.label, candidate.id)).join(', ');
      error(
        'stage_pipeline_unknown',
        `${at}: the stage map names the HubSpot pipeline "${entry.pipeline}", which HubSpot does not have (its deal pipelines: ${known}). Use one of those ids or remove this pipeline's map.`,
      );
    }
    const where = pipeline ? named(pipeline.label, pipeline.id) : `"${entry.pipeline}"`;
    const liveStages = pipeline?.stages.filter((stage) => !stage.archived) ?? null;
    entry.stages.forEach((group, groupIndex) => {
      for (const stage of group.hubspot) {
        if (liveStages && !liveStages.some((candidate) => key(candidate.id) === key(stage))) {
          const known = liveStages.map((candidate) => named(candidate.label, candidate.id)).join(', ');
          error(
            'stage_unknown',
            `${at}.stages.${groupIndex}: the stage map of pipeline ${where} names the HubSpot stage "${stage}", which is not a stage of that pipeline (its stages: ${known}).`,
          );
        }
      }
      for (const name of group.salesforce) {
        if (stageNames && !stageNames.has(key(name))) {
          error(
            'stage_name_unknown',
            `${at}.stages.${groupIndex}: the stage map of pipeline ${where} names the StageName "${name}", which is not an active value of Opportunity.StageName. Fix the map or add the value in Salesforce.`,
          );
        }
      }
    });
    if (entry.recordType && recordTypeKeys && !recordTypeKeys.has(key(entry.recordType))) {
      const known = recordTypes && recordTypes.length > 0 ? recordTypes.join(', ') : 'none';
      error(
        'stage_record_type_unknown',
        `${at}: the stage map of pipeline ${where} names the Opportunity record type "${entry.recordType}", which Salesforce does not have (its record types: ${known}).`,
      );
    }
    if (liveStages) {
      const mapped = new Set(entry.stages.flatMap((group) => group.hubspot.map(key)));
      const unmapped = liveStages.filter((stage) => !mapped.has(key(stage.id)));
      if (unmapped.length > 0) {
        problems.push({
          severity: 'warning',
          code: 'stage_unmapped',
          message: `${at}: the stage map of pipeline ${where} leaves out ${unmapped.map((stage) => named(stage.label, stage.id)).join(', ')}: a deal in those stages syncs without its stage.`,
        });
      }
    }
  });
  return problems;
}
