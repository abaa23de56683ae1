import type { AddAlertAction } from '@hubspot/ui-extensions';
import type { BridgeClient, RecordRef } from '@sf-bridge/client';

/** What every part of the card is given: the client, the record, and a way to tell the person what happened. */
export interface CardPartProps {
  readonly client: BridgeClient;
  readonly record: RecordRef;
  readonly addAlert: AddAlertAction;
  /** Everything on the card reads again (after an action changed something). */
  readonly onChanged: () => void;
  readonly now: number;
}
