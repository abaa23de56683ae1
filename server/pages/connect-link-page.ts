/**
 * What opening a Salesforce connect link shows before anything happens: the HubSpot account the org would
 * sync with, who asked for the link and where it came from, and a button that continues (a POST carrying
 * a token only this browser got from this page). Nothing is used up or written until the button is pressed.
 */
import { personName } from '../../src/domain/actors';
import type { ConnectLinkReview } from '../../src/install/salesforceStart';
import { html, page } from './layout';

export function connectLinkPage(review: ConnectLinkReview, formAction: string): string {
  const { installation, requestedBy } = review;
  const account = installation.hubspot.hubDomain ?? `portal ${installation.portalId}`;
  const requester = `${personName(requestedBy)}${requestedBy.email && requestedBy.userId ? ` (HubSpot user ${requestedBy.userId})` : ''}`;
  const until = new Date(review.expiresAt).toISOString().slice(11, 16);
  const fromSettings = review.via === 'settings_link';
  return page(
    'Connect Salesforce',
    html`<h1>Connect Salesforce to HubSpot account ${account}</h1>
      <dl>
        <dt>HubSpot account</dt>
        <dd>
          <strong>${account}</strong
          >${installation.hubspot.hubDomain ? ` (portal ${installation.portalId})` : ''}
        </dd>
        <dt>Requested by</dt>
        <dd>
          ${requester},
          ${fromSettings ? "from the app's settings in HubSpot" : 'who installed the app in this browser'}
        </dd>
        <dt>Salesforce</dt>
        <dd>
          ${review.environment === 'sandbox' ? 'a sandbox org' : 'a production org'}, signing in at
          <code>${review.loginOrigin}</code>
        </dd>
        <dt>This link works</dt>
        <dd>once, until ${until} UTC</dd>
      </dl>
      <p>
        Continuing takes you to Salesforce to sign in and allow access. Once allowed, the Salesforce Bridge
        reads and writes the org's leads, contacts, accounts and opportunities and keeps them in sync with
        HubSpot account <strong>${account}</strong>.
      </p>
      ${
        fromSettings
          ? html`<div class="box warn">
              <p>
                Continue only if you expected to connect your Salesforce org to <strong>${account}</strong>:
                anyone this link reaches sees this page. After you connect, nothing syncs until a settings
                manager of that HubSpot account confirms the connection in HubSpot.
              </p>
            </div>`
          : html`<p>Sync starts as soon as Salesforce is connected.</p>`
      }
      <form method="post" action="${formAction}">
        <input type="hidden" name="link" value="${review.link}" />
        <input type="hidden" name="environment" value="${review.environment}" />
        <input type="hidden" name="confirm" value="${review.confirmToken}" />
        <button class="button" type="submit">Continue to Salesforce</button>
      </form>
      <p>
        <small>If you did not expect this, close this page: nothing has been connected or changed.</small>
      </p>`,
  );
}
