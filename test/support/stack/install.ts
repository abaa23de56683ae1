/**
 * Installing the app the way an admin does: a browser opens the bridge's install URL and follows every
 * redirect through the HubSpot emulator's approval, back to the bridge, then clicks "Connect production
 * Salesforce", "Continue to Salesforce" on the page that names the HubSpot account, and follows that flow
 * through the Salesforce emulator. Nothing is shortcut: the tokens the
 * bridge ends up with come from the real code exchange.
 */
import { Browser, linkTo, textOf, type Page } from '../browser';

export interface BrowserInstallInput {
  bridgeBaseUrl: string;
  hubspotBaseUrl: string;
  /** The portal the admin picks on HubSpot's approval screen. */
  portalId: number;
  /** Runs after HubSpot is installed and before Salesforce is connected (sync starts with the connection). */
  beforeSalesforce?: () => Promise<void>;
}

export interface BrowserInstallResult {
  installPage: Page;
  connectPage: Page;
}

export async function installThroughBrowser(input: BrowserInstallInput): Promise<BrowserInstallResult> {
  const browser = new Browser();
  const hubspotAuthorize = new URL('/oauth/authorize', input.hubspotBaseUrl);
  const installPage = await browser.open(`${input.bridgeBaseUrl}/oauth/hubspot/install`, {
    beforeRequest: (url) => {
      if (url.origin === hubspotAuthorize.origin && url.pathname === hubspotAuthorize.pathname) {
        url.searchParams.set('portal_id', String(input.portalId));
      }
      return url;
    },
  });
  expectPage(installPage, /HubSpot (re)?connected/, 'installing in HubSpot');
  await input.beforeSalesforce?.();
  // The link shows which HubSpot account the org would sync with; "Continue to Salesforce" goes on.
  const review = await browser.open(linkTo(installPage, /production Salesforce/i));
  expectPage(review, /Connect Salesforce to HubSpot account/, 'opening the Salesforce connect link');
  const connectPage = await browser.submit(review);
  expectPage(connectPage, /Salesforce (re)?connected/, 'connecting Salesforce');
  return { installPage, connectPage };
}

function expectPage(page: Page, heading: RegExp, step: string): void {
  const text = textOf(page);
  if (page.status !== 200 || !heading.test(text)) {
    const hops = page.hops.map((hop) => `${hop.status} ${hop.url}`).join('\n  ');
    throw new Error(`${step} failed (${page.status} at ${page.url}):\n  ${hops}\n${text.slice(0, 2_000)}`);
  }
}
