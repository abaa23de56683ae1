/**
 * The app's settings page in HubSpot: the connection, what syncs and who owns each field, which records
 * sync, deletes, limits, who may change settings, and health. Edits collect in a draft that the server
 * checks as the admin types; "Preview changes" runs the edited settings over linked records without
 * writing anything, and "Save" stores a new version unless someone else saved first.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, ErrorState, Flex, LoadingSpinner, Tab, Tabs, Text } from '@hubspot/ui-extensions';
import type { AddAlertAction } from '@hubspot/ui-extensions';
import {
  createBridgeClient,
  useRequest,
  type BridgeClient,
  type Me,
  type SettingsDocument,
  type StoredSettings,
} from '@sf-bridge/client';
import { AccessTab } from './AccessTab';
import { ConnectionTab } from './ConnectionTab';
import { FieldsTab } from './FieldsTab';
import { HealthTab } from './HealthTab';
import { OperationsTab } from './OperationsTab';
import { PauseSwitch } from './PauseSwitch';
import { RecordsTab } from './RecordsTab';
import { SaveBar } from './SaveBar';
import type { EditorProps } from './editor';

export interface SettingsViewProps {
  readonly actions: { readonly addAlert: AddAlertAction };
  readonly client?: BridgeClient;
  readonly now?: () => number;
  /** How long the page waits after an edit before asking the server to check the draft. */
  readonly validateDelayMs?: number;
}

export function SettingsView(props: SettingsViewProps) {
  const client = useMemo(() => props.client ?? createBridgeClient(), [props.client]);
  const me = useRequest(() => client.me(), [client]);
  const stored = useRequest(() => client.settings(), [client]);
  if (me.state.status === 'loading' || stored.state.status === 'loading') {
    return <LoadingSpinner label="Loading the sync settings" layout="centered" testId="settings-loading" />;
  }
  const failed =
    me.state.status === 'error'
      ? me.state.error
      : stored.state.status === 'error'
        ? stored.state.error
        : null;
  if (failed || me.state.status !== 'success' || stored.state.status !== 'success') {
    return (
      <ErrorState title="Couldn't load the sync settings" testId="settings-error">
        <Text>{failed?.message ?? 'The sync service gave no answer.'}</Text>
        <Button
          testId="settings-error-retry"
          onClick={() => {
            me.reload();
            stored.reload();
          }}
        >
          Try again
        </Button>
      </ErrorState>
    );
  }
  return (
    <SettingsEditor
      key={stored.state.data.version}
      {...props}
      client={client}
      me={me.state.data}
      stored={stored.state.data}
      onReload={stored.reload}
    />
  );
}

function SettingsEditor(
  props: SettingsViewProps & { client: BridgeClient; me: Me; stored: StoredSettings; onReload: () => void },
) {
  const { client, me, stored } = props;
  const [draft, setDraftState] = useState<SettingsDocument>(stored.settings);
  const setDraft = (change: (value: SettingsDocument) => SettingsDocument) => setDraftState(change);
  const [tab, setTab] = useState<string>('fields');
  const [syncVersion, setSyncVersion] = useState(0);
  // Both systems' field lists, read once for every tab that offers fields to pick.
  const metadata = useRequest(() => client.metadata(), [client]);
  const validation = useDraftValidation(
    client,
    draft,
    stored.settings,
    me.canManageSettings,
    props.validateDelayMs ?? 600,
  );
  const editor: EditorProps = {
    client,
    draft,
    setDraft,
    readOnly: !me.canManageSettings,
    messages: validation.messages,
    metadata: metadata.state,
    addAlert: props.actions.addAlert,
    now: (props.now ?? Date.now)(),
    syncChanged: () => setSyncVersion((version) => version + 1),
  };
  return (
    <Flex direction="column" gap="md">
      {!me.canManageSettings ? (
        <Alert title="You can look, not change" variant="info" testId="read-only-note">
          {me.reason ??
            'Only HubSpot super admins, and the roles an admin allows, can change these settings. Ask a super admin of this portal.'}
        </Alert>
      ) : null}
      <PauseSwitch
        client={client}
        readOnly={!me.canManageSettings}
        addAlert={props.actions.addAlert}
        version={syncVersion}
      />
      <Tabs
        selected={tab}
        onSelectedChange={(selected: string | number) => setTab(String(selected))}
        testId="settings-tabs"
      >
        {/* Only the open tab is rendered, so a tab's requests are made when someone looks at it. */}
        <Tab tabId="connection" title="Connection">
          {tab === 'connection' ? <ConnectionTab {...editor} /> : null}
        </Tab>
        <Tab tabId="fields" title="Objects and fields">
          {tab === 'fields' ? <FieldsTab {...editor} /> : null}
        </Tab>
        <Tab tabId="records" title="Which records">
          {tab === 'records' ? <RecordsTab {...editor} /> : null}
        </Tab>
        <Tab tabId="operations" title="Deletes and limits">
          {tab === 'operations' ? <OperationsTab {...editor} /> : null}
        </Tab>
        <Tab tabId="access" title="Access">
          {tab === 'access' ? <AccessTab {...editor} /> : null}
        </Tab>
        <Tab tabId="health" title="Health">
          {tab === 'health' ? <HealthTab {...editor} /> : null}
        </Tab>
      </Tabs>
      <SaveBar
        {...editor}
        stored={stored}
        validation={validation}
        onSaved={props.onReload}
        onDiscard={() => setDraftState(stored.settings)}
      />
    </Flex>
  );
}

export type DraftValidation = ReturnType<typeof useDraftValidation>;

/** The server checks the draft a moment after each edit; its messages show under the fields they name. */
function useDraftValidation(
  client: BridgeClient,
  draft: SettingsDocument,
  saved: SettingsDocument,
  enabled: boolean,
  delayMs: number,
) {
  const [state, setState] = useState<{
    checking: boolean;
    messages: StoredSettings['messages'];
    error: string | null;
  }>({ checking: false, messages: [], error: null });
  useEffect(() => {
    if (!enabled || draft === saved) {
      setState({ checking: false, messages: [], error: null });
      return undefined;
    }
    let current = true;
    setState((previous) => ({ ...previous, checking: true }));
    const timer = setTimeout(() => {
      void client.validateSettings(draft).then((result) => {
        if (!current) return;
        setState(
          result.ok
            ? { checking: false, messages: result.data.messages, error: null }
            : { checking: false, messages: [], error: result.error.message },
        );
      });
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, draft, saved, enabled, delayMs]);
  return state;
}
