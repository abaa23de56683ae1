/** The card's first lines: the status tag and what it means, the linked Salesforce record, "Sync now". */
import {
  DescriptionList,
  DescriptionListItem,
  Flex,
  Link,
  LoadingButton,
  StatusTag,
  Text,
} from '@hubspot/ui-extensions';
import { relativeTime, stateVariants, useAction, type RecordStatus } from '@sf-bridge/client';
import type { CardPartProps } from './props';

const objectLabels: Record<string, string> = {
  Lead: 'Lead',
  Contact: 'Contact',
  Account: 'Account',
  Opportunity: 'Opportunity',
};

export function StatusHeader(props: CardPartProps & { status: RecordStatus; refreshing: boolean }) {
  const { status, now } = props;
  const syncNow = useAction(
    () => props.client.syncNow(props.record),
    () => {
      props.addAlert({ type: 'success', message: 'This record will sync in a moment.' });
      props.onChanged();
      return null;
    },
  );
  const canSync =
    status.summary.state !== 'not_connected' && status.summary.state !== 'deleted_in_salesforce';
  const link = status.link;
  const salesforce = link?.salesforce;
  const recordUrl = status.salesforce?.recordUrl ?? null;
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" justify="between" align="center" gap="sm">
        <Flex direction="row" align="center" gap="sm">
          <StatusTag variant={stateVariants[status.summary.state] ?? 'default'} testId="sync-status">
            {status.summary.title}
          </StatusTag>
          {props.refreshing ? <Text variant="microcopy">Checking…</Text> : null}
        </Flex>
        {canSync ? (
          <LoadingButton
            size="sm"
            variant="primary"
            loading={syncNow.state.status === 'running'}
            onClick={() => void syncNow.run()}
            testId="sync-now"
          >
            Sync now
          </LoadingButton>
        ) : null}
      </Flex>
      <Text testId="sync-message">{status.summary.message}</Text>
      {syncNow.state.status === 'error' ? (
        <Text variant="microcopy" testId="sync-now-error">
          Sync now failed: {syncNow.state.error.message}
        </Text>
      ) : null}
      {link && salesforce ? (
        <DescriptionList direction="row">
          <DescriptionListItem label="Salesforce record">
            {recordUrl ? (
              <Link href={{ url: recordUrl, external: true }} testId="salesforce-link">
                {`${objectLabels[salesforce.objectType] ?? salesforce.objectType} ${salesforce.recordId}`}
              </Link>
            ) : (
              <Text>{`${salesforce.objectType} ${salesforce.recordId}`}</Text>
            )}
          </DescriptionListItem>
          <DescriptionListItem label="Last change to Salesforce">
            <Text testId="last-sync-salesforce">{relativeTime(status.lastSync?.toSalesforceAt, now)}</Text>
          </DescriptionListItem>
          <DescriptionListItem label="Last change to HubSpot">
            <Text testId="last-sync-hubspot">{relativeTime(status.lastSync?.toHubspotAt, now)}</Text>
          </DescriptionListItem>
          <DescriptionListItem label="Last checked">
            <Text>{relativeTime(status.lastSync?.at ?? link.lastSyncedAt, now)}</Text>
          </DescriptionListItem>
        </DescriptionList>
      ) : null}
      {status.queue?.lastError ? (
        <Text variant="microcopy">Last attempt: {status.queue.lastError}</Text>
      ) : null}
    </Flex>
  );
}
