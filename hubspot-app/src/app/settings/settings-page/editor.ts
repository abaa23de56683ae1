import type { AddAlertAction } from '@hubspot/ui-extensions';
import type {
  BridgeClient,
  LiveMetadata,
  RequestState,
  SettingsDocument,
  SettingsMessage,
} from '@sf-bridge/client';

/** What every tab of the settings page is given. */
export interface EditorProps {
  readonly client: BridgeClient;
  readonly draft: SettingsDocument;
  readonly setDraft: (change: (draft: SettingsDocument) => SettingsDocument) => void;
  /** A person who may not change settings sees them, with every control disabled. */
  readonly readOnly: boolean;
  /** The server's latest messages about the draft. */
  readonly messages: readonly SettingsMessage[];
  /** Both systems' live field lists (for picking fields). */
  readonly metadata: RequestState<LiveMetadata>;
  readonly addAlert: AddAlertAction;
  readonly now: number;
  /** Something changed whether sync runs (a connection confirmed or disconnected): the pause switch looks again. */
  readonly syncChanged: () => void;
}

/** The first error (else warning) the server has about one mapping, for the field's own row. */
export function messageFor(
  messages: readonly SettingsMessage[],
  object: string,
  fieldKey: string,
): SettingsMessage | null {
  const mine = messages.filter(
    (message) =>
      message.fieldKey === fieldKey &&
      (message.object === undefined || message.object === null || message.object === object),
  );
  return mine.find((message) => message.severity !== 'warning') ?? mine[0] ?? null;
}

/** Messages about no one mapping: shown at the top of the tab or the save bar. */
export function generalMessages(messages: readonly SettingsMessage[]): SettingsMessage[] {
  return messages.filter((message) => !message.fieldKey);
}
