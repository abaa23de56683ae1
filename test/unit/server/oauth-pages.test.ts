import type { Installation } from '../../../src/db/installations';
import { InstallError, installErrorCodes, installErrorTraits } from '../../../src/install/errors';
import type { ConnectLinkReview } from '../../../src/install/salesforceStart';
import { connectLinkPage } from '../../../server/pages/connect-link-page';
import { installErrorPage } from '../../../server/pages/oauth-pages';

describe('install error pages', () => {
  it.each(installErrorCodes)('explain %s: what happened, what to do, and a way to retry', (code) => {
    const html = installErrorPage(
      new InstallError(code, 'salesforce', 'Something specific happened.'),
      '/oauth/hubspot/install',
      null,
    );
    expect(html).toMatch(/<h1 class="bad">[^<]+<\/h1>/);
    expect(html).toContain('What happened:</strong> Something specific happened.');
    expect(html).toMatch(/What to do:<\/strong> \S/);
    expect(html).toContain('href="/oauth/hubspot/install"');
    expect(installErrorTraits(code).httpStatus).toBeGreaterThanOrEqual(400);
  });

  it('offers fresh connect links when the failed attempt identified its installation', () => {
    const html = installErrorPage(
      new InstallError('access_denied', 'salesforce', 'Declined.'),
      '/oauth/hubspot/install',
      {
        production: 'https://bridge.example.com/oauth/salesforce/start?link=a&environment=production',
        sandbox: 'https://bridge.example.com/oauth/salesforce/start?link=a&environment=sandbox',
        expiresAt: 0,
      },
    );
    expect(html).toContain(
      'href="https://bridge.example.com/oauth/salesforce/start?link=a&amp;environment=production"',
    );
    expect(html).toContain('Connect a Salesforce sandbox');
  });

  it('escapes whatever a provider put in the error it sent back', () => {
    const html = installErrorPage(
      new InstallError('provider_error', 'hubspot', 'HubSpot said: <script>alert(1)</script>', {
        error: '"><img src=x>',
      }),
      '/oauth/hubspot/install',
      null,
    );
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('"><img src=x>');
  });
});

describe('the page a connect link shows', () => {
  const installation = {
    portalId: '62515',
    hubspot: { hubDomain: 'acme"><script>alert(1)</script>.example.com' },
  } as unknown as Installation;
  const review = (via: 'install_page' | 'settings_link'): ConnectLinkReview => ({
    link: 'n0nce',
    installation,
    environment: 'sandbox',
    via,
    requestedBy: { userId: '5000001', email: 'admin@acme.com' },
    expiresAt: Date.UTC(2026, 0, 1, 12, 34),
    confirmToken: 't0ken',
    loginOrigin: 'https://test.salesforce.com',
  });

  it('names the HubSpot account, who asked and where, escaped, with a form that posts the link on', () => {
    const html = connectLinkPage(
      review('settings_link'),
      'https://bridge.example.com/oauth/salesforce/start',
    );
    const text = html.replace(/\s+/g, ' ').replace(/&#39;/g, "'");
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('acme&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;.example.com');
    expect(text).toContain('(portal 62515)');
    expect(text).toContain('admin@acme.com (HubSpot user 5000001)');
    expect(text).toContain("from the app's settings in HubSpot");
    expect(text).toContain('a sandbox org');
    expect(text).toContain('until 12:34 UTC');
    expect(text).toContain('nothing syncs until a settings manager');
    expect(html).toContain('<form method="post" action="https://bridge.example.com/oauth/salesforce/start">');
    for (const [name, value] of [
      ['link', 'n0nce'],
      ['environment', 'sandbox'],
      ['confirm', 't0ken'],
    ]) {
      expect(html).toContain(`<input type="hidden" name="${name}" value="${value}" />`);
    }
  });

  it("says an install-page link is the installer's own, and sync starts at once", () => {
    const text = connectLinkPage(review('install_page'), '/oauth/salesforce/start').replace(/\s+/g, ' ');
    expect(text).toContain('who installed the app in this browser');
    expect(text).toContain('Sync starts as soon as Salesforce is connected');
    expect(text).not.toContain('nothing syncs until');
  });
});
