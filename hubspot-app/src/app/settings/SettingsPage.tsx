/**
 * The app's settings page (Connected apps → Salesforce Bridge → Settings): HubSpot loads this entry point;
 * everything it shows and saves goes through the bridge with `hubspot.fetch`.
 */
import { hubspot } from '@hubspot/ui-extensions';
import { createBridgeClient } from '@sf-bridge/client';
import { SettingsView } from './settings-page/SettingsView';

const client = createBridgeClient();

hubspot.extend<'settings'>(({ actions }) => <SettingsView actions={actions} client={client} />);
