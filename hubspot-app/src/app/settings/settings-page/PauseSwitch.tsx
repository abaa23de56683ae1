/** Pause and resume: while paused, changes are still recorded and sync catches up on resume. */
import { Alert, Flex, StatusTag, Text, Toggle } from '@hubspot/ui-extensions';
import type { AddAlertAction } from '@hubspot/ui-extensions';
import { useAction, useRequest, type BridgeClient } from '@sf-bridge/client';

const stateTags: Record<string, { label: string; variant: 'success' | 'warning' | 'danger' }> = {
  running: { label: 'Sync is running', variant: 'success' },
  paused: { label: 'Sync is paused', variant: 'warning' },
  waiting_for_budget: { label: 'Waiting for API budget', variant: 'warning' },
};

export function PauseSwitch(props: {
  client: BridgeClient;
  readOnly: boolean;
  addAlert: AddAlertAction;
  /** Changes when something else changed whether sync runs: the switch reads the state again. */
  version?: number;
}) {
  const health = useRequest(() => props.client.health(), [props.client, props.version]);
  const toggle = useAction(
    (paused: boolean) => props.client.setPaused(paused),
    (state) => {
      props.addAlert({
        type: 'success',
        message: state.pausedByAdmin
          ? 'Sync is paused. Changes are still recorded and sync catches up when you resume.'
          : 'Sync resumed.',
      });
      health.reload();
      return null;
    },
  );
  if (health.state.status === 'loading') return <Text variant="microcopy">Checking whether sync runs…</Text>;
  if (health.state.status === 'error') {
    return (
      <Alert title="Couldn't tell whether sync runs" variant="warning">
        {health.state.error.message}
      </Alert>
    );
  }
  const { sync } = health.state.data;
  const tag = stateTags[sync.state] ?? { label: sync.state, variant: 'warning' as const };
  const pausedByAdmin = sync.state === 'paused' && sync.reason === 'paused_by_admin';
  return (
    <Flex direction="row" gap="md" align="center" testId="pause-switch">
      <StatusTag variant={tag.variant} testId="sync-state">
        {tag.label}
      </StatusTag>
      {sync.message ? <Text variant="microcopy">{sync.message}</Text> : null}
      <Toggle
        label="Pause sync"
        labelDisplay="inline"
        checked={pausedByAdmin}
        readOnly={props.readOnly || toggle.state.status === 'running'}
        onChange={(checked: boolean) => void toggle.run(checked)}
        testId="pause-toggle"
      />
      {toggle.state.status === 'error' ? <Text variant="microcopy">{toggle.state.error.message}</Text> : null}
    </Flex>
  );
}
