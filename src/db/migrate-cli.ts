import 'reflect-metadata';
import { loadConfig } from '../config';
import { failStartup } from '../lifecycle';
import { createDataSource } from './data-source';
import { Db } from './db';
import { migrate } from './statistics';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded SQLite file). */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  try {
    const applied = await migrate(new Db(dataSource));
    process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Database is up to date\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch(failStartup);
