// What the shell commands (create-owner, create-operator) share.
import type { Runtime } from '../runtime';
import { migrate } from '../db/statistics';

/** The embedded SQLite file is migrated on the spot, as `npm start` would; a shared MySQL is migrated deliberately. */
export async function ensureMigrated(runtime: Runtime): Promise<void> {
  const ds = runtime.db.dataSource;
  if (!(await ds.showMigrations())) return;
  if (runtime.config.database.kind === 'sqlite') await migrate(runtime.db);
  else throw new CliError('The database has pending migrations; run `npm run migrate` first.');
}

/** A new account's password: from the environment variable, or asked twice on a terminal. */
export async function readPassword(envVar: string, whose: string): Promise<string> {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new CliError(`Set ${envVar} (no terminal to ask for the password on).`);
  const first = await promptHidden(`Password for ${whose}: `);
  const again = await promptHidden('Same password again: ');
  if (first !== again) throw new CliError('The passwords differ.');
  return first;
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let value = '';
    const finish = (result: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
      result();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new CliError('Cancelled.')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** A problem the operator can fix; printed without a stack trace. */
export class CliError extends Error {}

