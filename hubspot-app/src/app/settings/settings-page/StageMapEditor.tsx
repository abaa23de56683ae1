/**
 * A deal stage map: one value map per HubSpot pipeline, its HubSpot values being that pipeline's stage ids.
 * The first pipeline takes new Opportunities of no mapped record type; the server checks every pipeline,
 * stage, StageName and record type against the live systems while the admin edits.
 */
import { Accordion, Button, Flex, Input, Text } from '@hubspot/ui-extensions';
import type { FieldMapping, LiveMetadata, RequestState, StagePipeline } from '@sf-bridge/client';
import { mappingId, setStagePipelines, type ObjectKey } from './draft';
import { messageFor, type EditorProps } from './editor';
import { ValueGroups } from './ValueMapEditor';

export function StageMapEditor(
  props: EditorProps & { object: ObjectKey; mapping: FieldMapping; metadata: RequestState<LiveMetadata> },
) {
  const { mapping, object } = props;
  if (mapping.transform.kind !== 'stages') return null;
  const pipelines = mapping.transform.pipelines;
  const id = mappingId(object, mapping.key);
  const save = (next: readonly StagePipeline[]) =>
    props.setDraft((current) => setStagePipelines(current, object, mapping.key, next));
  const update = (index: number, patch: Partial<StagePipeline>) =>
    save(pipelines.map((pipeline, at) => (at === index ? { ...pipeline, ...patch } : pipeline)));
  const message = messageFor(props.messages, object, mapping.key);
  const known = livePipelines(props.metadata);
  return (
    <Flex direction="column" gap="xs">
      {known ? (
        <Text variant="microcopy" testId={`stage-map-${id}-pipelines`}>
          {known}
        </Text>
      ) : null}
      {pipelines.map((pipeline, index) => (
        <Accordion
          key={index}
          title={`Stage map: ${pipeline.label ?? pipeline.pipeline} (${pipeline.stages.length} groups)`}
          testId={`stage-map-${id}-${index}`}
        >
          <Flex direction="column" gap="xs">
            <Flex direction="row" gap="sm" align="end">
              <Input
                label="HubSpot pipeline id"
                name={`stage-map-${id}-${index}-pipeline`}
                value={pipeline.pipeline}
                readOnly={props.readOnly}
                onChange={(text: string) => update(index, { pipeline: text.trim() })}
                testId={`stage-map-${id}-${index}-pipeline`}
              />
              <Input
                label="Opportunity record type (API name, optional)"
                name={`stage-map-${id}-${index}-record-type`}
                value={pipeline.recordType ?? ''}
                readOnly={props.readOnly}
                onChange={(text: string) => update(index, { recordType: text.trim() || null })}
              />
              <Button
                size="xs"
                variant="transparent"
                disabled={props.readOnly || pipelines.length === 1}
                onClick={() => save(pipelines.filter((_pipeline, at) => at !== index))}
              >
                Remove pipeline
              </Button>
            </Flex>
            <ValueGroups
              groups={pipeline.stages}
              idPrefix={`stage-map-${id}-${index}`}
              readOnly={props.readOnly}
              onChange={(stages) => update(index, { stages })}
            />
            <Button
              size="xs"
              disabled={props.readOnly}
              onClick={() => update(index, { stages: [...pipeline.stages, { hubspot: [], salesforce: [] }] })}
              testId={`stage-map-${id}-${index}-add`}
            >
              Add a group
            </Button>
          </Flex>
        </Accordion>
      ))}
      {message ? <Text variant="microcopy">{message.message}</Text> : null}
      <Button
        size="xs"
        disabled={props.readOnly}
        onClick={() => save([...pipelines, { pipeline: '', recordType: null, stages: [] }])}
        testId={`stage-map-${id}-add-pipeline`}
      >
        Add a pipeline
      </Button>
    </Flex>
  );
}

/** HubSpot's pipelines and their stage ids, so an admin sees what a map may name. */
function livePipelines(state: RequestState<LiveMetadata>): string | null {
  if (state.status !== 'success' || !state.data.dealPipelines) return null;
  const pipelines = state.data.dealPipelines.map(
    (pipeline) =>
      `${pipeline.label} (${pipeline.id}): ${pipeline.stages.map((stage) => `${stage.label} (${stage.id})`).join(', ')}`,
  );
  return `HubSpot's deal pipelines: ${pipelines.join('; ')}.`;
}
