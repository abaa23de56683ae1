/**
 * Links that start a Salesforce connection for one installation: shown on the install page, and made on
 * request for the settings page (whose request is signed by HubSpot, so its portal and user are known).
 *
 * A link is a single-use nonce valid for ten minutes, on this server (not Salesforce's). Opening it shows
 * which HubSpot account the org would sync with and who asked; continuing from there binds the browser and
 * redirects to the chosen login host (src/install/salesforceStart.ts).
 *
 * A link on the install page works only in the installer's browser (the cookie the install callback just
 * checked), so the connection it makes is the installer's own and starts syncing at once. A link from the
 * settings page works in any browser, since it is meant for whoever administers the Salesforce org; the
 * connection it makes waits until a settings manager confirms it in HubSpot.
 */
import { SALESFORCE_START_PATH, type BridgeContext } from '../auth/bridgeContext';
import * as auditEntries from '../db/auditEntries';
import type { Installation, SalesforceEnvironment } from '../db/installations';
import type { HubSpotPerson } from '../domain/actors';
import { browserBinding, issueState } from './oauthState';

export interface SalesforceConnectLinks {
  production: string;
  sandbox: string;
  /** Epoch ms; both links stop working then, and after either one is used. */
  expiresAt: number;
}

/** Where a link comes from, who made it, and the browser it is bound to (a raw browser cookie). */
export type ConnectLinkOrigin =
  | { via: 'install_page'; requestedBy: HubSpotPerson; browserId: string }
  | { via: 'settings_link'; requestedBy: HubSpotPerson; browserId: string | null };

export async function createSalesforceConnectLinks(
  ctx: Pick<BridgeContext, 'db' | 'now' | 'app'>,
  installation: Pick<Installation, 'id' | 'portalId'>,
  origin: ConnectLinkOrigin,
): Promise<SalesforceConnectLinks> {
  if (origin.via === 'install_page' && !origin.browserId) {
    throw new Error('an install-page connect link must be bound to the installer browser');
  }
  const { nonce, expiresAt } = await issueState(ctx, 'salesforce_link', installation.id, {
    portalId: installation.portalId,
    via: origin.via,
    requestedBy: { userId: origin.requestedBy.userId, email: origin.requestedBy.email },
    ...(origin.browserId ? { browser: browserBinding(origin.browserId) } : {}),
  });
  const link = (environment: SalesforceEnvironment) => {
    const url = new URL(`${ctx.app.publicBaseUrl}${SALESFORCE_START_PATH}`);
    url.searchParams.set('link', nonce);
    url.searchParams.set('environment', environment);
    return url.toString();
  };
  return { production: link('production'), sandbox: link('sandbox'), expiresAt };
}

/**
 * One link for one login host, for a signed request from the settings page: it works in any browser (it is
 * meant to be passed to a Salesforce admin), names the person who asked, and the audit log says who asked.
 */
export async function createSalesforceConnectUrl(
  ctx: Pick<BridgeContext, 'db' | 'now' | 'app'>,
  installation: Pick<Installation, 'id' | 'portalId'>,
  environment: SalesforceEnvironment,
  person: HubSpotPerson,
): Promise<{ url: string; expiresAt: number }> {
  return ctx.db.transaction(async (trx) => {
    const links = await createSalesforceConnectLinks({ ...ctx, db: trx }, installation, {
      via: 'settings_link',
      requestedBy: person,
      browserId: null,
    });
    await auditEntries.append(trx, [
      auditEntries.personEntry({
        installationId: installation.id,
        person,
        action: 'salesforce_connect_link_created',
        reason: environment,
        after: { environment, expiresAt: links.expiresAt },
        occurredAt: ctx.now(),
      }),
    ]);
    return { url: links[environment], expiresAt: links.expiresAt };
  });
}
