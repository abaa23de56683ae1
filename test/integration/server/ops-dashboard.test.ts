/**
 * The operator dashboard's HTTP surface: the login form and the session cookie it sets (flags, signature,
 * expiry), signing out, the refusals (a wrong token, too many of them, a forged or expired cookie, a form
 * without its token or from another site), the actions (pause, resume, retry), audited with the operator as
 * their actor, and what the page shows. The JSON API under /ops keeps answering the bearer only.
 */
import request from 'supertest';
import { createApp } from '../../../server/app';
import { OPS_SESSION_COOKIE, OPS_SESSION_TTL_MS } from '../../../server/middleware/ops-session';
import { LOGIN_FAILURES_PER_MINUTE } from '../../../server/handlers/ops/post-login';
import * as alerts from '../../../src/db/alerts';
import { AUDIT_ENTRIES, listForRecord } from '../../../src/db/auditEntries';
import * as dirty from '../../../src/db/dirty';
import * as reconcileReports from '../../../src/db/reconcileReports';
import * as failures from '../../../src/db/failures';
import * as installations from '../../../src/db/installations';
import * as opsSamples from '../../../src/db/opsSamples';
import { hubspotContact, insertInstallation } from '../../factories/storage';
import {
  TEST_OPS_TOKEN,
  testBridgeApp,
  testClock,
  testContext,
  type TestClock,
} from '../../support/bridge-context';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const PUBLIC_BASE_URL = 'https://bridge.example.com';

describe.each(testDialects)('the operator dashboard on %s', (dialect) => {
  let testDb: TestDb;
  let clock: TestClock;
  let app: ReturnType<typeof createApp>;
  let installationId: string;

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
  });
  afterAll(async () => testDb.destroy());
  beforeEach(async () => {
    clock = testClock(1_800_000_000_000);
    const context = testContext(testDb.db, { app: testBridgeApp({ publicBaseUrl: PUBLIC_BASE_URL }), clock });
    app = createApp({ context, opsToken: TEST_OPS_TOKEN });
    await testDb.db('installations').delete();
    installationId = await insertInstallation(testDb.db, { now: clock.now() });
  });

  async function signIn(): Promise<{ cookie: string; csrf: string }> {
    const login = await request(app)
      .post('/ops/login')
      .set('origin', PUBLIC_BASE_URL)
      .type('form')
      .send({ token: TEST_OPS_TOKEN });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    const page = await request(app).get('/ops').set('cookie', cookie);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    expect(csrf).not.toBe('');
    return { cookie, csrf };
  }

  const post = (path: string, cookie: string, form: Record<string, string>, origin = PUBLIC_BASE_URL) =>
    request(app).post(path).set('cookie', cookie).set('origin', origin).type('form').send(form);

  const isPaused = async () => (await installations.findById(testDb.db, installationId))?.syncPaused;

  it('shows a login form without a session, and no dashboard', async () => {
    const page = await request(app).get('/ops');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<form method="post" action="/ops/login">');
    expect(page.text).toContain('type="password"');
    expect(page.text).not.toContain(installationId);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['content-security-policy']).toContain("form-action 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('signs in with the token: a Secure, HttpOnly, SameSite=Strict cookie on /ops, never the token', async () => {
    const wrong = await request(app).post('/ops/login').type('form').send({ token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.text).toContain('That is not the operator token.');

    const login = await request(app).post('/ops/login').type('form').send({ token: TEST_OPS_TOKEN });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/ops');
    const [setCookie] = login.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toMatch(new RegExp(`^${OPS_SESSION_COOKIE}=`));
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\/ops/);
    expect(setCookie).not.toContain(TEST_OPS_TOKEN);
    expect(login.headers.location).not.toContain(TEST_OPS_TOKEN);

    const cookie = setCookie!.split(';')[0]!;
    const page = await request(app).get('/ops').set('cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sign out');
    expect(page.text).toContain(`data-installation="${installationId}"`);
    expect(page.text).not.toContain(TEST_OPS_TOKEN);
  });

  it('sets no Secure flag where the public origin is plain http', async () => {
    const context = testContext(testDb.db, {
      app: testBridgeApp({ publicBaseUrl: 'http://127.0.0.1:3000' }),
    });
    const local = createApp({ context, opsToken: TEST_OPS_TOKEN });
    const login = await request(local).post('/ops/login').type('form').send({ token: TEST_OPS_TOKEN });
    expect(login.status).toBe(303);
    const [setCookie] = login.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).not.toMatch(/; Secure/);
  });

  it('refuses a forged, altered or expired session cookie', async () => {
    const { cookie } = await signIn();
    const [name, value] = cookie.split('=') as [string, string];
    const [expiry, id, signature] = value.split('.') as [string, string, string];
    const forged = [
      `${name}=${Number(expiry) + OPS_SESSION_TTL_MS}.${id}.${signature}`,
      `${name}=${expiry}.${'A'.repeat(22)}.${signature}`,
      `${name}=${expiry}.${id}.${'A'.repeat(43)}`,
      `${name}=${TEST_OPS_TOKEN}`,
    ];
    for (const attempt of forged) {
      const page = await request(app).get('/ops').set('cookie', attempt);
      expect(page.text).toContain('action="/ops/login"');
      expect(page.text).not.toContain(installationId);
    }
    // The same cookie under another OPS_TOKEN (after a rotation) signs nobody in.
    const rotated = createApp({
      context: testContext(testDb.db, { app: testBridgeApp({ publicBaseUrl: PUBLIC_BASE_URL }), clock }),
      opsToken: 'a-new-operator-token-0123456789',
    });
    expect((await request(rotated).get('/ops').set('cookie', cookie)).text).toContain('action="/ops/login"');

    clock.advance(OPS_SESSION_TTL_MS + 1);
    const expired = await request(app).get('/ops').set('cookie', cookie);
    expect(expired.text).toContain('action="/ops/login"');
  });

  it('signs out with the form token, and not without it', async () => {
    const { cookie, csrf } = await signIn();
    expect((await post('/ops/logout', cookie, {})).status).toBe(403);
    const out = await post('/ops/logout', cookie, { csrf });
    expect(out.status).toBe(303);
    const [cleared] = out.headers['set-cookie'] as unknown as string[];
    expect(cleared).toMatch(new RegExp(`^${OPS_SESSION_COOKIE}=;`));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('pauses and resumes an installation only with the form token, from its own origin', async () => {
    const { cookie, csrf } = await signIn();
    const pause = `/ops/installations/${installationId}/pause`;

    expect((await post(pause, cookie, {})).status).toBe(403);
    expect((await post(pause, cookie, { csrf: `${csrf}x` })).status).toBe(403);
    expect((await post(pause, cookie, { csrf }, 'https://evil.example')).status).toBe(403);
    expect((await post(pause, cookie, { csrf }, 'null')).status).toBe(403);
    const anonymous = await request(app).post(pause).type('form').send({ csrf });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/ops');
    expect(await isPaused()).toBe(false);

    const paused = await post(pause, cookie, { csrf });
    expect(paused.status).toBe(303);
    expect(paused.headers.location).toBe(`/ops?notice=paused#installation-${installationId}`);
    expect(await isPaused()).toBe(true);
    const page = await request(app).get('/ops?notice=paused').set('cookie', cookie);
    expect(page.text).toContain('Sync paused.');
    expect(page.text).toContain(`action="/ops/installations/${installationId}/resume"`);

    expect((await post(`/ops/installations/${installationId}/resume`, cookie, { csrf })).status).toBe(303);
    expect(await isPaused()).toBe(false);

    // The audit says the operator did it (the refused attempts left no line): no person of the portal.
    const audited = await testDb
      .db(AUDIT_ENTRIES)
      .where({ installation_id: installationId })
      .whereIn('action', ['sync_paused', 'sync_resumed'])
      .orderBy('id');
    expect(audited).toMatchObject([
      { action: 'sync_paused', actor: 'operator', actor_user_id: null, actor_email: null },
      { action: 'sync_resumed', actor: 'operator', actor_user_id: null, actor_email: null },
    ]);
  });

  it('asks for a reconciliation with the form token, once while one is waiting', async () => {
    const { cookie, csrf } = await signIn();
    const reconcile = `/ops/installations/${installationId}/reconcile`;
    const page = await request(app).get('/ops').set('cookie', cookie);
    expect(page.text).toContain(`action="${reconcile}"`);
    expect((await post(reconcile, cookie, {})).status).toBe(403);
    expect(await reconcileReports.listRecent(testDb.db, installationId)).toEqual([]);

    const asked = await post(reconcile, cookie, { csrf });
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe(`/ops?notice=reconcile_requested#installation-${installationId}`);
    expect((await post(reconcile, cookie, { csrf })).status).toBe(303);
    const waiting = await reconcileReports.listRecent(testDb.db, installationId);
    expect(waiting).toMatchObject([{ state: 'requested', trigger: 'on_demand', requestedBy: 'operator' }]);
    const shown = await request(app).get('/ops?notice=reconcile_requested').set('cookie', cookie);
    expect(shown.text).toContain('Reconciliation asked for');
  });

  it('retries a dead letter: the record goes back to the queue', async () => {
    const record = hubspotContact();
    const failure = await failures.record(
      testDb.db,
      {
        installationId,
        record,
        kind: 'dead_letter',
        category: 'transient',
        code: 'SERVER_UNAVAILABLE',
        message: 'Salesforce was unavailable through every retry. <b>Retry</b> later.',
        attempts: 8,
      },
      clock.now(),
    );
    const { cookie, csrf } = await signIn();
    const before = await request(app).get('/ops').set('cookie', cookie);
    expect(before.text).toContain(`data-failure="${failure.id}"`);
    // What a failure says is escaped.
    expect(before.text).toContain('&lt;b&gt;Retry&lt;/b&gt; later.');

    const retry = `/ops/installations/${installationId}/failures/${failure.id}/retry`;
    expect((await post(retry, cookie, {})).status).toBe(403);
    const retried = await post(retry, cookie, { csrf });
    expect(retried.headers.location).toBe(`/ops?notice=retried#installation-${installationId}`);
    expect((await failures.findById(testDb.db, installationId, failure.id))?.state).toBe('retrying');
    expect(await dirty.findByRecord(testDb.db, installationId, record)).toMatchObject({ source: 'retry' });
    const again = await post(retry, cookie, { csrf });
    expect(again.headers.location).toBe(`/ops?notice=not_open#installation-${installationId}`);
    // One audit line, for the retry that happened, with the operator as its actor.
    const audited = await listForRecord(testDb.db, installationId, record);
    expect(audited).toEqual([
      expect.objectContaining({
        action: 'retry_requested',
        reason: 'retry_one',
        actor: 'operator',
        actorUserId: null,
        actorEmail: null,
        after: { failureId: failure.id, category: 'transient', code: 'SERVER_UNAVAILABLE' },
      }),
    ]);
    // The retry's id is on its audit line and on the queue row, so the sync it causes names it.
    expect(audited[0]?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await dirty.findByRecord(testDb.db, installationId, record))?.correlationId).toBe(
      audited[0]?.correlationId,
    );
  });

  it("lists the installation's open alerts", async () => {
    const { cookie } = await signIn();
    const quiet = await request(app).get('/ops').set('cookie', cookie);
    expect(quiet.text).toContain('No open alerts.');
    await alerts.open(
      testDb.db,
      installationId,
      {
        kind: 'salesforce_needs_reauth',
        severity: 'critical',
        message: 'Salesforce refused the saved login <again>; reconnect Salesforce.',
        details: {},
      },
      clock.now(),
    );
    const page = await request(app).get('/ops').set('cookie', cookie);
    expect(page.text).toContain('data-alert="salesforce_needs_reauth"');
    expect(page.text).toContain('Salesforce refused the saved login &lt;again&gt;; reconnect Salesforce.');
    expect(page.text).not.toContain('No open alerts.');
  });

  it('draws the charts from the stored samples', async () => {
    const minute = Math.floor(clock.now() / 60_000) * 60_000;
    await opsSamples.record(
      testDb.db,
      [3, 2, 1].map((ago, index) => ({
        installationId,
        sampledAt: minute - ago * 60_000,
        synced: index * 5,
        queued: 1,
        oldestAgeMs: 30_000,
        failuresOpen: 0,
      })),
    );
    const { cookie } = await signIn();
    const page = await request(app).get('/ops').set('cookie', cookie);
    expect(page.text).toMatch(/<svg[^>]*data-points="3"[^>]*aria-label="Records synced per minute"/);
    expect(page.text).toMatch(/<svg[^>]*data-points="3"[^>]*aria-label="Lag \(oldest waiting change\)"/);
    expect(page.text).toMatch(/<polyline[^>]*points="[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
  });

  it('refuses a login posted from another site, and slows down guessing', async () => {
    const foreign = await request(app)
      .post('/ops/login')
      .set('origin', 'https://evil.example')
      .type('form')
      .send({ token: TEST_OPS_TOKEN });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();

    for (let attempt = 0; attempt < LOGIN_FAILURES_PER_MINUTE; attempt += 1) {
      expect(
        (
          await request(app)
            .post('/ops/login')
            .type('form')
            .send({ token: `guess-${attempt}` })
        ).status,
      ).toBe(401);
    }
    const blocked = await request(app).post('/ops/login').type('form').send({ token: TEST_OPS_TOKEN });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['set-cookie']).toBeUndefined();
    clock.advance(60_000);
    expect((await request(app).post('/ops/login').type('form').send({ token: TEST_OPS_TOKEN })).status).toBe(
      303,
    );
  });

  it('keeps the JSON API for tooling behind the bearer; the session cookie does not open it', async () => {
    const { cookie } = await signIn();
    expect((await request(app).get('/ops/installations').set('cookie', cookie)).status).toBe(401);
    const json = await request(app)
      .get('/ops/installations')
      .set('authorization', `Bearer ${TEST_OPS_TOKEN}`);
    expect(json.status).toBe(200);
    expect(json.body.installations).toHaveLength(1);
    expect((await request(app).get('/ops/anything-else')).status).toBe(401);
  });
});
