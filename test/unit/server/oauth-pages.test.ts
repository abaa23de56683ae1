import { InstallError, installErrorCodes, installErrorTraits } from '../../../src/install/errors';
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
