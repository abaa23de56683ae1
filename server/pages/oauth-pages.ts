/**
 * The pages an admin sees while installing: the install result with the "connect Salesforce" step, the
 * Salesforce result, and one error page that always says what happened, what to do next, and links to retry.
 */
import type { CapabilityReport, PropertiesReport } from '../../src/domain/installationReports';
import type { Installation } from '../../src/db/installations';
import type { InstallError, InstallErrorCode } from '../../src/install/errors';
import type { SalesforceConnectLinks } from '../../src/install/salesforceLinks';
import { html, page, type Html } from './layout';

export interface RetryLink {
  label: string;
  href: string;
}

export function errorPage(input: {
  title: string;
  whatHappened: string;
  whatToDo: string;
  retry: RetryLink[];
  details?: Record<string, string>;
}): string {
  const details = Object.entries(input.details ?? {});
  return page(
    input.title,
    html`<h1 class="bad">${input.title}</h1>
      <div class="box bad">
        <p><strong>What happened:</strong> ${input.whatHappened}</p>
      </div>
      <p><strong>What to do:</strong> ${input.whatToDo}</p>
      <p>
        ${input.retry.map((link, index) => html`<a class="button${index > 0 ? ' secondary' : ''}" href="${link.href}">${link.label}</a>`)}
      </p>
      ${
        details.length > 0
          ? html`<dl>
              ${details.map(
                ([key, value]) =>
                  html`<dt>${key}</dt>
                    <dd><code>${value}</code></dd>`,
              )}
            </dl>`
          : null
      }`,
  );
}

const titles: Record<InstallErrorCode, string> = {
  state_missing: 'This sign-in cannot be verified',
  state_unknown: 'This sign-in cannot be verified',
  state_expired: 'This sign-in link expired',
  state_reused: 'This sign-in was already used',
  state_wrong_browser: 'This sign-in belongs to another session',
  link_other_browser: 'This link works only in the browser that installed the app',
  confirmation_invalid: 'This request to continue could not be verified',
  access_denied: 'Access was not granted',
  provider_error: 'The sign-in did not complete',
  code_exchange_failed: 'The sign-in could not be completed',
  provider_unavailable: 'The service could not be reached',
  app_misconfigured: 'The app is not configured correctly',
  wrong_app: 'This authorization is for another app',
  bootstrap_failed: 'Your HubSpot portal could not be set up',
  installation_missing: 'This installation is no longer active',
  salesforce_org_changed: 'This is a different Salesforce org',
  refresh_token_missing: 'Salesforce did not grant lasting access',
  not_connected: 'Salesforce is not connected',
};

function whatToDo(error: InstallError): string {
  const provider = error.provider === 'hubspot' ? 'HubSpot' : 'Salesforce';
  switch (error.code) {
    case 'state_missing':
    case 'state_unknown':
    case 'state_expired':
    case 'state_reused':
    case 'code_exchange_failed':
    case 'provider_error':
      return 'Start again from the button below; it only takes a few seconds. Nothing was changed.';
    case 'state_wrong_browser':
      return (
        'Finish each connection in the same browser window where you started it. If you did not start ' +
        'this connection yourself, close this page: nothing was connected or changed.'
      );
    case 'link_other_browser':
      return (
        "To connect Salesforce from here, or to have your Salesforce admin do it, open the app's settings in " +
        'HubSpot, make a link on the Connection tab, and open that link instead; a connection made from it ' +
        'waits until a settings manager confirms it in HubSpot. If someone sent you this link, ask them for one ' +
        "from the app's settings."
      );
    case 'confirmation_invalid':
      return (
        'Open the connect link again and press "Continue to Salesforce" on the page it shows, in a browser ' +
        'that accepts cookies from this site. If you did not mean to connect Salesforce, close this page.'
      );
    case 'access_denied':
      return error.provider === 'hubspot'
        ? 'To use the bridge, install it again and approve the access it asks for.'
        : 'Connect again and choose "Allow" when Salesforce asks; the bridge needs it to sync.';
    case 'provider_unavailable':
    case 'bootstrap_failed':
      return `${provider} may be briefly unavailable. Wait a minute and try again; nothing was half-saved.`;
    case 'app_misconfigured':
    case 'wrong_app':
      return 'This needs the app operator: please contact support and mention the time of this attempt.';
    case 'installation_missing':
      return 'Install the app again from HubSpot, then connect Salesforce from the page that follows.';
    case 'salesforce_org_changed':
      return 'Connect again and sign in with a user of the original org.';
    case 'refresh_token_missing':
      return "Ask your Salesforce admin to update the connected app's OAuth scopes, then connect again.";
    case 'not_connected':
      return 'Connect Salesforce first.';
  }
}

export function installErrorPage(
  error: InstallError,
  installUrl: string,
  retryLinks: SalesforceConnectLinks | null,
): string {
  const retry: RetryLink[] = retryLinks
    ? [
        { label: 'Connect production Salesforce', href: retryLinks.production },
        { label: 'Connect a Salesforce sandbox', href: retryLinks.sandbox },
      ]
    : [{ label: 'Start again', href: installUrl }];
  return errorPage({
    title: titles[error.code],
    whatHappened: error.message,
    whatToDo: whatToDo(error),
    retry,
    details: error.details,
  });
}

function propertiesSection(report: PropertiesReport): Html {
  const problems = report.properties.filter((property) => property.problem !== undefined);
  const created = report.properties.filter((property) => property.outcome === 'created').length;
  const summary =
    created > 0
      ? html`<p class="ok">
          Created ${created} properties in the “Salesforce Bridge” group on contacts, companies and deals.
        </p>`
      : html`<p class="ok">
          The bridge's properties were already in place on contacts, companies and deals.
        </p>`;
  if (problems.length === 0) return summary;
  return html`${summary}
    <div class="box warn">
      <p><strong>Some properties could not be set up for the bridge:</strong></p>
      <ul>
        ${problems.map((property) => html`<li>${property.problem ?? property.name}</li>`)}
      </ul>
      <p>Sync still works for everything else; fix these and reinstall to complete the setup.</p>
    </div>`;
}

function connectButtons(links: SalesforceConnectLinks, again: boolean): Html {
  const expires = new Date(links.expiresAt).toISOString().slice(11, 16);
  return html`<p>
      <a class="button" href="${links.production}"
        >${again ? 'Reconnect' : 'Connect'} production Salesforce</a
      >
      <a class="button secondary" href="${links.sandbox}"
        >${again ? 'Reconnect' : 'Connect'} a Salesforce sandbox</a
      >
    </p>
    <p>
      <small
        >These buttons work once, until ${expires} UTC, and only in this browser. To connect later, or to have
        your Salesforce admin connect, use the Connection tab of the app's settings in HubSpot.</small
      >
    </p>`;
}

export function installCompletePage(input: {
  installation: Installation;
  reinstall: boolean;
  propertiesReport: PropertiesReport;
  connectLinks: SalesforceConnectLinks;
}): string {
  const { installation } = input;
  const portal = installation.hubspot.hubDomain
    ? `${installation.hubspot.hubDomain} (${installation.portalId})`
    : installation.portalId;
  const salesforce = installation.salesforce;
  const step =
    installation.state.salesforce === 'connected'
      ? html`<h2>Salesforce</h2>
          ${
            installation.state.awaitingConfirmation
              ? html`<p class="warn">
                  Salesforce org ${salesforce.orgId ?? ''} is connected as ${salesforce.username ?? ''} from a
                  link made on the app's settings page, and waits for a settings manager to confirm it on the
                  Connection tab; nothing syncs until then. Reconnecting it here yourself confirms it.
                </p>`
              : html`<p class="ok">
                  Salesforce org ${salesforce.orgId ?? ''} is connected as ${salesforce.username ?? ''}; sync
                  continues.
                </p>`
          }
          ${connectButtons(input.connectLinks, true)}`
      : html`<h2>Step 2 of 2: connect Salesforce</h2>
          ${
            installation.state.salesforce === 'needs_reauth'
              ? html`<p class="warn">
                  Salesforce needs you to sign in again; sync is paused until you do. It resumes where it
                  stopped.
                </p>`
              : html`<p>Choose where your Salesforce org lives. Sync starts once it is connected.</p>`
          }
          ${connectButtons(input.connectLinks, installation.state.salesforce === 'needs_reauth')}`;
  return page(
    'HubSpot connected',
    html`<h1 class="ok">${input.reinstall ? 'HubSpot reconnected' : 'HubSpot connected'}</h1>
      <p>
        The Salesforce Bridge is installed in HubSpot account
        <strong>${portal}</strong
        >${installation.hubspot.userEmail ? html` by ${installation.hubspot.userEmail}` : null}.
      </p>
      ${propertiesSection(input.propertiesReport)} ${step}`,
  );
}

function capabilitySection(report: CapabilityReport): Html {
  const optional = (field: 'hubspotIdField' | 'deletedFlagField') => {
    const objects = report.objects.filter((object) => object[field] !== null);
    const present = objects.filter((object) => object[field]?.usable).map((object) => object.name);
    const absent = objects.filter((object) => !object[field]?.usable).map((object) => object.name);
    return {
      present,
      absent,
      problems: objects.flatMap((object) => (object[field]?.problem ? [object[field]?.problem ?? ''] : [])),
    };
  };
  const hubspotId = optional('hubspotIdField');
  const deleted = optional('deletedFlagField');
  return html`${
      report.ok
        ? html`<p class="ok">The connected user can read and write everything the bridge needs.</p>`
        : html`<div class="box bad">
            <p><strong>The bridge cannot sync everything yet:</strong></p>
            <ul>
              ${report.problems.map((problem) => html`<li>${problem}</li>`)}
            </ul>
          </div>`
    }
    <h2>Optional fields</h2>
    <ul>
      <li>
        <code>HubSpot_Id__c</code> (External ID):
        ${hubspotId.present.length > 0 ? `on ${hubspotId.present.join(', ')}` : 'not found'}${hubspotId.absent.length > 0 ? html` <small>— missing on ${hubspotId.absent.join(', ')}: adding it lets the bridge create records without ever duplicating them.</small>` : null}
      </li>
      <li>
        <code>HubSpot_Deleted__c</code> (Checkbox):
        ${deleted.present.length > 0 ? `on ${deleted.present.join(', ')}` : 'not found'}${deleted.absent.length > 0 ? html` <small>— missing on ${deleted.absent.join(', ')}: with it, records deleted in HubSpot are flagged in Salesforce.</small>` : null}
      </li>
    </ul>
    ${
      [...hubspotId.problems, ...deleted.problems].length > 0
        ? html`<ul class="warn">
            ${[...hubspotId.problems, ...deleted.problems].map((problem) => html`<li>${problem}</li>`)}
          </ul>`
        : null
    }`;
}

export function salesforceConnectedPage(input: {
  installation: Installation;
  capabilities: CapabilityReport;
  reconnect: boolean;
}): string {
  const { installation } = input;
  const salesforce = installation.salesforce;
  return page(
    'Salesforce connected',
    html`<h1 class="ok">${input.reconnect ? 'Salesforce reconnected' : 'Salesforce connected'}</h1>
      <dl>
        <dt>HubSpot account</dt>
        <dd>${installation.hubspot.hubDomain ?? installation.portalId}</dd>
        <dt>Salesforce org</dt>
        <dd>${salesforce.orgId ?? ''} (${salesforce.environment ?? ''})</dd>
        <dt>Connected as</dt>
        <dd>${salesforce.username ?? ''}</dd>
        <dt>Instance</dt>
        <dd>${salesforce.instanceUrl ?? ''}</dd>
      </dl>
      ${capabilitySection(input.capabilities)}
      <h2>What next</h2>
      ${
        installation.state.awaitingConfirmation
          ? html`<div class="box warn">
              <p>
                <strong>Sync has not started.</strong> This connection was made from a link made on the app's
                settings page, so it waits until a settings manager of HubSpot account
                <strong>${installation.hubspot.hubDomain ?? installation.portalId}</strong> confirms it on the
                Connection tab of the app's settings in HubSpot.
              </p>
              <p>
                If you did not mean to connect this org to that HubSpot account, revoke the app's access in
                Salesforce under Setup &gt; Connected Apps OAuth Usage, and tell whoever sent you the link.
              </p>
            </div>`
          : html`<p>
              ${
                installation.syncPaused
                  ? `Sync is paused (${installation.pauseReason ?? 'paused'}); resume it from the app's settings in HubSpot.`
                  : "Sync is on. Open the app's settings in HubSpot to choose which fields sync and who owns each one."
              }
            </p>`
      }`,
  );
}
