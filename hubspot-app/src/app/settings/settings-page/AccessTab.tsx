/** Who may change these settings: HubSpot super admins always, and the roles an admin lists here. */
import { Alert, Flex, Heading, LoadingSpinner, MultiSelect, Text } from '@hubspot/ui-extensions';
import { useRequest } from '@sf-bridge/client';
import type { EditorProps } from './editor';

export function AccessTab(props: EditorProps) {
  const roles = useRequest(() => props.client.roles(), [props.client]);
  const chosen = props.draft.access?.settingsRoleIds ?? [];
  return (
    <Flex direction="column" gap="sm" testId="access-tab">
      <Heading>Who may change settings</Heading>
      <Text>
        Super admins of this HubSpot portal can always change the settings, pause sync and disconnect
        Salesforce. Add roles to let their users do the same. Everyone who can see a record can use its sync
        card (sync now, settle a conflict, retry).
      </Text>
      {roles.state.status === 'loading' ? (
        <LoadingSpinner label="Loading the portal's roles" size="xs" />
      ) : null}
      {roles.state.status === 'error' ? (
        <Alert title="Couldn't load the portal's roles" variant="warning">
          {roles.state.error.message}
        </Alert>
      ) : null}
      {roles.state.status === 'success' ? (
        roles.state.data.roles.length === 0 ? (
          <Text variant="microcopy">
            This portal has no custom roles; only super admins can change settings.
          </Text>
        ) : (
          <MultiSelect
            label="Roles that may change settings"
            name="settings-roles"
            value={[...chosen]}
            options={roles.state.data.roles.map((role) => ({ value: role.id, label: role.name }))}
            readOnly={props.readOnly}
            onChange={(value) =>
              props.setDraft((current) => ({
                ...current,
                access: { ...current.access, settingsRoleIds: value.map(String) },
              }))
            }
            testId="settings-roles"
          />
        )
      ) : null}
    </Flex>
  );
}
