/**
 * Links that start a Salesforce connection for one installation: shown on the install page, and made on
 * request for the settings page (whose request is signed by HubSpot, so its portal is known).
 *
 * A link is a single-use nonce valid for ten minutes, on this server (not Salesforce's): following it binds
 * the browser, then redirects to the chosen login host.
 */
import { SALESFORCE_START_PATH, type BridgeContext } from '../context';
import * as auditEntries from '../db/auditEntries';
import type { Installation, SalesforceEnvironment } from '../db/installations';
import type { HubSpotPerson } from '../domain/actors';
import { issueState } from './oauth-state';

export interface SalesforceConnectLinks {
  production: string;
  sandbox: string;
  /** Epoch ms; both links stop working then, and after either one is used. */
  expiresAt: number;
}

export async function createSalesforceConnectLinks(
  ctx: Pick<BridgeContext, 'db' | 'now' | 'app'>,
  installation: Pick<Installation, 'id' | 'portalId'>,
): Promise<SalesforceConnectLinks> {
  const { nonce, expiresAt } = await issueState(ctx, 'salesforce_link', installation.id, {
    portalId: installation.portalId,
  });
  const link = (environment: SalesforceEnvironment) => {
    const url = new URL(`${ctx.app.publicBaseUrl}${SALESFORCE_START_PATH}`);
    url.searchParams.set('link', nonce);
    url.searchParams.set('environment', environment);
    return url.toString();
  };
  return { production: link('production'), sandbox: link('sandbox'), expiresAt };
}

/** One link for one login host, for a signed request from the settings page; the audit log says who asked. */
export async function createSalesforceConnectUrl(
  ctx: Pick<BridgeContext, 'db' | 'now' | 'app'>,
  installation: Pick<Installation, 'id' | 'portalId'>,
  environment: SalesforceEnvironment,
  person: HubSpotPerson,
): Promise<{ url: string; expiresAt: number }> {
  return ctx.db.transaction(async (trx) => {
    const links = await createSalesforceConnectLinks({ ...ctx, db: trx }, installation);
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
