import { createTestDb, testDialects, type TestDb } from '../../support/db';
import { testContext, type TestContext } from '../../support/bridge-context';
import * as oauthStates from '../../../src/db/oauthStates';
import {
  browserBinding,
  consumeState,
  hashNonce,
  issueState,
  STATE_TTL_MS,
} from '../../../src/install/oauth-state';

describe.each(testDialects)('OAuth states on %s', (dialect) => {
  let testDb: TestDb;
  let ctx: TestContext;
  const browser = 'browser-cookie-value-aaaaaaaaaaaaaaaaaaaaaaaaaaaa';

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    ctx = testContext(testDb.db);
  });
  afterAll(async () => testDb.destroy());

  it('stores only a hash of the nonce', async () => {
    const { nonce } = await issueState(ctx, 'hubspot', null, { browser: browserBinding(browser) });
    const rows = await testDb.db('oauth_states').select('*');
    expect(JSON.stringify(rows)).not.toContain(nonce);
    expect(await oauthStates.findByHash(testDb.db, hashNonce(nonce))).not.toBeNull();
  });

  it('accepts a nonce once, in the browser that started the flow', async () => {
    const { nonce } = await issueState(ctx, 'hubspot', null, { browser: browserBinding(browser) });
    const first = await consumeState(ctx, 'hubspot', nonce, browser);
    expect(first).toEqual({
      ok: true,
      value: { installationId: null, payload: { browser: browserBinding(browser) } },
    });
    expect(await consumeState(ctx, 'hubspot', nonce, browser)).toEqual({ ok: false, error: 'reused' });
  });

  it('names each way a state can be wrong', async () => {
    expect(await consumeState(ctx, 'hubspot', undefined, browser)).toEqual({ ok: false, error: 'missing' });
    expect(await consumeState(ctx, 'hubspot', 'never-issued', browser)).toEqual({
      ok: false,
      error: 'unknown',
    });

    const forSalesforce = await issueState(ctx, 'salesforce_link', null, { portalId: '1' });
    expect(await consumeState(ctx, 'hubspot', forSalesforce.nonce, browser)).toEqual({
      ok: false,
      error: 'unknown',
    });

    const stale = await issueState(ctx, 'hubspot', null, { browser: browserBinding(browser) });
    ctx.clock.advance(STATE_TTL_MS);
    expect(await consumeState(ctx, 'hubspot', stale.nonce, browser)).toEqual({ ok: false, error: 'expired' });

    const elsewhere = await issueState(ctx, 'hubspot', null, { browser: browserBinding(browser) });
    expect(await consumeState(ctx, 'hubspot', elsewhere.nonce, 'another-browser')).toEqual({
      ok: false,
      error: 'wrong_browser',
    });
    // Consumed even though refused: a leaked state cannot be tried again from the right browser.
    expect(await consumeState(ctx, 'hubspot', elsewhere.nonce, browser)).toEqual({
      ok: false,
      error: 'reused',
    });
    expect(
      await consumeState(
        ctx,
        'hubspot',
        (await issueState(ctx, 'hubspot', null, { browser: browserBinding(browser) })).nonce,
        undefined,
      ),
    ).toEqual({
      ok: false,
      error: 'wrong_browser',
    });
  });

  it('lets exactly one of two simultaneous callbacks use a state', async () => {
    const { nonce } = await issueState(ctx, 'hubspot', null, { browser: browserBinding(browser) });
    const results = await Promise.all([1, 2, 3].map(() => consumeState(ctx, 'hubspot', nonce, browser)));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.error === 'reused')).toHaveLength(2);
  });

  it('forgets expired nonces a day after expiry, keeping recent ones to recognise replays', async () => {
    const old = await issueState(ctx, 'hubspot', null, { browser: browserBinding(browser) });
    ctx.clock.advance(STATE_TTL_MS + 24 * 60 * 60_000 + 1);
    const fresh = await issueState(ctx, 'hubspot', null, { browser: browserBinding(browser) });
    expect(await oauthStates.findByHash(testDb.db, hashNonce(old.nonce))).toBeNull();
    expect(await oauthStates.findByHash(testDb.db, hashNonce(fresh.nonce))).not.toBeNull();
  });
});
