/**
 * Real databases for tests: a fresh SQLite file, and (when TEST_DATABASE_URL is set, as it always is in CI)
 * a fresh PostgreSQL database per call, dropped afterwards.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db, type Dialect } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';

export interface TestDb {
  db: Db;
  dialect: Dialect;
  url: string;
  destroy(): Promise<void>;
}

const postgresUrl = process.env.TEST_DATABASE_URL;
if (process.env.CI === 'true' && !postgresUrl) {
  throw new Error('CI must run the PostgreSQL tests: set TEST_DATABASE_URL (see .ci/run)');
}

/** The dialects every database test runs on here. */
export const testDialects: Dialect[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

export async function createTestDb(dialect: Dialect, options: { migrate?: boolean } = {}): Promise<TestDb> {
  const name = `bridge_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  let url: string;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-test-'));
    url = `sqlite:${path.join(dir, `${name}.sqlite`)}`;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set');
    const admin = createDb(postgresUrl, { maxConnections: 1 });
    await admin.raw(`CREATE DATABASE "${name}"`);
    await admin.destroy();
    const parsed = new URL(postgresUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    cleanup = async () => {
      const dropper = createDb(postgresUrl, { maxConnections: 1 });
      await dropper.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.destroy();
    };
  }
  const db = createDb(url);
  if (options.migrate !== false) await migrateLatest(db);
  return {
    db,
    dialect,
    url,
    destroy: async () => {
      await db.destroy();
      await cleanup();
    },
  };
}
