import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { resealTokens } from '../../../src/auth/reseal';
import { openToken, sealToken } from '../../../src/auth/sealedColumns';
import { createTokenCipher, type TokenCipher } from '../../../src/auth/tokenCipher';
import * as installations from '../../../src/db/installations';
import { createTestDb, testDialects, type TestDb } from '../../support/db';
import { makeInstallation } from '../../support/installations';

const root = path.join(__dirname, '../../..');

/** Every token of every installation, opened with `cipher` (null where it does not open). */
async function openedTokens(testDb: TestDb, cipher: TokenCipher): Promise<Array<string | null>> {
  const out: Array<string | null> = [];
  for (const installation of await installations.list(testDb.db)) {
    for (const [column, sealed] of [
      ['hubspot_access_token', installation.hubspot.accessToken],
      ['hubspot_refresh_token', installation.hubspot.refreshToken],
      ['salesforce_refresh_token', installation.salesforce.refreshToken],
    ] as const) {
      if (!sealed) continue;
      const opened = openToken(cipher, installation.id, column, sealed);
      out.push(opened.ok ? opened.value : null);
    }
  }
  return out;
}

async function seed(testDb: TestDb, cipher: TokenCipher, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const installation = await makeInstallation(testDb.db, cipher, {
      accessToken: `access-${index}`,
      refreshToken: `refresh-${index}`,
    });
    await installations.update(testDb.db, installation.id, Date.now(), {
      salesforceRefreshToken: sealToken(cipher, installation.id, 'salesforce_refresh_token', `sf-${index}`),
    });
  }
}

describe.each(testDialects)('re-sealing tokens under a new key, on %s', (dialect) => {
  let testDb: TestDb;
  const oldKey = crypto.randomBytes(32);
  const newKey = crypto.randomBytes(32);

  beforeEach(async () => {
    testDb = await createTestDb(dialect);
  });
  afterEach(() => testDb.destroy());

  it('rewrites every token the old key sealed, leaves the rest, and finds nothing to do the second time', async () => {
    await seed(testDb, createTokenCipher(oldKey), 3);
    const rotating = createTokenCipher(newKey, [oldKey]);
    // A token stored after the deploy is under the new key already.
    const [first] = await installations.list(testDb.db);
    await installations.update(testDb.db, first!.id, Date.now(), {
      hubspotAccessToken: sealToken(rotating, first!.id, 'hubspot_access_token', 'access-0'),
    });

    const report = await resealTokens(testDb.db, rotating);
    expect(report).toEqual({
      installations: 3,
      resealed: 8,
      current: 1,
      changedMeanwhile: 0,
      unreadable: [],
    });
    const tokens = await openedTokens(testDb, createTokenCipher(newKey));
    expect(tokens.sort()).toEqual(
      [
        'access-0',
        'access-1',
        'access-2',
        'refresh-0',
        'refresh-1',
        'refresh-2',
        'sf-0',
        'sf-1',
        'sf-2',
      ].sort(),
    );
    expect(await resealTokens(testDb.db, rotating)).toMatchObject({ resealed: 0, current: 9 });
  });

  it('reports tokens no configured key opens, and leaves them as they are', async () => {
    await seed(testDb, createTokenCipher(crypto.randomBytes(32)), 1);
    const [installation] = await installations.list(testDb.db);
    const report = await resealTokens(testDb.db, createTokenCipher(newKey, [oldKey]));
    expect(report.resealed).toBe(0);
    expect(report.unreadable.map((entry) => entry.column).sort()).toEqual([
      'hubspot_access_token',
      'hubspot_refresh_token',
      'salesforce_refresh_token',
    ]);
    expect(await installations.findById(testDb.db, installation!.id)).toEqual(installation);
  });

  it('npm run tokens:reseal reads both keys from the environment', async () => {
    await seed(testDb, createTokenCipher(oldKey), 2);
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['src/auth/resealCli.ts'], {
          cwd: root,
          env: { PATH: process.env.PATH ?? '', DATABASE_URL: testDb.url, ...env },
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (code) => resolve({ code, output }));
      });

    const withoutOldKey = await run({ TOKEN_ENCRYPTION_KEY: newKey.toString('hex') });
    expect(withoutOldKey.code).toBe(1);
    expect(withoutOldKey.output).toContain('6 token(s) open with no configured key');

    const rotated = await run({
      TOKEN_ENCRYPTION_KEY: newKey.toString('hex'),
      TOKEN_ENCRYPTION_KEY_PREVIOUS: `${crypto.randomBytes(32).toString('base64')}, ${oldKey.toString('hex')}`,
    });
    expect(rotated.output).toContain('Resealed 6 token(s)');
    expect(rotated.code).toBe(0);
    expect((await openedTokens(testDb, createTokenCipher(newKey))).every((token) => token !== null)).toBe(
      true,
    );
  });
});
