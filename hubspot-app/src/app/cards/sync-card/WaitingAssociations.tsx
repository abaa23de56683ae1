/** Associated records not synced yet: this record's associations with them wait, and nothing has failed. */
import { Alert, Flex, Link, Text } from '@hubspot/ui-extensions';
import type { RecordStatus } from '@sf-bridge/client';

type Waiting = NonNullable<RecordStatus['waitingFor']>;

function nameOf(entry: Waiting[number]): string {
  return entry.record.side === 'salesforce'
    ? `Salesforce record ${entry.record.recordId}`
    : `HubSpot record ${entry.record.recordId}`;
}

export function WaitingAssociations(props: { waiting: Waiting }) {
  const count = props.waiting.length;
  return (
    <Alert
      title={
        count === 1
          ? 'An association waits for its record to sync'
          : `${count} associations wait for their records to sync`
      }
      variant="info"
      testId="waiting-associations"
    >
      <Text>
        {count === 1
          ? 'This record is associated with a record that does not sync with the other side yet, so that association is not copied over.'
          : 'This record is associated with records that do not sync with the other side yet, so those associations are not copied over.'}{' '}
        They are written as soon as the records sync. A record the sync rules leave out (out of scope, or an
        object that does not sync) never does: change the rules in the app settings to bring it in.
      </Text>
      <Flex direction="column" gap="xs">
        {props.waiting.map((entry) =>
          entry.salesforceUrl ? (
            <Link
              key={`${entry.record.side}:${entry.record.recordId}`}
              href={{ url: entry.salesforceUrl, external: true }}
            >
              {nameOf(entry)}
            </Link>
          ) : (
            <Text key={`${entry.record.side}:${entry.record.recordId}`}>{nameOf(entry)}</Text>
          ),
        )}
      </Flex>
    </Alert>
  );
}
