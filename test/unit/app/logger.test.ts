import { loggableUrl } from '../../../src/app/logger';
import { capturingLogger } from '../../support/bridge-context';

describe('logging without credentials', () => {
  it('masks OAuth codes, states and links in logged URLs and keeps the rest', () => {
    expect(loggableUrl('/oauth/hubspot/callback?code=abc123&state=xyz&portal_id=7')).toBe(
      '/oauth/hubspot/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&portal_id=7',
    );
    expect(loggableUrl('/oauth/salesforce/start?link=n0nce&environment=sandbox')).not.toContain('n0nce');
  });

  it.each([
    ['//%25/', '//%25/'],
    ['//x:99999/', '//x:99999/'],
    ['http://evil/', 'http://evil/'],
    ['//', '//'],
    ['/%E0%A4%A', '/%E0%A4%A'],
    ['http://[::1/?state=s3cret', 'http://[::1/?state=%5Bredacted%5D'],
    ['//x:99999/?code=s3cret&b=%zz', '//x:99999/?code=%5Bredacted%5D&b=%25zz'],
  ])('never throws on a request line that is not a valid URL: %s', (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
  });

  it('cuts very long URLs without letting a masked value through', () => {
    const logged = loggableUrl(`/x?code=${'s'.repeat(10_000)}`);
    expect(logged.length).toBeLessThan(2_100);
    expect(logged).not.toContain('sss');
  });

  it("masks the user's email HubSpot's proxy appends, and keeps the other identity parameters", () => {
    expect(loggableUrl('/api/sync/health?userId=7&portalId=62515&userEmail=ada%40acme.example&appId=9')).toBe(
      '/api/sync/health?userId=7&portalId=62515&userEmail=%5Bredacted%5D&appId=9',
    );
  });

  it('keeps error codes readable, and redacts OAuth codes and verifiers by their own names', () => {
    const { logger, lines } = capturingLogger();
    logger.warn(
      { code: 'state_expired', authorizationCode: 'auth-1', grant: { code_verifier: 'ver-2' } },
      'refused',
    );
    const line = lines.join('');
    expect(line).toContain('"code":"state_expired"');
    for (const secret of ['auth-1', 'ver-2']) expect(line).not.toContain(secret);
  });

  it('redacts token and secret fields wherever they sit in a log object', () => {
    const { logger, lines } = capturingLogger();
    logger.info(
      {
        access_token: 'tok-1',
        refreshToken: 'tok-2',
        grant: { refresh_token: 'tok-3', instance_url: 'https://x.example' },
        deep: { inner: { accessToken: 'tok-4' } },
        req: { headers: { authorization: 'Bearer tok-5', cookie: 'bridge_browser=tok-6' } },
      },
      'tokens',
    );
    const line = lines.join('');
    for (const secret of ['tok-1', 'tok-2', 'tok-3', 'tok-4', 'tok-5', 'tok-6'])
      expect(line).not.toContain(secret);
    expect(line).toContain('https://x.example');
  });
});
