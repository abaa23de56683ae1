/**
 * The properties the bridge keeps on each synced HubSpot contact (created at install time, named in
 * src/connectors/hubspot/appProperties.ts): which
 * Salesforce record it is linked to, a link to open it, the sync status and when it last synced. They are
 * written only inside a HubSpot write the sync makes anyway, or when what they say has changed: never as a
 * call of their own per record, and never on an echo.
 */
import { APP_PROPERTY, type SyncStatusValue } from '../connectors/hubspot/appProperties';
import type { HubspotRecord, SalesforceObjectType } from '../domain/records';

export { APP_PROPERTY };
export type SyncStatus = SyncStatusValue;

export interface AppPropertyState {
  readonly salesforce: { readonly type: SalesforceObjectType; readonly id: string } | null;
  readonly status: SyncStatus;
  /** Set while the linked Salesforce record is deleted (epoch ms); null clears the flag. */
  readonly deletedAtMs: number | null;
}

/** Lightning's record page. */
export function salesforceRecordUrl(instanceUrl: string, type: SalesforceObjectType, id: string): string {
  return `${instanceUrl.replace(/\/+$/, '')}/lightning/r/${type}/${id}/view`;
}

/**
 * The app properties to send: those whose value differs from what the record holds (all of them for a
 * record being created). `salesforce_last_synced_at` only rides along when something else is written.
 */
export function appPropertyChanges(
  current: HubspotRecord | null,
  state: AppPropertyState,
  context: { instanceUrl: string; nowMs: number; writingAnyway: boolean },
): Record<string, string> {
  const desired: Record<string, string> = { [APP_PROPERTY.syncStatus]: state.status };
  if (state.salesforce) {
    desired[APP_PROPERTY.recordId] = state.salesforce.id;
    desired[APP_PROPERTY.objectType] = state.salesforce.type;
    desired[APP_PROPERTY.recordUrl] = salesforceRecordUrl(
      context.instanceUrl,
      state.salesforce.type,
      state.salesforce.id,
    );
  }
  const changes: Record<string, string> = {};
  for (const [name, value] of Object.entries(desired)) {
    if (!current || (current.properties[name] ?? '') !== value) changes[name] = value;
  }
  const deletedNow = current?.properties[APP_PROPERTY.deletedAt] ?? null;
  if (state.deletedAtMs !== null && !deletedNow) changes[APP_PROPERTY.deletedAt] = String(state.deletedAtMs);
  if (state.deletedAtMs === null && deletedNow) changes[APP_PROPERTY.deletedAt] = '';
  if (context.writingAnyway || Object.keys(changes).length > 0) {
    changes[APP_PROPERTY.lastSyncedAt] = String(context.nowMs);
  }
  return changes;
}
