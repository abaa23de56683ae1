import { Writable } from 'node:stream';
import { createSyncWorkerLogger, loggableUrl } from '../../../src/app/logger';
import { withLogFields } from '../../../src/logger';
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

  it("redacts a person's email, names and phones by the names either CRM gives them", () => {
    const { logger, lines } = capturingLogger();
    logger.info(
      {
        email: 'ada@acme.example',
        record: { FirstName: 'Ada', LastName: 'Lovelace', MobilePhone: '+44 20 7946 0000' },
        hubspot: { contact: { properties: { phone: '+1 415 555 0100', city: 'London' } } },
        user: { userEmail: 'admin@acme.example', username: 'admin@org.example' },
        fields: ['Phone', 'Email'],
        objectType: 'contacts',
      },
      'a record',
    );
    const line = lines.join('');
    for (const value of ['ada@acme', 'Lovelace', '"Ada"', '20 7946', '555 0100', 'London', 'admin@']) {
      expect(line).not.toContain(value);
    }
    // Field names are not values: a refused write's field list stays readable.
    expect(line).toContain('"fields":["Phone","Email"]');
    expect(line).toContain('"objectType":"contacts"');
  });

  it("logs an error's type, message, code and stack, never the request an SDK error carries", () => {
    const { logger, lines } = capturingLogger();
    const error = Object.assign(new TypeError('HTTP 400: refused'), {
      code: 'VALIDATION_ERROR',
      status: 400,
      body: { message: 'ada@acme.example is invalid' },
      headers: { authorization: 'Bearer tok-7' },
      request: { body: '{"email":"ada@acme.example"}' },
    });
    logger.error({ err: error, error: 'plain text' }, 'call failed');
    const line = JSON.parse(lines.join('')) as { err: Record<string, unknown>; error: string };
    expect(line.err).toMatchObject({
      type: 'TypeError',
      message: 'HTTP 400: refused',
      code: 'VALIDATION_ERROR',
      status: 400,
    });
    expect(line.err.stack).toContain('TypeError: HTTP 400: refused');
    expect(Object.keys(line.err).sort()).toEqual(['code', 'message', 'name', 'stack', 'status', 'type']);
    expect(line.error).toBe('plain text');
    expect(lines.join('')).not.toContain('ada@acme');
    expect(lines.join('')).not.toContain('tok-7');
  });

  it("redacts the same way in a sync worker process's logger", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const logger = createSyncWorkerLogger({ level: 'info', destination });
    logger.info({ refreshToken: 'tok-8', lead: { Email: 'bo@acme.example' } }, 'worker line');
    const line = lines.join('');
    expect(line).toContain('"service":"bridge-sync-worker"');
    expect(line).not.toContain('tok-8');
    expect(line).not.toContain('bo@acme');
  });

  it("adds fields such as a correlation id to every line, the line's own fields first", () => {
    const { logger, lines } = capturingLogger();
    const batch = withLogFields(logger, { correlationId: 'c-1', installationId: 'i-1' });
    batch.info({ rows: 3 }, 'one');
    batch.warn({ installationId: 'i-2' }, 'two');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed[0]).toMatchObject({ correlationId: 'c-1', installationId: 'i-1', rows: 3, msg: 'one' });
    expect(parsed[1]).toMatchObject({ correlationId: 'c-1', installationId: 'i-2', level: 40 });
  });
});
