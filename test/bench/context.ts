/**
 * What every benchmark gets: where results go, a log line printer, and a fresh stack per benchmark (its own
 * emulators, bridge process and database), so one benchmark's data, counters and memory never leak into
 * the next. The database is a new SQLite file by default, or a new PostgreSQL database on the given server.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, dialectOf, type Dialect } from '../../src/db/knex';
import type { BridgeRuntime } from '../support/stack/bridge-process';
import { startStack, type Stack } from '../support/stack/stack';

export interface BenchContext {
  readonly outDir: string;
  readonly databaseKind: Dialect;
  readonly bridgeRuntime: BridgeRuntime;
  log(line: string): void;
  startStack(name: string): Promise<Stack>;
}

export interface BenchContextOptions {
  outDir: string;
  /** `sqlite` (default) or a PostgreSQL server URL on which a database per benchmark is created. */
  database: string;
  logLevel: string;
  /** How the bridge runs; `compiled` expects the build to be made already. */
  bridgeRuntime: BridgeRuntime;
  bridgeNodeArgs?: readonly string[];
  log: (line: string) => void;
}

interface Database {
  url: string;
  drop(): Promise<void>;
}

async function freshDatabase(database: string, name: string): Promise<Database> {
  if (database === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bridge-bench-${name}-`));
    return {
      url: `sqlite:${path.join(dir, 'bridge.sqlite')}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const dbName = `bridge_bench_${name.replace(/[^a-z0-9]/g, '_')}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = createDb(database, { maxConnections: 1 });
  await admin.raw(`CREATE DATABASE "${dbName}"`);
  await admin.destroy();
  const url = new URL(database);
  url.pathname = `/${dbName}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = createDb(database, { maxConnections: 1 });
      await dropper.raw(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await dropper.destroy();
    },
  };
}

export function createBenchContext(options: BenchContextOptions): BenchContext {
  if (options.database !== 'sqlite' && dialectOf(options.database) !== 'postgres') {
    throw new Error(`--database must be "sqlite" or a postgres:// URL, not ${options.database}`);
  }
  return {
    outDir: options.outDir,
    databaseKind: options.database === 'sqlite' ? 'sqlite' : 'postgres',
    bridgeRuntime: options.bridgeRuntime,
    log: options.log,
    startStack: async (name) => {
      fs.mkdirSync(options.outDir, { recursive: true });
      const database = await freshDatabase(options.database, name);
      const logFile = path.join(options.outDir, `${name}.bridge.log`);
      fs.writeFileSync(logFile, '');
      const stack = await startStack({
        databaseUrl: database.url,
        logLevel: options.logLevel,
        logFile,
        bridgeRuntime: options.bridgeRuntime,
        ...(options.bridgeNodeArgs ? { bridgeNodeArgs: options.bridgeNodeArgs } : {}),
      });
      const stop = stack.stop;
      stack.stop = async () => {
        await stop();
        await database.drop();
      };
      return stack;
    },
  };
}
