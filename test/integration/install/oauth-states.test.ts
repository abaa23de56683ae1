import { createTestDb, testDialects, type TestDb } from '../../support/db';
import { testContext, type TestContext } from '../../support/bridge-context';
import * as oauthStates from '../../../src/db/oauthStates';
import {
  browserBinding,
  checkInstallState,
  consumeState,
  hashNonce,
  peekState,
  issueInstallState,
  issueState,
  STATE_TTL_MS,
  useInstallState,
} from '../../../src/install/oauthState';

describe.each(testDialects)('OAuth states on %s', (dialect) => {
  let testDb: TestDb;
  let ctx: TestContext;
  const browser = 'browser-cookie-value-aaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const bound = () => ({
    browser: browserBinding(browser),
    portalId: '1',
    environment: 'production' as const,
    via: 'install_page' as const,
    requestedBy: { userId: '7', email: 'admin@portal.example' },
  });
  const link = { portalId: '1', via: 'settings_link' as const, requestedBy: { userId: '7', email: null } };

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    ctx = testContext(testDb.db);
  });
  afterAll(async () => testDb.destroy());

  it('stores only a hash of the nonce', async () => {
    const { nonce } = await issueState(ctx, 'salesforce', null, bound());
    const rows = await testDb.db('oauth_states').select('*');
    expect(JSON.stringify(rows)).not.toContain(nonce);
    expect(await oauthStates.findByHash(testDb.db, hashNonce(nonce))).not.toBeNull();
  });

  it('accepts a nonce once, in the browser that started the flow', async () => {
    const { nonce, expiresAt } = await issueState(ctx, 'salesforce', null, bound());
    const first = await consumeState(ctx, 'salesforce', nonce, browser);
    expect(first).toEqual({
      ok: true,
      value: { nonceHash: hashNonce(nonce), installationId: null, payload: bound(), expiresAt },
    });
    expect(await consumeState(ctx, 'salesforce', nonce, browser)).toEqual({ ok: false, error: 'reused' });
  });

  it('names each way a state can be wrong', async () => {
    expect(await consumeState(ctx, 'salesforce', undefined, browser)).toEqual({
      ok: false,
      error: 'missing',
    });
    expect(await consumeState(ctx, 'salesforce', 'never-issued', browser)).toEqual({
      ok: false,
      error: 'unknown',
    });

    const forSalesforce = await issueState(ctx, 'salesforce_link', null, link);
    expect(await consumeState(ctx, 'salesforce', forSalesforce.nonce, browser)).toEqual({
      ok: false,
      error: 'unknown',
    });

    const stale = await issueState(ctx, 'salesforce', null, bound());
    ctx.clock.advance(STATE_TTL_MS);
    expect(await consumeState(ctx, 'salesforce', stale.nonce, browser)).toEqual({
      ok: false,
      error: 'expired',
    });

    const elsewhere = await issueState(ctx, 'salesforce', null, bound());
    expect(await consumeState(ctx, 'salesforce', elsewhere.nonce, 'another-browser')).toEqual({
      ok: false,
      error: 'wrong_browser',
    });
    // Consumed even though refused: a leaked state cannot be tried again from the right browser.
    expect(await consumeState(ctx, 'salesforce', elsewhere.nonce, browser)).toEqual({
      ok: false,
      error: 'reused',
    });
    expect(
      await consumeState(
        ctx,
        'salesforce',
        (await issueState(ctx, 'salesforce', null, bound())).nonce,
        undefined,
      ),
    ).toEqual({
      ok: false,
      error: 'wrong_browser',
    });
  });

  it('can be looked at without being used up or changed, with the same checks', async () => {
    const { nonce } = await issueState(ctx, 'salesforce_link', null, link);
    const row = async () =>
      testDb
        .db('oauth_states')
        .where({ nonce_hash: hashNonce(nonce) })
        .first();
    const before = await row();
    const looked = await peekState(ctx, 'salesforce_link', nonce, undefined);
    expect(looked).toMatchObject({ ok: true, value: { payload: link } });
    expect(await peekState(ctx, 'salesforce_link', nonce, undefined)).toEqual(looked);
    expect(await row()).toEqual(before);
    expect(await consumeState(ctx, 'salesforce_link', nonce, undefined)).toEqual(looked);
    expect(await peekState(ctx, 'salesforce_link', nonce, undefined)).toEqual({ ok: false, error: 'reused' });

    const boundLink = await issueState(ctx, 'salesforce_link', null, {
      ...link,
      via: 'install_page',
      browser: browserBinding(browser),
    });
    expect(await peekState(ctx, 'salesforce_link', boundLink.nonce, 'another-browser')).toEqual({
      ok: false,
      error: 'wrong_browser',
    });
    // Looking from the wrong browser left it usable in the right one.
    expect((await peekState(ctx, 'salesforce_link', boundLink.nonce, browser)).ok).toBe(true);
    expect((await consumeState(ctx, 'salesforce_link', boundLink.nonce, browser)).ok).toBe(true);
  });

  it('reads a link stored before links named their origin as one that works in any browser', async () => {
    const nonce = 'an-older-link-nonce-from-before-links-named-origin';
    await oauthStates.insert(testDb.db, {
      nonceHash: hashNonce(nonce),
      kind: 'salesforce_link',
      installationId: null,
      payload: JSON.stringify({ portalId: '1' }),
      expiresAt: ctx.clock.now() + STATE_TTL_MS,
      createdAt: ctx.clock.now(),
    });
    expect(await consumeState(ctx, 'salesforce_link', nonce, undefined)).toMatchObject({
      ok: true,
      value: { payload: { portalId: '1', via: 'settings_link', requestedBy: { userId: null, email: null } } },
    });
  });

  it('lets exactly one of two simultaneous callbacks use a state', async () => {
    const { nonce } = await issueState(ctx, 'salesforce', null, bound());
    const results = await Promise.all([1, 2, 3].map(() => consumeState(ctx, 'salesforce', nonce, browser)));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.error === 'reused')).toHaveLength(2);
  });

  it('forgets expired nonces a day after expiry, keeping recent ones to recognise replays', async () => {
    const old = await issueState(ctx, 'salesforce', null, bound());
    ctx.clock.advance(STATE_TTL_MS + 24 * 60 * 60_000 + 1);
    const fresh = await issueState(ctx, 'salesforce', null, bound());
    expect(await oauthStates.findByHash(testDb.db, hashNonce(old.nonce))).toBeNull();
    expect(await oauthStates.findByHash(testDb.db, hashNonce(fresh.nonce))).not.toBeNull();
  });

  describe('the HubSpot install state, which is stored nowhere until HubSpot accepted its code', () => {
    const rows = async () => Number((await testDb.db('oauth_states').count({ n: '*' }))[0]?.n);

    it('is checked without a row, and used up once', async () => {
      const before = await rows();
      const { state, expiresAt } = issueInstallState(ctx, browser);
      expect(expiresAt).toBe(ctx.clock.now() + STATE_TTL_MS);
      expect(await rows()).toBe(before);
      const checked = await checkInstallState(ctx, state, browser);
      if (!checked.ok) throw new Error(checked.error);
      expect(await rows()).toBe(before);
      expect(await useInstallState(ctx, checked.value)).toEqual({ ok: true, value: undefined });
      expect(await rows()).toBe(before + 1);
      expect(await checkInstallState(ctx, state, browser)).toEqual({ ok: false, error: 'reused' });
      expect(await useInstallState(ctx, checked.value)).toEqual({ ok: false, error: 'reused' });
    });

    it('names each way it can be wrong', async () => {
      const { state } = issueInstallState(ctx, browser);
      expect(await checkInstallState(ctx, undefined, browser)).toEqual({ ok: false, error: 'missing' });
      expect(await checkInstallState(ctx, 'made-up', browser)).toEqual({ ok: false, error: 'unknown' });
      // Sealed by another key, or tampered with: not ours.
      const foreign = issueInstallState(testContext(testDb.db), browser).state;
      expect(await checkInstallState(ctx, foreign, browser)).toEqual({ ok: false, error: 'unknown' });
      const tampered = `${state.slice(0, -3)}${state.endsWith('A') ? 'B' : 'A'}${state.slice(-2)}`;
      expect(await checkInstallState(ctx, tampered, browser)).toEqual({ ok: false, error: 'unknown' });
      expect(await checkInstallState(ctx, state, 'another-browser')).toEqual({
        ok: false,
        error: 'wrong_browser',
      });
      expect(await checkInstallState(ctx, state, undefined)).toEqual({ ok: false, error: 'wrong_browser' });
      ctx.clock.advance(STATE_TTL_MS);
      expect(await checkInstallState(ctx, state, browser)).toEqual({ ok: false, error: 'expired' });
    });

    it('lets exactly one of simultaneous callbacks use it', async () => {
      const { state } = issueInstallState(ctx, browser);
      const checked = await checkInstallState(ctx, state, browser);
      if (!checked.ok) throw new Error(checked.error);
      const uses = await Promise.all([1, 2, 3].map(() => useInstallState(ctx, checked.value)));
      expect(uses.filter((use) => use.ok)).toHaveLength(1);
    });
  });
});
