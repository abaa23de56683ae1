/**
 * Following a connect link, in two steps, so that no link takes anyone to Salesforce's consent screen
 * unawares:
 *
 *   GET  the link   ─► `reviewSalesforceLink`: checks it and says which HubSpot account the org would sync
 *                      with, who asked and where the link came from. Uses nothing up, writes nothing.
 *   POST "Continue" ─► `beginSalesforceConnect`: checks the page's confirmation token, uses the link up,
 *                      stores a Salesforce state bound to this browser (with a PKCE verifier and the link's
 *                      origin) and answers the authorize URL to redirect to.
 *
 * The confirmation token is a MAC of the link under this browser's cookie, so only a page this bridge showed
 * in this browser can continue: a form another site posts (no cookie travels with a cross-site POST anyway,
 * the cookie being SameSite=Lax) cannot skip the review.
 */
import crypto from 'node:crypto';
import { newPkcePair, salesforceAuthorizeUrl } from '../connectors/salesforce/oauth';
import { salesforceLoginUrlFor, salesforceOAuthApp, type BridgeContext } from '../auth/bridgeContext';
import * as installations from '../db/installations';
import type { HubSpotPerson } from '../domain/actors';
import { err, ok, type Result } from '../domain/result';
import { InstallError } from './errors';
import {
  browserBinding,
  consumeState,
  hashNonce,
  issueState,
  peekState,
  rejectionError,
  type IssuedState,
  type StateRejection,
} from './oauthState';
import { installationMissing, sealPkceVerifier } from './salesforceConnect';

export interface ConnectLinkReview {
  /** The link's nonce, carried on by the page's form. */
  link: string;
  installation: installations.Installation;
  environment: installations.SalesforceEnvironment;
  via: installations.SalesforceConnectionVia;
  requestedBy: HubSpotPerson;
  /** Epoch ms. */
  expiresAt: number;
  /** Goes in the page's form; continuing accepts it only from this browser, for this link and login host. */
  confirmToken: string;
  /** Where continuing leads (the login host's origin). */
  loginOrigin: string;
}

interface LinkInput {
  link?: string | undefined;
  environment: installations.SalesforceEnvironment;
  /** The browser cookie this request carried (set before the review if the browser had none). */
  browserId: string | undefined;
}

/** What following the link would do; changes nothing. */
export async function reviewSalesforceLink(
  ctx: BridgeContext,
  input: LinkInput & { browserId: string },
): Promise<Result<ConnectLinkReview, InstallError>> {
  if (!input.link) return err(rejectionError('missing', 'salesforce'));
  const link = await peekState(ctx, 'salesforce_link', input.link, input.browserId);
  if (!link.ok) return err(linkRejection(link.error));
  const installation = await installationOf(ctx, link.value);
  if (!installation) return err(installationMissing());
  const { via, requestedBy } = link.value.payload;
  return ok({
    link: input.link,
    installation,
    environment: input.environment,
    via,
    requestedBy,
    expiresAt: link.value.expiresAt,
    confirmToken: confirmationToken(input.browserId, link.value.nonceHash, input.environment),
    loginOrigin: new URL(salesforceLoginUrlFor(ctx.app, input.environment)).origin,
  });
}

/** Continues from the review page: uses the link up and answers the Salesforce authorize URL. */
export async function beginSalesforceConnect(
  ctx: BridgeContext,
  input: LinkInput & { confirmToken: string | undefined },
): Promise<Result<string, InstallError>> {
  if (!input.link) return err(rejectionError('missing', 'salesforce'));
  const { browserId } = input;
  if (
    !browserId ||
    !input.confirmToken ||
    !sameToken(confirmationToken(browserId, hashNonce(input.link), input.environment), input.confirmToken)
  ) {
    return err(
      new InstallError(
        'confirmation_invalid',
        'salesforce',
        'The request to continue to Salesforce did not come from the page this app showed in this browser ' +
          '(it may have been sent by another site, or the browser did not send back its cookie), so nothing was done.',
      ),
    );
  }
  const link = await consumeState(ctx, 'salesforce_link', input.link, browserId);
  if (!link.ok) return err(linkRejection(link.error));
  const installation = await installationOf(ctx, link.value);
  if (!installation) return err(installationMissing());
  const pkce = newPkcePair();
  const { nonce } = await issueState(ctx, 'salesforce', installation.id, {
    browser: browserBinding(browserId),
    portalId: installation.portalId,
    environment: input.environment,
    codeVerifier: sealPkceVerifier(ctx, pkce.verifier),
    via: link.value.payload.via,
    requestedBy: link.value.payload.requestedBy,
  });
  const app = salesforceOAuthApp(ctx.app, salesforceLoginUrlFor(ctx.app, input.environment));
  return ok(salesforceAuthorizeUrl(app, nonce, pkce.challenge));
}

/** The installation a link is for, if it is still installed in the portal the link names. */
async function installationOf(
  ctx: BridgeContext,
  link: IssuedState<'salesforce_link'>,
): Promise<installations.Installation | null> {
  const installation = link.installationId ? await installations.findById(ctx.db, link.installationId) : null;
  return installation &&
    installation.state.hubspot === 'connected' &&
    installation.portalId === link.payload.portalId
    ? installation
    : null;
}

function confirmationToken(
  browserId: string,
  linkHash: string,
  environment: installations.SalesforceEnvironment,
): string {
  return crypto
    .createHmac('sha256', `salesforce_link_confirm:${browserId}`)
    .update(`${linkHash}:${environment}`)
    .digest('base64url');
}

function sameToken(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function linkRejection(rejection: StateRejection): InstallError {
  if (rejection !== 'wrong_browser') return rejectionError(rejection, 'salesforce');
  return new InstallError(
    'link_other_browser',
    'salesforce',
    'This link was made on the install page for the browser that installed the app in HubSpot, and works ' +
      'only there, so that nobody it is forwarded to can connect their Salesforce org with it. Nothing was ' +
      'connected or changed.',
  );
}
