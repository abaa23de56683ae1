/**
 * The mass-delete brake's review: whether it holds deletes, which records, and Release (handle them as
 * usual: links set aside, the other records marked) or Discard (drop them: nothing marked) for all of them.
 */
import { Alert, Button, ButtonRow, Flex, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import { plural, relativeTime, useAction, useRequest, type HeldDeletes } from '@sf-bridge/client';
import type { EditorProps } from './editor';

export function HeldDeletesPanel(props: EditorProps) {
  const held = useRequest(() => props.client.heldDeletes(), [props.client]);
  if (held.state.status === 'loading') return <LoadingSpinner label="Checking held deletes" />;
  if (held.state.status === 'error') {
    return (
      <Text testId="held-deletes-error">Held deletes could not be read: {held.state.error.message}</Text>
    );
  }
  return <Held {...props} held={held.state.data} onChanged={held.reload} />;
}

function Held(props: EditorProps & { held: HeldDeletes; onChanged: () => void }) {
  const { held, now } = props;
  const decided = (verb: string) => (data: { decided: number }) => {
    props.addAlert({ type: 'success', message: `${plural(data.decided, 'delete')} ${verb}.` });
    props.onChanged();
    return null;
  };
  const release = useAction(() => props.client.releaseHeldDeletes(), decided('released'));
  const discard = useAction(() => props.client.discardHeldDeletes(), decided('discarded'));
  const limits = `More than ${plural(held.thresholdPerHour, 'delete')} from one side within an hour engage the brake (last hour: ${held.deletesLastHour.hubspot} in HubSpot, ${held.deletesLastHour.salesforce} in Salesforce).`;
  if (!held.on) {
    return (
      <Text variant="microcopy" testId="held-deletes-none">
        No deletes are held. {limits}
      </Text>
    );
  }
  const busy = release.state.status === 'running' || discard.state.status === 'running';
  return (
    <Alert
      title={`${plural(held.held.length, 'delete')} held for review`}
      variant="danger"
      testId="held-deletes"
    >
      <Flex direction="column" gap="sm">
        <Text>
          A burst of deletes engaged the brake: nothing is marked or archived for these records, and new
          deletes wait too, until you decide. Other changes keep syncing. {limits}
        </Text>
        {held.held.slice(0, 20).map((hold) => (
          <Text key={hold.id} variant="microcopy">
            {hold.deletedSide === 'hubspot'
              ? `HubSpot ${hold.hubspot.objectType} ${hold.hubspot.id} (linked to ${hold.salesforce.objectType} ${hold.salesforce.id})`
              : `Salesforce ${hold.salesforce.objectType} ${hold.salesforce.id} (linked to HubSpot ${hold.hubspot.id})`}
            {`, deleted ${relativeTime(hold.heldAt, now)}`}
          </Text>
        ))}
        {held.held.length > 20 ? <Text variant="microcopy">…and {held.held.length - 20} more.</Text> : null}
        <ButtonRow>
          <Button
            variant="primary"
            disabled={props.readOnly || busy}
            onClick={() => void release.run()}
            testId="release-held-deletes"
          >
            Release: handle these deletes
          </Button>
          <Button
            variant="destructive"
            disabled={props.readOnly || busy}
            onClick={() => void discard.run()}
            testId="discard-held-deletes"
          >
            Discard: mark nothing
          </Button>
        </ButtonRow>
      </Flex>
    </Alert>
  );
}
