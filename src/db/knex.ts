/**
 * The knex instance. SQLite is the embedded default (one process, zero setup); PostgreSQL is the production
 * engine shared by any number of server and worker processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// int8 (bigint) columns hold epoch milliseconds and counts, all far below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type Db = Knex;
export type Dialect = 'sqlite' | 'postgres';

/** Which engine a DATABASE_URL names. */
export function dialectOf(databaseUrl: string): Dialect {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? 'postgres' : 'sqlite';
}

/** The file path behind a `sqlite:` URL, or ':memory:'. */
export function sqliteFilename(databaseUrl: string): string {
  if (databaseUrl === ':memory:' || databaseUrl === 'sqlite::memory:') return ':memory:';
  return databaseUrl.replace(/^sqlite:(\/\/)?/, '');
}

export interface CreateDbOptions {
  /** Largest PostgreSQL pool; SQLite always uses one connection so writes never contend inside the process. */
  maxConnections?: number;
}

export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  if (dialectOf(databaseUrl) === 'postgres') {
    return knexFactory({
      client: 'pg',
      connection: databaseUrl,
      pool: { min: 0, max: options.maxConnections ?? 10 },
    });
  }
  const filename = sqliteFilename(databaseUrl);
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  return knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (
        connection: { run: (sql: string, cb: (err: Error | null) => void) => void },
        done: (err: Error | null, connection: unknown) => void,
      ) => {
        // WAL lets readers in other processes (the CLI, a second look at the file) proceed during writes;
        // the busy timeout turns a momentary lock into a short wait instead of SQLITE_BUSY.
        connection.run('PRAGMA foreign_keys = ON', (fkError) => {
          if (fkError) return done(fkError, connection);
          connection.run('PRAGMA busy_timeout = 5000', (busyError) => {
            if (busyError || filename === ':memory:') return done(busyError, connection);
            connection.run('PRAGMA journal_mode = WAL', (walError) => done(walError, connection));
          });
        });
      },
    },
  });
}

export function dialectOfDb(db: Db): Dialect {
  const client = (db.client as { config: { client: unknown } }).config.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql' ? 'postgres' : 'sqlite';
}
