/**
 * Both sides' connection: who installed, which Salesforce org, what is missing, reconnect, disconnect, and
 * the confirmation a connection made from a settings-page link waits for before anything syncs.
 */
import { useState } from 'react';
import {
  Alert,
  Button,
  ButtonRow,
  DescriptionList,
  DescriptionListItem,
  ErrorState,
  Flex,
  Heading,
  Link,
  LoadingSpinner,
  StatusTag,
  Text,
} from '@hubspot/ui-extensions';
import {
  formatDate,
  relativeTime,
  useAction,
  useRequest,
  type HubSpotUser,
  type InstallationStatus,
} from '@sf-bridge/client';
import type { EditorProps } from './editor';

const salesforceStates: Record<
  string,
  { label: string; variant: 'success' | 'warning' | 'danger' | 'default' }
> = {
  connected: { label: 'Connected', variant: 'success' },
  not_connected: { label: 'Not connected', variant: 'default' },
  needs_reauth: { label: 'Needs reconnecting', variant: 'danger' },
};

function userName(user: HubSpotUser | null | undefined): string {
  if (!user) return 'someone';
  if (user.email) return user.email;
  return user.userId ? `HubSpot user ${user.userId}` : 'a HubSpot user';
}

export function ConnectionTab(props: EditorProps) {
  const status = useRequest(() => props.client.installation(), [props.client]);
  if (status.state.status === 'loading') return <LoadingSpinner label="Loading the connection" />;
  if (status.state.status === 'error') {
    return (
      <ErrorState title="Couldn't load the connection">
        <Text>{status.state.error.message}</Text>
        <Button onClick={status.reload}>Try again</Button>
      </ErrorState>
    );
  }
  return <Connection {...props} status={status.state.data.installation} onChanged={status.reload} />;
}

function Connection(props: EditorProps & { status: InstallationStatus; onChanged: () => void }) {
  const { status, now } = props;
  const salesforce = status.salesforce;
  const sfState = salesforceStates[salesforce.state] ?? {
    label: salesforce.state,
    variant: 'default' as const,
  };
  const [link, setLink] = useState<{ url: string; environment: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const connect = useAction(
    async (environment: 'production' | 'sandbox') => {
      const result = await props.client.connectUrl(environment);
      return result.ok ? { ok: true as const, data: { url: result.data.url, environment } } : result;
    },
    (data) => {
      setLink(data);
      return null;
    },
  );
  const disconnect = useAction(
    () => props.client.disconnect(),
    () => {
      props.addAlert({ type: 'success', message: 'Salesforce is disconnected and sync is paused.' });
      setConfirming(false);
      props.onChanged();
      props.syncChanged();
      return null;
    },
  );
  const confirm = useAction(
    (orgId: string) => props.client.confirmConnection(orgId),
    () => {
      props.addAlert({ type: 'success', message: 'Salesforce connection confirmed: sync is starting.' });
      props.onChanged();
      props.syncChanged();
      return null;
    },
  );
  const awaitingConfirmation = salesforce.state === 'connected' && salesforce.awaitingConfirmation;
  const missingScopes = status.hubspot.scopes.missing;
  return (
    <Flex direction="column" gap="md" testId="connection-tab">
      <Heading>HubSpot</Heading>
      <DescriptionList direction="row">
        <DescriptionListItem label="Portal">
          <Text>{status.hubspot.hubDomain ?? status.portalId}</Text>
        </DescriptionListItem>
        <DescriptionListItem label="Installed by">
          <Text>{status.hubspot.installedBy ?? '—'}</Text>
        </DescriptionListItem>
        <DescriptionListItem label="State">
          <StatusTag variant={status.hubspot.state === 'connected' ? 'success' : 'danger'}>
            {status.hubspot.state === 'connected' ? 'Installed' : 'Uninstalled'}
          </StatusTag>
        </DescriptionListItem>
      </DescriptionList>
      {missingScopes.length > 0 ? (
        <Alert title="The app is missing permissions" variant="warning" testId="missing-scopes">
          {`HubSpot did not grant ${missingScopes.join(', ')}. `}
          <Link href={{ url: status.hubspot.reinstallUrl, external: true }}>Install the app again</Link> to
          grant them.
        </Alert>
      ) : null}
      {status.hubspot.properties && !status.hubspot.properties.ok ? (
        <Alert title="Some of the app's HubSpot properties need attention" variant="warning">
          {status.hubspot.properties.problems.join(' ')}
        </Alert>
      ) : null}

      <Heading>Salesforce</Heading>
      <DescriptionList direction="row">
        <DescriptionListItem label="State">
          <StatusTag variant={sfState.variant} testId="salesforce-state">
            {sfState.label}
          </StatusTag>
        </DescriptionListItem>
        <DescriptionListItem label="Org">
          <Text>
            {salesforce.instanceUrl ? (
              <Link href={{ url: salesforce.instanceUrl, external: true }}>{salesforce.instanceUrl}</Link>
            ) : (
              '—'
            )}
          </Text>
        </DescriptionListItem>
        <DescriptionListItem label="Environment">
          <Text>
            {salesforce.environment === 'sandbox'
              ? 'Sandbox'
              : salesforce.environment === 'production'
                ? 'Production'
                : '—'}
          </Text>
        </DescriptionListItem>
        <DescriptionListItem label="Connected as">
          <Text>{salesforce.username ?? '—'}</Text>
        </DescriptionListItem>
        <DescriptionListItem label="Connected">
          <Text>{salesforce.connectedAt ? relativeTime(salesforce.connectedAt, now) : '—'}</Text>
        </DescriptionListItem>
        {salesforce.origin ? (
          <DescriptionListItem label="Link made by">
            <Text>
              {`${userName(salesforce.origin.requestedBy)}${salesforce.origin.via === 'install_page' ? ', when installing' : ', on this page'}`}
            </Text>
          </DescriptionListItem>
        ) : null}
        {salesforce.origin?.confirmedBy ? (
          <DescriptionListItem label="Confirmed by">
            <Text>{userName(salesforce.origin.confirmedBy)}</Text>
          </DescriptionListItem>
        ) : null}
      </DescriptionList>
      {awaitingConfirmation ? (
        <Alert title="Confirm the new Salesforce connection" variant="warning" testId="confirm-connection">
          {`Salesforce org ${salesforce.orgId ?? 'unknown'} (${salesforce.instanceUrl ?? 'no instance'}) was connected ` +
            `by ${salesforce.username ?? 'an unknown Salesforce user'} at ${salesforce.connectedAt ? formatDate(salesforce.connectedAt) : 'an unknown time'}, ` +
            `from a link ${userName(salesforce.origin?.requestedBy)} made on this page — confirm to start syncing. ` +
            'Such a link works in any browser, so nothing syncs until a settings manager checks that this is the org ' +
            'you meant. If it is not, disconnect it.'}
          <ButtonRow>
            <Button
              variant="primary"
              disabled={props.readOnly || confirm.state.status === 'running' || !salesforce.orgId}
              onClick={() => void confirm.run(salesforce.orgId ?? '')}
              testId="confirm-connection-button"
            >
              Confirm and start syncing
            </Button>
            <Button
              variant="destructive"
              disabled={props.readOnly}
              onClick={() => setConfirming(true)}
              testId="reject-connection"
            >
              Disconnect
            </Button>
          </ButtonRow>
        </Alert>
      ) : null}
      {confirm.state.status === 'error' ? (
        <Alert title="Not confirmed" variant="danger" testId="confirm-connection-error">
          {confirm.state.error.message}
        </Alert>
      ) : null}
      {status.lastError ? (
        <Alert title="Last problem" variant="warning">
          {status.lastError.message}
        </Alert>
      ) : null}
      {salesforce.state === 'needs_reauth' ? (
        <Alert title="Salesforce refused the saved login" variant="danger">
          Sync is paused until someone reconnects the same Salesforce org. Nothing waiting to sync is lost.
        </Alert>
      ) : null}
      <ButtonRow>
        <Button
          variant={salesforce.state === 'connected' ? 'secondary' : 'primary'}
          disabled={props.readOnly}
          onClick={() => void connect.run('production')}
          testId="connect-production"
        >
          {salesforce.state === 'not_connected' ? 'Connect a production org' : 'Reconnect (production)'}
        </Button>
        <Button
          disabled={props.readOnly}
          onClick={() => void connect.run('sandbox')}
          testId="connect-sandbox"
        >
          {salesforce.state === 'not_connected' ? 'Connect a sandbox' : 'Reconnect (sandbox)'}
        </Button>
        {salesforce.state !== 'not_connected' ? (
          <Button
            variant="destructive"
            disabled={props.readOnly}
            onClick={() => setConfirming(true)}
            testId="disconnect"
          >
            Disconnect
          </Button>
        ) : null}
      </ButtonRow>
      {link ? (
        <Alert title="Open Salesforce to connect" variant="info" testId="connect-link">
          {`This link works once, for ten minutes, in any browser: open it yourself, or send it to your Salesforce admin. ` +
            `It shows this HubSpot account's name before anything happens; log in to the ${link.environment} org you want to sync and approve the app. ` +
            'The connection then waits here for a settings manager to confirm it before anything syncs. '}
          <Link href={{ url: link.url, external: true }}>Open Salesforce</Link>
        </Alert>
      ) : null}
      {connect.state.status === 'error' ? (
        <Alert title="No link" variant="danger">
          {connect.state.error.message}
        </Alert>
      ) : null}
      {confirming ? (
        <Alert title="Disconnect Salesforce?" variant="warning" testId="confirm-disconnect">
          The bridge revokes its Salesforce login and pauses sync. Links between records are kept, and
          reconnecting the same org resumes where it stopped.
          <ButtonRow>
            <Button
              variant="destructive"
              disabled={disconnect.state.status === 'running'}
              onClick={() => void disconnect.run()}
              testId="confirm-disconnect-button"
            >
              Disconnect
            </Button>
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
          </ButtonRow>
        </Alert>
      ) : null}
      {disconnect.state.status === 'error' ? (
        <Alert title="Not disconnected" variant="danger">
          {disconnect.state.error.message}
        </Alert>
      ) : null}
    </Flex>
  );
}
