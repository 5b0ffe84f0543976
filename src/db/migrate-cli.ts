import 'reflect-metadata';
import { loadConfig } from '../config';
import { failStartup } from '../lifecycle';
import { createDataSource } from './data-source';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded SQLite file). */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(applied.length ? `Applied ${applied.map((m) => m.name).join(', ')}\n` : 'Database is up to date\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch(failStartup);
