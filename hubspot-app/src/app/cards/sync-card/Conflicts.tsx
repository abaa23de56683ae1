/** Open conflicts: both values side by side and one button per side to keep it. */
import {
  Alert,
  Button,
  ButtonRow,
  DescriptionList,
  DescriptionListItem,
  Flex,
  Heading,
  Text,
  Tile,
} from '@hubspot/ui-extensions';
import {
  displayValue,
  relativeTime,
  useAction,
  type Conflict,
  type ConflictChoice,
  type FieldPlan,
} from '@sf-bridge/client';
import type { CardPartProps } from './props';

export function Conflicts(
  props: CardPartProps & { conflicts: readonly Conflict[]; fields: readonly FieldPlan[] },
) {
  return (
    <Flex direction="column" gap="sm">
      <Heading>
        {props.conflicts.length === 1
          ? 'A conflict to settle'
          : `${props.conflicts.length} conflicts to settle`}
      </Heading>
      {props.conflicts.map((conflict) => (
        <ConflictTile
          key={conflict.id}
          {...props}
          conflict={conflict}
          label={
            conflict.fieldLabel ??
            props.fields.find((field) => field.key === conflict.fieldKey)?.label ??
            conflict.fieldKey
          }
        />
      ))}
    </Flex>
  );
}

function ConflictTile(props: CardPartProps & { conflict: Conflict; label: string }) {
  const { conflict, now } = props;
  const keep = useAction(
    (choice: ConflictChoice) => props.client.resolveConflict(conflict.id, choice),
    () => {
      props.addAlert({
        type: 'success',
        message: `${props.label}: your choice will be written in a moment.`,
      });
      props.onChanged();
      return null;
    },
  );
  const running = keep.state.status === 'running';
  return (
    <Tile compact testId={`conflict-${conflict.fieldKey}`}>
      <Text format={{ fontWeight: 'demibold' }}>{props.label}</Text>
      <Text variant="microcopy">
        Both systems changed this field since the last sync ({relativeTime(conflict.openedAt, now)}). Pick the
        value to keep; it is written to the other side.
      </Text>
      <DescriptionList direction="row">
        <DescriptionListItem label="HubSpot">
          <Text testId={`conflict-hubspot-${conflict.fieldKey}`}>
            {conflict.hubspotDisplay ?? displayValue(conflict.hubspotValue)}
          </Text>
        </DescriptionListItem>
        <DescriptionListItem label="Salesforce">
          <Text testId={`conflict-salesforce-${conflict.fieldKey}`}>
            {conflict.salesforceDisplay ?? displayValue(conflict.salesforceValue)}
          </Text>
        </DescriptionListItem>
        <DescriptionListItem label="Last synced value">
          <Text>{conflict.lastSyncedDisplay ?? displayValue(conflict.shadowValue ?? null)}</Text>
        </DescriptionListItem>
      </DescriptionList>
      <ButtonRow>
        <Button
          size="sm"
          disabled={running}
          onClick={() => void keep.run({ keep: 'hubspot' })}
          testId={`keep-hubspot-${conflict.fieldKey}`}
        >
          Keep HubSpot
        </Button>
        <Button
          size="sm"
          disabled={running}
          onClick={() => void keep.run({ keep: 'salesforce' })}
          testId={`keep-salesforce-${conflict.fieldKey}`}
        >
          Keep Salesforce
        </Button>
      </ButtonRow>
      {keep.state.status === 'error' ? (
        <Alert title="Not saved" variant="danger">
          {keep.state.error.message}
        </Alert>
      ) : null}
    </Tile>
  );
}
