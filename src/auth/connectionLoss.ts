/**
 * What happens when a provider refuses a refresh for good.
 *
 * HubSpot refresh tokens only die when the app is uninstalled from the portal, so a HubSpot refresh token
 * that is refused and that HubSpot's introspection then calls inactive means the customer removed the app
 * (the caller confirms that first: one refusal alone is not proof). The installation becomes `uninstalled` and
 * every token it holds is deleted (the Salesforce one revoked first, as far as Salesforce can be reached). A
 * refused Salesforce refresh only needs the admin to log in again: that side becomes `needs_reauth`, sync
 * pauses, and nothing else (links, settings, queued work) is touched, so reconnecting resumes where it stopped.
 *
 * Both take the refresh token that was refused, and change nothing if the installation no longer holds it:
 * another process rotated it, or the admin reconnected, while the refused call was under way.
 */
import type { BridgeContext } from './bridgeContext';
import { salesforceOAuthApp } from './bridgeContext';
import { revokeSalesforceToken } from '../connectors/salesforce/oauth';
import * as installations from '../db/installations';
import type { SealedToken } from './tokenCipher';
import { openToken } from './sealedColumns';

/** True when this call marked the installation uninstalled. */
export async function markHubSpotUninstalled(
  ctx: BridgeContext,
  installationId: string,
  reason: string,
  refusedRefreshToken: SealedToken,
): Promise<boolean> {
  const at = ctx.now();
  const refused = { side: 'hubspot', refreshToken: refusedRefreshToken } as const;
  const result = await installations.applyEvent(
    ctx.db,
    installationId,
    'hubspot_refresh_refused',
    at,
    {
      hubspotAccessToken: null,
      hubspotRefreshToken: null,
      hubspotTokenExpiresAt: null,
      salesforceAccessToken: null,
      salesforceRefreshToken: null,
      lastError: {
        side: 'hubspot',
        code: 'hubspot_uninstalled',
        message: `HubSpot refused the refresh token and says it is no longer active, so the app was uninstalled from this portal (${reason}). Install it again to resume.`,
        at,
      },
    },
    { onlyIf: (current) => installations.holdsRefreshToken(current, refused) },
  );
  if (!result.ok) {
    ctx.logger.info({ installationId, reason: result.reason }, 'installation not marked uninstalled');
    return false;
  }
  ctx.logger.warn(
    { installationId, portalId: result.previous.portalId },
    'HubSpot app uninstalled; tokens deleted',
  );
  const { refreshToken, loginUrl } = result.previous.salesforce;
  if (!refreshToken || !loginUrl) return true;
  const opened = openToken(ctx.cipher, installationId, 'salesforce_refresh_token', refreshToken);
  if (!opened.ok) return true;
  await revokeSalesforceToken(salesforceOAuthApp(ctx.app, loginUrl), opened.value).catch((error: unknown) => {
    ctx.logger.warn(
      { installationId, reason: error instanceof Error ? error.message : String(error) },
      'could not revoke the Salesforce token of an uninstalled installation; it was deleted here',
    );
  });
  return true;
}

/** True when this call moved Salesforce to needs_reauth. */
export async function markSalesforceNeedsReauth(
  ctx: BridgeContext,
  installationId: string,
  reason: string,
  refusedRefreshToken: SealedToken,
): Promise<boolean> {
  const at = ctx.now();
  const refused = { side: 'salesforce', refreshToken: refusedRefreshToken } as const;
  const result = await installations.applyEvent(
    ctx.db,
    installationId,
    'salesforce_refresh_failed',
    at,
    {
      salesforceAccessToken: null,
      salesforceRefreshToken: null,
      lastError: {
        side: 'salesforce',
        code: 'salesforce_needs_reauth',
        message: `Salesforce refused the refresh token (${reason}). Sync is paused; reconnect Salesforce to resume.`,
        at,
      },
    },
    { onlyIf: (current) => installations.holdsRefreshToken(current, refused) },
  );
  if (!result.ok) return false;
  ctx.logger.warn(
    { installationId, portalId: result.installation.portalId },
    'Salesforce needs reauthorization; sync paused',
  );
  return true;
}

/** Records a failure that did not change any state (a provider briefly down, a misconfigured app). */
export async function recordLastError(
  ctx: BridgeContext,
  installationId: string,
  side: 'hubspot' | 'salesforce',
  code: string,
  message: string,
): Promise<void> {
  await installations.update(ctx.db, installationId, ctx.now(), {
    lastError: { side, code, message, at: ctx.now() },
  });
}
