/**
 * The HubSpot developer project as HubSpot's own parser reads it, checked against what the bridge serves:
 * every component and entry point, the scopes the bridge asks for, and every URL (each bridge URL is a route
 * the server answers, and every endpoint the extensions call exists and demands HubSpot's signature).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createApp } from '../../../server/app';
import { HUBSPOT_REQUIRED_SCOPES } from '../../../src/connectors/hubspot/scopes';
import {
  createBridgeClient,
  objectTypeById,
  type BridgeClient,
} from '../../../hubspot-app/src/app/packages/bridge-client/src';
import { parseOrigin, projectUrls, readOrigin, stampOrigin } from '../../../scripts/hubspot-app/stamp';
import { TEST_OPS_TOKEN, testBridgeApp, testContext } from '../../support/bridge-context';
import { createTestDb, type TestDb } from '../../support/db';

const root = path.join(__dirname, '..', '..', '..');
const projectDir = path.join(root, 'hubspot-app');

interface ParsedProject {
  platformVersion: string;
  latestSupportedPlatformVersion: string;
  origin: string;
  components: Array<{
    uid: string;
    componentType: string;
    metaFilePath: string;
    config: Record<string, unknown>;
  }>;
  skippedHsMetaFiles: string[];
  urls: Array<{ file: string; url: string }>;
}

/** HubSpot's parser is an ES module with its own dependencies: it runs as the CLI command would. */
async function parse(dir: string): Promise<ParsedProject> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/hubspot-app/main.ts'), 'check', '--json', '--project', dir],
    { cwd: root },
  );
  return JSON.parse(stdout) as ParsedProject;
}

/** Every request the extensions' client can make, as method and path. */
async function clientRequests(): Promise<Array<{ method: string; path: string }>> {
  const seen: Array<{ method: string; path: string }> = [];
  const client: BridgeClient = createBridgeClient({
    origin: 'https://bridge.example.com',
    fetch: async (url, init) => {
      seen.push({ method: init.method, path: new URL(url).pathname });
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  const record = { side: 'hubspot' as const, objectType: 'contacts', recordId: '101' };
  const document = { schemaVersion: 1, objects: { contacts: {} } } as never;
  await Promise.all([
    client.me(),
    client.recordStatus(record),
    client.recordHistory(record),
    client.syncNow(record),
    client.retryFailure('f1'),
    client.retryAllFailures(),
    client.resolveConflict('c1', { keep: 'hubspot' }),
    client.resolvePendingMatch('m1', { kind: 'skip' }),
    client.conflicts(),
    client.pendingMatches(),
    client.health(),
    client.setPaused(true),
    client.installation(),
    client.connectUrl('production'),
    client.confirmConnection('00D000000000001'),
    client.disconnect(),
    client.settings(),
    client.saveSettings(document, 0),
    client.validateSettings(document),
    client.dryRunSettings(document),
    client.metadata(),
    client.roles(),
  ]);
  return seen;
}

describe('the HubSpot developer project', () => {
  let project: ParsedProject;
  let testDb: TestDb;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    project = await parse(projectDir);
    testDb = await createTestDb('sqlite');
    const context = testContext(testDb.db, { app: testBridgeApp({ publicBaseUrl: project.origin }) });
    app = createApp({ context, opsToken: TEST_OPS_TOKEN });
  }, 60_000);
  afterAll(async () => testDb.destroy());

  const byType = (type: string) => project.components.filter((component) => component.componentType === type);

  it("is on the newest platform version HubSpot's parser supports, and every -hsmeta.json file parses", () => {
    expect(project.latestSupportedPlatformVersion).toBe('2026.03');
    expect(project.platformVersion).toBe(project.latestSupportedPlatformVersion);
    expect(project.skippedHsMetaFiles).toEqual([]);
    expect(byType('APPLICATION')).toHaveLength(1);
    expect(byType('SETTINGS')).toHaveLength(1);
    expect(byType('WEBHOOKS')).toHaveLength(1);
    expect(byType('CARD').length).toBeGreaterThanOrEqual(1);
  });

  it('has cards on CRM records whose entry points exist and register for their location', () => {
    for (const card of byType('CARD')) {
      const config = card.config as { location: string; entrypoint: string; objectTypes: string[] };
      expect(['crm.record.tab', 'crm.record.sidebar']).toContain(config.location);
      expect(config.objectTypes.length).toBeGreaterThan(0);
      for (const objectType of config.objectTypes) {
        expect(Object.values(objectTypeById) as string[]).toContain(objectType);
      }
      const entry = path.join(projectDir, 'src', config.entrypoint);
      expect(fs.existsSync(entry)).toBe(true);
      expect(fs.readFileSync(entry, 'utf8')).toContain(`hubspot.extend<'${config.location}'>`);
      expect(fs.existsSync(path.join(path.dirname(entry), 'package.json'))).toBe(true);
    }
    expect(byType('CARD').flatMap((card) => (card.config as { objectTypes: string[] }).objectTypes)).toEqual(
      expect.arrayContaining(['contacts', 'companies', 'deals']),
    );
  });

  it('has a settings page whose entry point registers for the settings location', () => {
    const [settings] = byType('SETTINGS');
    const entry = path.join(projectDir, 'src', (settings!.config as { entrypoint: string }).entrypoint);
    expect(fs.readFileSync(entry, 'utf8')).toContain("hubspot.extend<'settings'>");
    expect(fs.existsSync(path.join(path.dirname(entry), 'package.json'))).toBe(true);
  });

  it('shares code between extensions only through the npm workspace, never by a parent import', () => {
    const workspace = JSON.parse(fs.readFileSync(path.join(projectDir, 'src/app/package.json'), 'utf8')) as {
      workspaces: string[];
    };
    expect(workspace.workspaces).toEqual(expect.arrayContaining(['cards', 'settings', 'packages/*']));
    for (const folder of ['cards', 'settings']) {
      const files = fs.readdirSync(path.join(projectDir, 'src/app', folder), { recursive: true }) as string[];
      for (const file of files.filter((name) => /\.tsx?$/.test(name))) {
        const depth = file.split(path.sep).length - 1;
        const text = fs.readFileSync(path.join(projectDir, 'src/app', folder, file), 'utf8');
        for (const [, specifier] of text.matchAll(/from '(\.[^']*)'/g)) {
          const ups = (specifier ?? '').split('/').filter((part) => part === '..').length;
          expect({ file, specifier, escapes: ups > depth }).toEqual({ file, specifier, escapes: false });
        }
      }
      const manifest = JSON.parse(
        fs.readFileSync(path.join(projectDir, 'src/app', folder, 'package.json'), 'utf8'),
      ) as { dependencies: Record<string, string> };
      expect(Object.keys(manifest.dependencies)).toEqual(
        expect.arrayContaining(['@hubspot/ui-extensions', '@sf-bridge/client', 'react']),
      );
    }
  });

  it('asks for exactly the scopes the bridge requires', () => {
    const [app] = byType('APPLICATION');
    const auth = (app!.config as { auth: { requiredScopes: string[] } }).auth;
    expect([...auth.requiredScopes].sort()).toEqual([...HUBSPOT_REQUIRED_SCOPES].sort());
  });

  it('names the bridge by one origin, and each bridge URL is a route the server answers', async () => {
    const [appComponent] = byType('APPLICATION');
    const config = appComponent!.config as {
      auth: { redirectUrls: string[] };
      permittedUrls: { fetch: string[] };
    };
    expect(config.permittedUrls.fetch).toEqual([project.origin]);
    expect(config.auth.redirectUrls.map((url) => new URL(url).pathname)).toEqual(['/oauth/hubspot/callback']);
    const [webhooks] = byType('WEBHOOKS');
    const target = (webhooks!.config as { settings: { targetUrl: string } }).settings.targetUrl;
    expect(new URL(target).pathname).toBe('/webhooks/hubspot');

    for (const { url } of project.urls) expect(new URL(url).origin).toBe(project.origin);
    // The OAuth callback answers a page (not 404) without its parameters; the webhook demands a signature.
    expect((await request(app).get('/oauth/hubspot/callback')).status).toBe(400);
    expect((await request(app).post('/webhooks/hubspot').send([])).status).toBe(401);
    // The listing's documentation and support links are pages the bridge serves.
    const [appConfig] = byType('APPLICATION');
    const support = (appConfig!.config as { support: Record<string, string> }).support;
    for (const key of ['documentationUrl', 'supportUrl']) {
      const page = await request(app).get(new URL(support[key]!).pathname);
      expect({ key, status: page.status }).toEqual({ key, status: 200 });
      expect(page.text).toContain('Salesforce Bridge');
    }
  });

  it('calls only endpoints the server has, each behind HubSpot signature v3', async () => {
    const calls = await clientRequests();
    expect(calls.length).toBeGreaterThanOrEqual(20);
    for (const call of calls) {
      const sent = request(app)[call.method.toLowerCase() as 'get' | 'post' | 'put'](call.path);
      const response = call.method === 'GET' ? await sent : await sent.send({});
      expect({ ...call, status: response.status, code: response.body?.error?.code }).toEqual({
        ...call,
        status: 401,
        code: 'invalid_signature',
      });
    }
  });

  describe('stamping the public origin before an upload', () => {
    let copy: string;
    beforeEach(() => {
      copy = fs.mkdtempSync(path.join(os.tmpdir(), 'hubspot-app-'));
      fs.cpSync(projectDir, copy, { recursive: true, filter: (source) => !source.includes('node_modules') });
    });
    afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

    it('replaces the origin everywhere it stands, keeps paths, and leaves the project parseable', async () => {
      const before = projectUrls(copy);
      const changed = stampOrigin(copy, 'https://sync.acme.com');
      expect(changed).toEqual(
        expect.arrayContaining([
          path.join('src', 'app', 'packages', 'bridge-client', 'src', 'origin.ts'),
          path.join('src', 'app', 'app-hsmeta.json'),
          path.join('src', 'app', 'webhooks', 'webhooks-hsmeta.json'),
        ]),
      );
      expect(readOrigin(copy)).toBe('https://sync.acme.com');
      const after = projectUrls(copy);
      expect(after.map(({ url }) => new URL(url).pathname)).toEqual(
        before.map(({ url }) => new URL(url).pathname),
      );
      for (const { url } of after) expect(new URL(url).origin).toBe('https://sync.acme.com');
      const reparsed = await parse(copy);
      expect(reparsed.origin).toBe('https://sync.acme.com');
      expect(reparsed.components).toHaveLength(project.components.length);
      // Stamping again changes nothing.
      expect(stampOrigin(copy, 'https://sync.acme.com')).toEqual([]);
    }, 60_000);

    it.each([
      ['http://sync.acme.com', /HTTPS only/],
      ['https://sync.acme.com/bridge', /only the origin/],
      ['https://127.0.0.1', /loopback/],
      ['sync.acme.com', /not a URL/],
    ])('refuses %s with a reason', (input, reason) => {
      const parsed = parseOrigin(input);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problem).toMatch(reason);
    });
  });
});
