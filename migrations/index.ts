/**
 * Every migration, in order. Listed explicitly (rather than read from the folder) so that the same list
 * runs under tsx, under jest and from a compiled build, on SQLite and on PostgreSQL alike.
 * Add a new migration by creating `YYYYMMDDHHMMSS_what_it_does.ts` here and appending it below.
 */
import type { Knex } from 'knex';
import * as createInstallations from './20261122000100_create_installations';
import * as createOauthStates from './20261122000200_create_oauth_states';
import * as createTokenRefreshLeases from './20261122010000_create_token_refresh_leases';
import * as addInstallationConnectionDetails from './20261122010100_add_installation_connection_details';
import * as addInstallationsPausedByAdmin from './20261122010200_add_installations_paused_by_admin';
import * as createSettings from './20261122100000_create_settings';
import * as createLinks from './20261122100100_create_links';
import * as createLinkEvents from './20261122100200_create_link_events';
import * as createShadows from './20261122100300_create_shadows';
import * as createDirty from './20261122100400_create_dirty';
import * as createConflicts from './20261122100500_create_conflicts';
import * as createFailures from './20261122100600_create_failures';
import * as createPendingMatches from './20261122100700_create_pending_matches';
import * as createAuditEntries from './20261122100800_create_audit_entries';
import * as createWebhookEvents from './20261122100900_create_webhook_events';
import * as createCursors from './20261122101000_create_cursors';
import * as createApiUsage from './20261122101100_create_api_usage';
import * as createApiLimitReports from './20261122101200_create_api_limit_reports';
import * as createScheduleLeases from './20261122101300_create_schedule_leases';
import * as addAuditEntriesActorUser from './20261123090000_add_audit_entries_actor_user';
import * as indexAuditEntriesRecord from './20261123090100_index_audit_entries_record';
import * as addCursorsStalls from './20261123100000_add_cursors_stalls';
import * as createSeenSignatures from './20261124090000_create_seen_signatures';
import * as createCreatesInDoubt from './20261207090000_create_creates_in_doubt';
import * as addInstallationsSalesforceConfirmation from './20261207100000_add_installations_salesforce_confirmation';
import * as createProcessHeartbeats from './20261208090000_create_process_heartbeats';
import * as createAlerts from './20261209090000_create_alerts';
import * as createAlertDeliveries from './20261209090100_create_alert_deliveries';
import * as createOpsSamples from './20261209100000_create_ops_samples';
import * as addDirtyCorrelationId from './20261210090000_add_dirty_correlation_id';
import * as createReconcileReports from './20261212090000_create_reconcile_reports';
import * as createPrivacyTombstones from './20261212090100_create_privacy_tombstones';
import * as createDeleteHolds from './20261211090000_create_delete_holds';
import * as createDeleteExpiries from './20261211090100_create_delete_expiries';
import * as createAssociationWaits from './20261213090000_create_association_waits';
import * as createContactRolesSeen from './20261214090000_create_contact_roles_seen';
import * as keepObjectsOfUnsavedSettings from './20261214100000_keep_objects_of_unsaved_settings';

export interface Migration {
  name: string;
  up: (knex: Knex) => Promise<void>;
  down: (knex: Knex) => Promise<void>;
}

export const migrations: Migration[] = [
  { name: '20261122000100_create_installations', ...createInstallations },
  { name: '20261122000200_create_oauth_states', ...createOauthStates },
  { name: '20261122010000_create_token_refresh_leases', ...createTokenRefreshLeases },
  { name: '20261122010100_add_installation_connection_details', ...addInstallationConnectionDetails },
  { name: '20261122010200_add_installations_paused_by_admin', ...addInstallationsPausedByAdmin },
  { name: '20261122100000_create_settings', ...createSettings },
  { name: '20261122100100_create_links', ...createLinks },
  { name: '20261122100200_create_link_events', ...createLinkEvents },
  { name: '20261122100300_create_shadows', ...createShadows },
  { name: '20261122100400_create_dirty', ...createDirty },
  { name: '20261122100500_create_conflicts', ...createConflicts },
  { name: '20261122100600_create_failures', ...createFailures },
  { name: '20261122100700_create_pending_matches', ...createPendingMatches },
  { name: '20261122100800_create_audit_entries', ...createAuditEntries },
  { name: '20261122100900_create_webhook_events', ...createWebhookEvents },
  { name: '20261122101000_create_cursors', ...createCursors },
  { name: '20261122101100_create_api_usage', ...createApiUsage },
  { name: '20261122101200_create_api_limit_reports', ...createApiLimitReports },
  { name: '20261122101300_create_schedule_leases', ...createScheduleLeases },
  { name: '20261123090000_add_audit_entries_actor_user', ...addAuditEntriesActorUser },
  { name: '20261123090100_index_audit_entries_record', ...indexAuditEntriesRecord },
  { name: '20261123100000_add_cursors_stalls', ...addCursorsStalls },
  { name: '20261124090000_create_seen_signatures', ...createSeenSignatures },
  { name: '20261207090000_create_creates_in_doubt', ...createCreatesInDoubt },
  {
    name: '20261207100000_add_installations_salesforce_confirmation',
    ...addInstallationsSalesforceConfirmation,
  },
  { name: '20261208090000_create_process_heartbeats', ...createProcessHeartbeats },
  { name: '20261209090000_create_alerts', ...createAlerts },
  { name: '20261209090100_create_alert_deliveries', ...createAlertDeliveries },
  { name: '20261209100000_create_ops_samples', ...createOpsSamples },
  { name: '20261210090000_add_dirty_correlation_id', ...addDirtyCorrelationId },
  { name: '20261211090000_create_delete_holds', ...createDeleteHolds },
  { name: '20261211090100_create_delete_expiries', ...createDeleteExpiries },
  { name: '20261212090000_create_reconcile_reports', ...createReconcileReports },
  { name: '20261212090100_create_privacy_tombstones', ...createPrivacyTombstones },
  { name: '20261213090000_create_association_waits', ...createAssociationWaits },
  { name: '20261214090000_create_contact_roles_seen', ...createContactRolesSeen },
  { name: '20261214100000_keep_objects_of_unsaved_settings', ...keepObjectsOfUnsavedSettings },
];
