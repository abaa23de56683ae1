/** The migration runner: knex's migrator over the explicit list in migrations/index.ts. */
import type { Knex } from 'knex';
import { migrations, type Migration } from '../../migrations';
import type { Db } from './knex';

const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => migrations,
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};

const migratorConfig: Knex.MigratorConfig = { migrationSource, tableName: 'knex_migrations' };

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migratorConfig)) as [number, string[]];
  return applied;
}

/** Reverts every applied migration, newest first; returns the names reverted. */
export async function migrateDownAll(db: Db): Promise<string[]> {
  const [, reverted] = (await db.migrate.rollback(migratorConfig, true)) as [number, string[]];
  return reverted;
}

export async function migrationStatus(db: Db): Promise<{ applied: string[]; pending: string[] }> {
  const [completed, pending] = (await db.migrate.list(migratorConfig)) as [
    Array<{ name: string }>,
    Migration[],
  ];
  return { applied: completed.map((row) => row.name), pending: pending.map((migration) => migration.name) };
}
