import { ConfigError, loadConfig, loadDatabaseUrl } from '../../src/config';

const valid = {
  PUBLIC_BASE_URL: 'https://bridge.example.com/',
  TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
  HUBSPOT_CLIENT_ID: 'hs-client',
  HUBSPOT_CLIENT_SECRET: 'hs-secret-123',
  HUBSPOT_APP_ID: '54321',
  SALESFORCE_CLIENT_ID: 'sf-client',
  SALESFORCE_CLIENT_SECRET: 'sf-secret-123',
  OPS_TOKEN: 'ops-token-0123456789',
};

describe('loadConfig', () => {
  it('applies defaults and normalizes values', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_BASE_URL).toBe('https://bridge.example.com');
    expect(config.DATABASE_URL).toBe('sqlite:./data/bridge.sqlite');
    expect(config.HUBSPOT_API_BASE_URL).toBe('https://api.hubapi.com');
    expect(config.SALESFORCE_LOGIN_URL).toBe('https://login.salesforce.com');
    expect(config.TOKEN_ENCRYPTION_KEY).toHaveLength(32);
  });

  it('refuses an http:// PUBLIC_BASE_URL in production, except on a loopback host', () => {
    const production = { ...valid, NODE_ENV: 'production' };
    expect(() => loadConfig({ ...production, PUBLIC_BASE_URL: 'http://bridge.example.com' })).toThrow(
      /PUBLIC_BASE_URL must be an https:\/\/ URL when NODE_ENV=production/,
    );
    for (const local of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000']) {
      expect(loadConfig({ ...production, PUBLIC_BASE_URL: local }).PUBLIC_BASE_URL).toBe(local);
    }
    expect(loadConfig({ ...production }).PUBLIC_BASE_URL).toBe('https://bridge.example.com');
    expect(loadConfig({ ...valid, PUBLIC_BASE_URL: 'http://bridge.example.com' }).NODE_ENV).toBe(
      'development',
    );
    // Reported with every other problem, in one boot.
    let caught: unknown;
    try {
      loadConfig({ ...production, PUBLIC_BASE_URL: 'http://bridge.example.com', OPS_TOKEN: undefined });
    } catch (error) {
      caught = error;
    }
    expect((caught as ConfigError).problems).toEqual([
      'OPS_TOKEN is required',
      expect.stringMatching(/^PUBLIC_BASE_URL must be an https:\/\/ URL/),
    ]);
  });

  it('reads previous token keys for a rotation, each like the current one', () => {
    expect(loadConfig(valid).TOKEN_ENCRYPTION_KEY_PREVIOUS).toEqual([]);
    const base64 = Buffer.alloc(32, 9).toString('base64');
    expect(
      loadConfig({ ...valid, TOKEN_ENCRYPTION_KEY_PREVIOUS: `${'b'.repeat(64)}, ${base64}` })
        .TOKEN_ENCRYPTION_KEY_PREVIOUS,
    ).toEqual([Buffer.alloc(32, 0xbb), Buffer.alloc(32, 9)]);
    expect(() => loadConfig({ ...valid, TOKEN_ENCRYPTION_KEY_PREVIOUS: `${'b'.repeat(64)},short` })).toThrow(
      /TOKEN_ENCRYPTION_KEY_PREVIOUS\.1 must be 32 bytes/,
    );
  });

  it('reads the alert webhook, whose secret it requires with the URL', () => {
    expect(loadConfig(valid).ALERT_WEBHOOK_URL).toBeUndefined();
    const webhook = {
      ALERT_WEBHOOK_URL: 'https://alerts.example.org/hook/',
      ALERT_WEBHOOK_SECRET: 's'.repeat(16),
    };
    expect(loadConfig({ ...valid, ...webhook })).toMatchObject({
      ALERT_WEBHOOK_URL: 'https://alerts.example.org/hook',
      ALERT_WEBHOOK_SECRET: 's'.repeat(16),
    });
    expect(() => loadConfig({ ...valid, ALERT_WEBHOOK_URL: webhook.ALERT_WEBHOOK_URL })).toThrow(
      /ALERT_WEBHOOK_SECRET is required when ALERT_WEBHOOK_URL is set/,
    );
    expect(() => loadConfig({ ...valid, ...webhook, ALERT_WEBHOOK_SECRET: 'short' })).toThrow(
      /ALERT_WEBHOOK_SECRET must be at least 16 characters/,
    );
    expect(() => loadConfig({ ...valid, ...webhook, ALERT_WEBHOOK_URL: 'ftp://x' })).toThrow(
      /ALERT_WEBHOOK_URL/,
    );
  });

  it('accepts a base64 key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ ...valid, TOKEN_ENCRYPTION_KEY: key }).TOKEN_ENCRYPTION_KEY).toEqual(
      Buffer.alloc(32, 7),
    );
  });

  it('lists every problem in one error', () => {
    let caught: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        TOKEN_ENCRYPTION_KEY: 'short',
        DATABASE_URL: 'mysql://x',
        HUBSPOT_APP_ID: 'abc',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'PUBLIC_BASE_URL',
      'TOKEN_ENCRYPTION_KEY',
      'DATABASE_URL',
      'HUBSPOT_CLIENT_ID',
      'HUBSPOT_CLIENT_SECRET',
      'HUBSPOT_APP_ID',
      'SALESFORCE_CLIENT_ID',
      'SALESFORCE_CLIENT_SECRET',
      'OPS_TOKEN',
    ]) {
      expect(problems).toContain(name);
    }
    expect(problems).toContain('HUBSPOT_CLIENT_ID is required');
    expect((caught as ConfigError).message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...valid, PORT: '', DATABASE_URL: '' }).PORT).toBe(3000);
  });

  it('reads only the database URL for tools', () => {
    expect(loadDatabaseUrl({})).toBe('sqlite:./data/bridge.sqlite');
    expect(loadDatabaseUrl({ DATABASE_URL: 'postgres://localhost/x' })).toBe('postgres://localhost/x');
    expect(() => loadDatabaseUrl({ DATABASE_URL: 'oracle://x' })).toThrow(ConfigError);
  });
});
