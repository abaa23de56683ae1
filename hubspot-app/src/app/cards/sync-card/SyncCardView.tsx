/**
 * The whole card: the record's sync status first (one database read on the bridge), then what differs
 * field by field (a dry run that reads both records), the questions waiting for a person, and the history.
 * Each part loads on its own, so a slow dry run never hides the status.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, Divider, EmptyState, ErrorState, Flex, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import type { AddAlertAction, CrmContext } from '@hubspot/ui-extensions';
import {
  createBridgeClient,
  objectTypeById,
  useRequest,
  type BridgeClient,
  type RecordRef,
  type RecordStatus,
} from '@sf-bridge/client';
import { Conflicts } from './Conflicts';
import { Failures } from './Failures';
import { FieldTable } from './FieldTable';
import { History } from './History';
import { PendingMatchQuestion } from './PendingMatchQuestion';
import { DeletionNotice, HeldDeleteNotice } from './DeletionNotice';
import { PossibleDuplicates } from './PossibleDuplicates';
import { WaitingAssociations } from './WaitingAssociations';
import { StatusHeader } from './StatusHeader';

/** While a record is syncing (or a retry is pending) the card looks again on its own, a bounded number of times. */
export const SYNCING_POLL_MS = 2_000;
export const SYNCING_POLL_LIMIT = 30;

export interface SyncCardViewProps {
  readonly context: Pick<CrmContext, 'crm'>;
  readonly actions: { readonly addAlert: AddAlertAction };
  readonly client?: BridgeClient;
  readonly now?: () => number;
  readonly syncingPollMs?: number;
}

export function SyncCardView(props: SyncCardViewProps) {
  const client = useMemo(() => props.client ?? createBridgeClient(), [props.client]);
  const objectType = (objectTypeById as Record<string, string | undefined>)[props.context.crm.objectTypeId];
  if (!objectType) {
    return (
      <EmptyState title="Not synced with Salesforce" layout="vertical">
        <Text>
          This app syncs contacts, companies and deals with Salesforce; this kind of record is not synced.
        </Text>
      </EmptyState>
    );
  }
  const record: RecordRef = { side: 'hubspot', objectType, recordId: String(props.context.crm.objectId) };
  return <RecordCard {...props} client={client} record={record} />;
}

function RecordCard(props: SyncCardViewProps & { client: BridgeClient; record: RecordRef }) {
  const { client, record } = props;
  const now = (props.now ?? Date.now)();
  const key = `${record.objectType}/${record.recordId}`;
  const [generation, setGeneration] = useState(0);
  const status = useRequest(() => client.recordStatus(record), [client, key, generation]);
  const data = status.state.status === 'success' ? status.state.data : null;
  const linked = data?.link?.state === 'active';
  const fields = useRequest(
    () =>
      linked
        ? client.recordStatus(record, { dryRun: true })
        : Promise.resolve({ ok: true as const, data: null as RecordStatus | null }),
    [client, key, generation, linked],
  );
  const history = useHistory(client, record, generation);
  const refresh = () => setGeneration((value) => value + 1);
  usePollWhileSyncing(data, status.reload, props.syncingPollMs ?? SYNCING_POLL_MS, generation, () => {
    fields.reload();
    history.reload();
  });

  if (status.state.status === 'loading') {
    return <LoadingSpinner label="Loading sync status" layout="centered" testId="sync-loading" />;
  }
  if (status.state.status === 'error') {
    return (
      <ErrorState title="Couldn't load the Salesforce sync status" testId="sync-error">
        <Text>{status.state.error.message}</Text>
        <Button onClick={refresh} testId="sync-error-retry">
          Try again
        </Button>
      </ErrorState>
    );
  }
  const current = status.state.data;
  const part = { client, record, addAlert: props.actions.addAlert, onChanged: refresh, now };
  return (
    <Flex direction="column" gap="md">
      <StatusHeader {...part} status={current} refreshing={status.state.refreshing} />
      {current.deletion ? <DeletionNotice {...part} deletion={current.deletion} /> : null}
      {current.deleteHeld ? <HeldDeleteNotice /> : null}
      {current.pendingMatch ? <PendingMatchQuestion {...part} match={current.pendingMatch} /> : null}
      {current.conflicts.length > 0 ? (
        <Conflicts {...part} conflicts={current.conflicts} fields={fieldsOf(fields.state)} />
      ) : null}
      {current.failures.length > 0 ? <Failures {...part} failures={current.failures} /> : null}
      {current.possibleDuplicates && current.possibleDuplicates.length > 0 ? (
        <PossibleDuplicates duplicates={current.possibleDuplicates} />
      ) : null}
      {current.waitingFor && current.waitingFor.length > 0 ? (
        <WaitingAssociations waiting={current.waitingFor} />
      ) : null}
      {current.link ? (
        <>
          <Divider />
          <FieldTable state={fields.state} onRetry={fields.reload} linkState={current.link.state} />
        </>
      ) : null}
      <Divider />
      <History {...part} state={history.state} onMore={history.more} canLoadMore={history.canLoadMore} />
    </Flex>
  );
}

function fieldsOf(state: ReturnType<typeof useRequest<RecordStatus | null>>['state']) {
  return state.status === 'success' ? (state.data?.dryRun?.fields ?? []) : [];
}

function useHistory(client: BridgeClient, record: RecordRef, generation: number) {
  const [limit, setLimit] = useState(10);
  const request = useRequest(
    () => client.recordHistory(record, { limit }),
    [client, record.objectType, record.recordId, generation, limit],
  );
  const entries = request.state.status === 'success' ? request.state.data.entries.length : 0;
  return {
    state: request.state,
    reload: request.reload,
    more: () => setLimit((value) => value + 20),
    canLoadMore: entries >= limit,
  };
}

/**
 * A record that is syncing is read again until it is not (bounded), so "Sync now" ends on its result; when
 * it settles, the parts that depend on the sync's outcome read again too.
 */
function usePollWhileSyncing(
  status: RecordStatus | null,
  reload: () => void,
  intervalMs: number,
  generation: number,
  onSettled: () => void,
) {
  const polls = useRef(0);
  const wasSyncing = useRef(false);
  useEffect(() => {
    polls.current = 0;
  }, [generation]);
  // Waiting, being synced, or a failure on its way back to the queue: the outcome is still to come.
  const syncing =
    status !== null &&
    (status.summary.state === 'syncing' ||
      status.queue !== null ||
      status.failures.some((failure) => failure.state === 'retrying'));
  useEffect(() => {
    if (status === null) return;
    if (wasSyncing.current && !syncing) onSettled();
    wasSyncing.current = syncing;
    // onSettled changes every render; only a change of state matters here.
  }, [status, syncing]);
  useEffect(() => {
    if (!syncing || polls.current >= SYNCING_POLL_LIMIT) return undefined;
    const timer = setTimeout(() => {
      polls.current += 1;
      reload();
    }, intervalMs);
    return () => clearTimeout(timer);
  }, [syncing, status, reload, intervalMs]);
}
