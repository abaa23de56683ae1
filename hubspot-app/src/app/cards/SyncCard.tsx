/**
 * The Salesforce sync card on a HubSpot record: HubSpot loads this entry point and hands it the record and
 * the user; everything it shows comes from the bridge through `hubspot.fetch`.
 */
import { hubspot } from '@hubspot/ui-extensions';
import { createBridgeClient } from '@sf-bridge/client';
import { SyncCardView } from './sync-card/SyncCardView';

const client = createBridgeClient();

hubspot.extend<'crm.record.tab'>(({ context, actions }) => (
  <SyncCardView context={context} actions={actions} client={client} />
));
