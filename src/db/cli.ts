/** `npm run migrate -- latest|down|status` against DATABASE_URL (default: the embedded SQLite file). */
import { loadDatabaseUrl } from '../config';
import { createDb } from './knex';
import { migrateDownAll, migrateLatest, migrationStatus } from './migrate';

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'latest';
  const db = createDb(loadDatabaseUrl());
  try {
    if (command === 'latest') console.log('applied:', await migrateLatest(db));
    else if (command === 'down') console.log('reverted:', await migrateDownAll(db));
    else if (command === 'status') console.log(await migrationStatus(db));
    else throw new Error(`unknown command "${command}" (use latest, down or status)`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
