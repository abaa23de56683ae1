/**
 * The bottom of the page: whether there is something to save, what the server thinks of it, "Preview
 * changes" (a dry run over linked records, nothing written), "Save" and "Discard".
 */
import { useState } from 'react';
import { Alert, Button, ButtonRow, Divider, Flex, LoadingButton, Text } from '@hubspot/ui-extensions';
import {
  plural,
  useAction,
  type ApiError,
  type SettingsDryRun,
  type StoredSettings,
} from '@sf-bridge/client';
import { sameDocument } from './draft';
import { DryRunPanel } from './DryRunPanel';
import { generalMessages, type EditorProps } from './editor';
import type { DraftValidation } from './SettingsView';

export function SaveBar(
  props: EditorProps & {
    stored: StoredSettings;
    validation: DraftValidation;
    onSaved: () => void;
    onDiscard: () => void;
  },
) {
  const { draft, stored, validation } = props;
  const changed = !sameDocument(draft, stored.settings);
  const [dryRun, setDryRun] = useState<{ result: SettingsDryRun; document: string } | null>(null);
  const preview = useAction(
    () => props.client.dryRunSettings(draft),
    (result) => {
      setDryRun({ result, document: JSON.stringify(draft) });
      return null;
    },
  );
  const save = useAction(
    () => props.client.saveSettings(draft, stored.version),
    (saved) => {
      props.addAlert({
        type: 'success',
        title: 'Settings saved',
        message: `Version ${saved.version} is in use from the next sync.`,
      });
      props.onSaved();
      return null;
    },
  );
  if (props.readOnly) return null;
  const errors = validation.messages.filter((message) => message.severity !== 'warning');
  const warnings = validation.messages.filter((message) => message.severity === 'warning');
  const saveError: ApiError | null = save.state.status === 'error' ? save.state.error : null;
  const serverMessages =
    saveError && Array.isArray(saveError.details.messages)
      ? (saveError.details.messages as Array<{ message: string; fieldKey?: string | null }>)
      : [];
  const stale = dryRun !== null && dryRun.document !== JSON.stringify(draft);
  return (
    <Flex direction="column" gap="sm" testId="save-bar">
      <Divider />
      {saveError?.code === 'stale_base' ? (
        <Alert title="Someone else saved the settings" variant="danger" testId="stale-version">
          {saveError.message}
          <Button size="xs" onClick={props.onSaved} testId="reload-settings">
            Reload the settings
          </Button>
        </Alert>
      ) : null}
      {saveError && saveError.code !== 'stale_base' ? (
        <Alert title="Not saved" variant="danger" testId="save-error">
          {saveError.message}
          {serverMessages.map((message) => (
            <Text
              key={message.message}
            >{`• ${message.fieldKey ? `${message.fieldKey}: ` : ''}${message.message}`}</Text>
          ))}
        </Alert>
      ) : null}
      {changed && generalMessages(errors).length > 0 ? (
        <Alert title="Fix before saving" variant="danger" testId="draft-errors">
          {generalMessages(errors).map((message) => (
            <Text key={message.message}>{`• ${message.message}`}</Text>
          ))}
        </Alert>
      ) : null}
      {changed && warnings.length > 0 ? (
        <Alert title="Worth knowing" variant="warning" testId="draft-warnings">
          {warnings.map((message) => (
            <Text key={message.message}>{`• ${message.message}`}</Text>
          ))}
        </Alert>
      ) : null}
      <Flex direction="row" justify="between" align="center">
        <Text testId="draft-state">
          {!changed
            ? `Version ${stored.version === 0 ? '0 (the shipped defaults)' : stored.version}. No unsaved changes.`
            : validation.checking
              ? 'Unsaved changes. Checking them…'
              : validation.error
                ? `Unsaved changes. They could not be checked: ${validation.error}`
                : errors.length > 0
                  ? `Unsaved changes: ${plural(errors.length, 'problem')} to fix.`
                  : 'Unsaved changes. The server found no problem.'}
        </Text>
        <ButtonRow>
          <Button
            disabled={!changed || save.state.status === 'running'}
            onClick={props.onDiscard}
            testId="discard"
          >
            Discard changes
          </Button>
          <LoadingButton
            loading={preview.state.status === 'running'}
            disabled={errors.length > 0}
            onClick={() => void preview.run()}
            testId="preview-changes"
          >
            Preview changes
          </LoadingButton>
          <LoadingButton
            variant="primary"
            loading={save.state.status === 'running'}
            disabled={!changed || errors.length > 0 || validation.checking}
            onClick={() => void save.run()}
            testId="save"
          >
            Save
          </LoadingButton>
        </ButtonRow>
      </Flex>
      {preview.state.status === 'error' ? (
        <Alert title="Couldn't preview the changes" variant="warning" testId="dry-run-error">
          {preview.state.error.message}
        </Alert>
      ) : null}
      {dryRun ? <DryRunPanel result={dryRun.result} stale={stale} /> : null}
    </Flex>
  );
}
