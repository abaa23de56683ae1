/**
 * What an admin (settings page) or an operator (dashboard) sees about an installation: each side's
 * connection, token expiry, granted against required scopes, the property bootstrap, the Salesforce
 * capability check, the last error and where to go to fix things. Never a token.
 */
import { HUBSPOT_REQUIRED_SCOPES, missingHubSpotScopes } from '../connectors/hubspot/scopes';
import { SALESFORCE_SCOPES } from '../connectors/salesforce/oauth';
import { HUBSPOT_INSTALL_PATH, type BridgeApp, type BridgeContext } from '../auth/bridgeContext';
import * as installations from '../db/installations';
import { deleteCheckboxOfCapabilities } from '../settings/deleteMark';
import type {
  Installation,
  LastError,
  SalesforceConnectionVia,
  SalesforceEnvironment,
} from '../db/installations';
import type { HubSpotPerson } from '../domain/actors';
import type { CapabilityReport, PropertiesReport } from '../domain/installationReports';
import type {
  HubSpotConnectionState,
  InstallationStatus,
  PauseReason,
  SalesforceConnectionState,
} from '../domain/installationState';

export interface ScopeCheck {
  granted: string[];
  required: string[];
  missing: string[];
}

export interface InstallationStatusView {
  installationId: string;
  portalId: string;
  status: InstallationStatus;
  sync: { paused: boolean; reason: PauseReason | null };
  hubspot: {
    state: HubSpotConnectionState;
    hubDomain: string | null;
    installedBy: string | null;
    accessTokenExpiresAt: number | null;
    scopes: ScopeCheck;
    properties: {
      checkedAt: number;
      ok: boolean;
      problems: string[];
      created: number;
    } | null;
    /** Installing again renews the grant (new scopes, a lost token) and keeps everything else. */
    reinstallUrl: string;
  };
  salesforce: {
    state: SalesforceConnectionState;
    environment: SalesforceEnvironment | null;
    instanceUrl: string | null;
    orgId: string | null;
    username: string | null;
    connectedAt: number | null;
    accessTokenIssuedAt: number | null;
    /** Salesforce access tokens carry no expiry; the bridge refreshes them when Salesforce refuses one. */
    accessTokenExpiresAt: null;
    scopes: ScopeCheck;
    capabilities: CapabilityReport | null;
    /**
     * Where a HubSpot delete is marked on Salesforce records, as the capability check found the org:
     * `HubSpot_Deleted__c` when Leads and Contacts have it as an editable checkbox, else only in the bridge
     * (the record card shows it). The sync checks again with each describe it reads; a settings page that
     * turned the checkbox off or named another says so itself.
     */
    deleteCheckbox: string | null;
    /** Made from a settings-page link and not yet confirmed by a settings manager: sync waits until it is. */
    awaitingConfirmation: boolean;
    /**
     * How the current connection was made (the install page in the installer's browser, or a settings-page
     * link), the HubSpot user who made that link, and who confirmed it. Null when not recorded (connections
     * made before the bridge recorded it).
     */
    origin: {
      via: SalesforceConnectionVia;
      requestedBy: HubSpotPerson;
      confirmedBy: HubSpotPerson | null;
      confirmedAt: number | null;
    } | null;
    /**
     * Where an admin reconnects: through the install page, which proves they administer this portal before
     * offering the Salesforce step. The settings page can instead ask for a direct connect link.
     */
    reconnectUrl: string | null;
  };
  lastError: LastError | null;
  createdAt: number;
  updatedAt: number;
}

function scopeCheck(granted: string[], required: readonly string[], missing: string[]): ScopeCheck {
  return { granted, required: [...required], missing };
}

function propertiesSummary(report: PropertiesReport | null): InstallationStatusView['hubspot']['properties'] {
  if (!report) return null;
  const problems = report.properties.flatMap((property) => (property.problem ? [property.problem] : []));
  return {
    checkedAt: report.checkedAt,
    ok: problems.length === 0,
    problems,
    created: report.properties.filter((property) => property.outcome === 'created').length,
  };
}

export function statusView(app: BridgeApp, installation: Installation): InstallationStatusView {
  const installUrl = `${app.publicBaseUrl}${HUBSPOT_INSTALL_PATH}`;
  const salesforceScopes = installation.salesforce.scopes;
  const hubspotConnected = installation.state.hubspot === 'connected';
  return {
    installationId: installation.id,
    portalId: installation.portalId,
    status: installation.status,
    sync: { paused: installation.syncPaused, reason: installation.pauseReason },
    hubspot: {
      state: installation.state.hubspot,
      hubDomain: installation.hubspot.hubDomain,
      installedBy: installation.hubspot.userEmail,
      accessTokenExpiresAt: hubspotConnected ? installation.hubspot.tokenExpiresAt : null,
      scopes: scopeCheck(
        installation.hubspot.scopes,
        HUBSPOT_REQUIRED_SCOPES,
        hubspotConnected ? missingHubSpotScopes(installation.hubspot.scopes) : [...HUBSPOT_REQUIRED_SCOPES],
      ),
      properties: propertiesSummary(installation.hubspot.propertiesReport),
      reinstallUrl: installUrl,
    },
    salesforce: {
      state: installation.state.salesforce,
      environment: installation.salesforce.environment,
      instanceUrl: installation.salesforce.instanceUrl,
      orgId: installation.salesforce.orgId,
      username: installation.salesforce.username,
      connectedAt: installation.salesforce.connectedAt,
      accessTokenIssuedAt: installation.salesforce.tokenIssuedAt,
      accessTokenExpiresAt: null,
      scopes: scopeCheck(
        salesforceScopes,
        SALESFORCE_SCOPES,
        installation.state.salesforce === 'connected'
          ? SALESFORCE_SCOPES.filter(
              (scope) =>
                !salesforceScopes.includes(scope) &&
                !(scope === 'refresh_token' && salesforceScopes.includes('offline_access')),
            )
          : [...SALESFORCE_SCOPES],
      ),
      capabilities: installation.salesforce.capabilities,
      deleteCheckbox: deleteCheckboxOfCapabilities(installation.salesforce.capabilities),
      awaitingConfirmation: installation.state.awaitingConfirmation,
      origin: installation.salesforce.connectionOrigin && {
        via: installation.salesforce.connectionOrigin.via,
        requestedBy: installation.salesforce.connectionOrigin.requestedBy,
        confirmedBy: installation.salesforce.connectionOrigin.confirmedBy,
        confirmedAt: installation.salesforce.connectionOrigin.confirmedAt,
      },
      reconnectUrl: installation.state.salesforce === 'connected' ? null : installUrl,
    },
    lastError: installation.lastError,
    createdAt: installation.createdAt,
    updatedAt: installation.updatedAt,
  };
}

/** The status of one installation, or null if there is none with this id. */
export async function getInstallationStatus(
  ctx: Pick<BridgeContext, 'db' | 'app'>,
  installationId: string,
): Promise<InstallationStatusView | null> {
  const installation = await installations.findById(ctx.db, installationId);
  return installation ? statusView(ctx.app, installation) : null;
}

/** The status of a portal's installation, or null if the app was never installed there. */
export async function getInstallationStatusByPortal(
  ctx: Pick<BridgeContext, 'db' | 'app'>,
  portalId: string,
): Promise<InstallationStatusView | null> {
  const installation = await installations.findByPortalId(ctx.db, portalId);
  return installation ? statusView(ctx.app, installation) : null;
}
