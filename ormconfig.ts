import 'reflect-metadata';
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

/** The DataSource for the TypeORM CLI, built by the same function the app uses. */
export default createDataSource(loadConfig().database);
