/**
 * Settings version 1 → 2: a deal stage mapped through one picklist value map becomes a stage map per
 * pipeline (src/domain/transforms/stages.ts) whose only pipeline is HubSpot's default one, which is what
 * the value map named. Its groups carry over as they were; `passThrough` has no meaning for stages (a stage
 * id is never a StageName) and is dropped.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DEAL_STAGE_PROPERTY = 'dealstage';

function upgradeMapping(mapping: unknown): unknown {
  if (!isRecord(mapping) || mapping.hubspotProperty !== DEAL_STAGE_PROPERTY) return mapping;
  const transform = mapping.transform;
  if (!isRecord(transform) || transform.kind !== 'picklist') return mapping;
  return {
    ...mapping,
    transform: {
      kind: 'stages',
      pipelines: [
        { pipeline: 'default', label: 'Sales Pipeline', recordType: null, stages: transform.options },
      ],
    },
  };
}

export function upgradeDealStages(document: Record<string, unknown>): Record<string, unknown> {
  const objects = document.objects;
  if (!isRecord(objects) || !isRecord(objects.deals) || !Array.isArray(objects.deals.fields)) return document;
  return {
    ...document,
    objects: { ...objects, deals: { ...objects.deals, fields: objects.deals.fields.map(upgradeMapping) } },
  };
}
