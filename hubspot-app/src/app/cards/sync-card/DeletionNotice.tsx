/**
 * A deleted record's link: which side deleted it, until when a restore brings the link back, where the other
 * record is marked, what happened when the grace period ended, and "Relink" for a settings manager.
 */
import { Alert, Button, Text } from '@hubspot/ui-extensions';
import { formatDate, useAction, type RecordStatus } from '@sf-bridge/client';
import type { CardPartProps } from './props';

type Deletion = NonNullable<RecordStatus['deletion']>;

const markWords: Record<Deletion['markedIn'], (field: string | null) => string> = {
  hubspot_properties: () => 'The HubSpot record is marked "Deleted in Salesforce".',
  salesforce_field: (field) => `The Salesforce record is marked with its ${field ?? 'delete'} checkbox.`,
  bridge: () =>
    'The Salesforce org has no delete checkbox, so the mark is kept here only: the Salesforce record is unchanged.',
};

const afterGraceWords: Record<string, string> = {
  kept: 'The grace period ended; the other record was kept, marked as deleted.',
  archived: 'The grace period ended and the other record was archived, as the settings ask.',
  kept_open_deals: 'The grace period ended; the other record was kept because it has open deals.',
  kept_gone: 'The grace period ended; the other record no longer exists.',
};

export function DeletionNotice(props: CardPartProps & { deletion: Deletion }) {
  const { deletion } = props;
  const relink = useAction(
    () => props.client.relink(props.record),
    () => {
      props.addAlert({ type: 'success', message: 'Relinked: both records sync again in a moment.' });
      props.onChanged();
      return null;
    },
  );
  const where = deletion.deletedSide === 'hubspot' ? 'HubSpot' : 'Salesforce';
  const graceOver = props.now >= deletion.graceEndsAt;
  return (
    <Alert title={`Deleted in ${where}`} variant="warning" testId="deletion-notice">
      <Text testId="deletion-mark">{markWords[deletion.markedIn](deletion.salesforceFlagField)}</Text>
      <Text testId="deletion-grace">
        {deletion.afterGrace
          ? (afterGraceWords[deletion.afterGrace.outcome] ?? deletion.afterGrace.reason)
          : graceOver
            ? 'The grace period has ended.'
            : `Restoring it in ${where} before ${formatDate(deletion.graceEndsAt)} brings the link back on its own.`}
      </Text>
      {deletion.canRelink ? (
        <Button
          size="sm"
          disabled={relink.state.status === 'running'}
          onClick={() => void relink.run()}
          testId="relink"
        >
          Relink these records
        </Button>
      ) : null}
      {relink.state.status === 'error' ? (
        <Text variant="microcopy" testId="relink-error">
          Relink failed: {relink.state.error.message}
        </Text>
      ) : null}
    </Alert>
  );
}

/** A delete the mass-delete brake holds: nothing is marked until an admin releases or discards it. */
export function HeldDeleteNotice() {
  return (
    <Alert title="Delete waiting for an admin" variant="info" testId="delete-held">
      <Text>
        This record was deleted on one side during a burst of deletes. Nothing is marked or archived until an
        admin reviews the held deletes in the app settings (Deletes).
      </Text>
    </Alert>
  );
}
