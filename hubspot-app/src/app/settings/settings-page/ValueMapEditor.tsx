/**
 * A picklist's value map: groups of HubSpot values that mean the same as groups of Salesforce values; the
 * first of each list is the one written. Values are typed comma-separated, one group per row.
 */
import { Accordion, Button, Flex, Input, Text, Toggle } from '@hubspot/ui-extensions';
import type { FieldMapping, LiveMetadata, PicklistGroup, RequestState } from '@sf-bridge/client';
import { joinList, mappingId, setValueMap, splitList, type ObjectKey } from './draft';
import { messageFor, type EditorProps } from './editor';

export function ValueMapEditor(
  props: EditorProps & { object: ObjectKey; mapping: FieldMapping; metadata: RequestState<LiveMetadata> },
) {
  const { mapping, object } = props;
  if (mapping.transform.kind !== 'picklist' && mapping.transform.kind !== 'multiselect') return null;
  const groups = mapping.transform.options;
  const passThrough = mapping.transform.passThrough ?? false;
  const save = (next: readonly PicklistGroup[], nextPassThrough = passThrough) =>
    props.setDraft((current) => setValueMap(current, object, mapping.key, next, nextPassThrough));
  const message = messageFor(props.messages, object, mapping.key);
  const known = knownValues(props.metadata, object, mapping);
  return (
    <Accordion
      title={`Value map: ${mapping.label ?? mapping.hubspotProperty} (${groups.length} groups)`}
      testId={`value-map-${mappingId(object, mapping.key)}`}
    >
      <Flex direction="column" gap="xs">
        {known ? <Text variant="microcopy">{known}</Text> : null}
        <ValueGroups
          groups={groups}
          idPrefix={`map-${mappingId(object, mapping.key)}`}
          readOnly={props.readOnly}
          onChange={(next) => save(next)}
        />
        {message ? <Text variant="microcopy">{message.message}</Text> : null}
        <Flex direction="row" gap="md" align="center">
          <Button
            size="xs"
            disabled={props.readOnly}
            onClick={() => save([...groups, { hubspot: [], salesforce: [] }])}
            testId={`map-${mappingId(object, mapping.key)}-add`}
          >
            Add a group
          </Button>
          <Toggle
            label="Copy values that are in no group unchanged"
            labelDisplay="inline"
            checked={passThrough}
            readOnly={props.readOnly}
            onChange={(checked: boolean) => save(groups, checked)}
          />
        </Flex>
      </Flex>
    </Accordion>
  );
}

/** Groups as rows of two inputs (values typed comma-separated), each with a button that removes it. */
export function ValueGroups(props: {
  groups: readonly PicklistGroup[];
  idPrefix: string;
  readOnly: boolean;
  onChange: (groups: readonly PicklistGroup[]) => void;
}) {
  const { groups, idPrefix } = props;
  const setGroup = (index: number, side: 'hubspot' | 'salesforce', text: string) =>
    props.onChange(groups.map((group, at) => (at === index ? { ...group, [side]: splitList(text) } : group)));
  return (
    <>
      {groups.map((group, index) => (
        <Flex key={index} direction="row" gap="sm" align="end">
          <Input
            label={index === 0 ? 'HubSpot values' : ''}
            name={`${idPrefix}-${index}-hubspot`}
            value={joinList(group.hubspot)}
            readOnly={props.readOnly}
            onChange={(text: string) => setGroup(index, 'hubspot', text)}
            testId={`${idPrefix}-${index}-hubspot`}
          />
          <Input
            label={index === 0 ? 'Salesforce values' : ''}
            name={`${idPrefix}-${index}-salesforce`}
            value={joinList(group.salesforce)}
            readOnly={props.readOnly}
            onChange={(text: string) => setGroup(index, 'salesforce', text)}
            testId={`${idPrefix}-${index}-salesforce`}
          />
          <Button
            size="xs"
            variant="transparent"
            disabled={props.readOnly}
            onClick={() => props.onChange(groups.filter((_group, at) => at !== index))}
          >
            Remove
          </Button>
        </Flex>
      ))}
    </>
  );
}

/** The live picklist values of both sides, so an admin sees what a map may name. */
function knownValues(
  state: RequestState<LiveMetadata>,
  object: ObjectKey,
  mapping: FieldMapping,
): string | null {
  if (state.status !== 'success') return null;
  const property = state.data.hubspot[object]?.find(
    (candidate) => candidate.name === mapping.hubspotProperty,
  );
  const hubspot = property?.options?.map((option) => option.value) ?? [];
  const salesforce = Object.entries(mapping.salesforceFields).flatMap(([sobject, field]) => {
    const described = field
      ? state.data.salesforce[sobject]?.find((candidate) => candidate.name === field)
      : undefined;
    return described?.picklistValues?.map((value) => value.value) ?? [];
  });
  if (hubspot.length === 0 && salesforce.length === 0) return null;
  return `HubSpot has ${hubspot.join(', ') || 'no fixed values'}; Salesforce has ${[...new Set(salesforce)].join(', ') || 'no fixed values'}.`;
}
