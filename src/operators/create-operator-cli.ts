import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CliError, ensureMigrated, readPassword } from '../auth';
import { ConfigError, loadConfig } from '../config';
import { AppError } from '../http/errors';
import { Email, Password } from '../merchants';
import { openRuntime } from '../runtime';

const USAGE = `Usage:
  npm run create-operator -- --email <email> --name <name>
      Adds a platform operator: signs in at /operator (POST /v1/operator/sign-in)
      and creates, suspends and lists merchants, without access to their data.
      The password comes from TALLY_OPERATOR_PASSWORD, or is asked for on a terminal.
`;

const OperatorArgs = z.strictObject({ email: Email, name: z.string().trim().min(1).max(200) });

/** `npm run create-operator`: the platform operator is created from the shell, never over HTTP. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { help: _help, ...given } = values;
  const parsed = OperatorArgs.safeParse(given);
  if (!parsed.success) throw new CliError(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${USAGE}`);
  const password = Password.safeParse(await readPassword('TALLY_OPERATOR_PASSWORD', 'the new operator'));
  if (!password.success) throw new CliError(`Password ${password.error.issues[0]?.message ?? 'is invalid'}`);
  const runtime = await openRuntime(loadConfig());
  try {
    await ensureMigrated(runtime);
    const operator = await runtime.services.operators.create({ ...parsed.data, password: password.data });
    process.stdout.write(`Operator ${operator.email} created. Sign in at ${runtime.config.publicUrl.replace(/\/+$/, '')}/operator\n`);
  } finally {
    await runtime.close();
  }
}

main().catch((err: unknown) => {
  const plain = err instanceof CliError || err instanceof AppError || err instanceof ConfigError;
  process.stderr.write(`create-operator: ${plain ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
