import { html, page } from './layout';

/**
 * The app's documentation and support page, which the marketplace listing links to
 * (`support.documentationUrl`, `support.supportUrl` in hubspot-app/src/app/app-hsmeta.json).
 */
export function helpPage(input: { installUrl: string }): string {
  return page(
    'Help',
    html`<h1>Salesforce Bridge: help</h1>
      <p>
        The bridge keeps HubSpot contacts and Salesforce Leads and Contacts in sync both ways, with an owner
        per field, conflicts that wait for a person, lead conversion followed, and deletes that never destroy
        data.
      </p>
      <h2>Getting started</h2>
      <ol>
        <li>
          <a href="${input.installUrl}">Install the app</a> in your HubSpot portal and approve its
          permissions.
        </li>
        <li>Connect your Salesforce org (production or sandbox) on the page that follows.</li>
        <li>
          In HubSpot, open <em>Connected apps → Salesforce Bridge → Settings</em> to choose who owns each
          field, which records sync, and how much of the Salesforce API budget the app may spend.
        </li>
        <li>
          Add the <em>Salesforce sync</em> card to contact records (<em>Customize record → add card → App</em
          >) so reps see each record's status, what differs, conflicts to settle and errors to retry.
        </li>
      </ol>
      <h2>When something does not sync</h2>
      <p>
        The record's sync card says why in plain words and what to do, with a <em>Retry</em> button. The
        settings page's <em>Health</em> tab lists every failure by category, the conflicts waiting and the API
        budget.
      </p>
      <h2>Support</h2>
      <p>
        This bridge is run by your organisation or by the team that offers it to you. Contact them with your
        HubSpot portal id and, if a record is concerned, its id and what its sync card shows.
      </p>`,
  );
}
