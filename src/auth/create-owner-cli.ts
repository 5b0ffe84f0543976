import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config';
import { AppError } from '../http/errors';
import { Email, Password } from '../merchants';
import { openRuntime, type Runtime } from '../runtime';
import { CliError, ensureMigrated, readPassword } from './cli-support';
import { setupInstructions } from './setup-instructions';

const USAGE = `Usage:
  npm run create-owner
      First run (no merchant yet): prints a new one-time setup link and curl command.
  npm run create-owner -- --merchant-id <id> --email <email> --name <name>
      Adds an owner to an existing merchant (e.g. when the only owner lost access).
      The password comes from TALLY_OWNER_PASSWORD, or is asked for on a terminal.
`;

const OwnerArgs = z.strictObject({
  'merchant-id': z.string().min(1).max(36),
  email: Email,
  name: z.string().trim().min(1).max(200),
});

/** `npm run create-owner`: first-run setup link, or the recovery path that adds an owner from the shell. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'merchant-id': { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig();
  const runtime = await openRuntime(config);
  try {
    await ensureMigrated(runtime);
    const { help: _help, ...given } = values;
    if (Object.keys(given).length === 0) await printSetupLink(runtime);
    else await addOwner(runtime, given);
  } finally {
    await runtime.close();
  }
}

async function printSetupLink(runtime: Runtime): Promise<void> {
  const setup = await runtime.services.auth.ensureSetupToken();
  if (setup) {
    process.stdout.write(setupInstructions(runtime.config.publicUrl, setup.token, setup.expiresAt));
    return;
  }
  const { items: merchants } = await runtime.services.merchants.listAllMerchants({ limit: 20, offset: 0 });
  process.stdout.write(`Tally is already set up. To add an owner to a merchant:\n\n${USAGE}\nMerchants:\n`);
  for (const m of merchants) process.stdout.write(`  ${m.id}  ${m.name}\n`);
}

async function addOwner(runtime: Runtime, given: Record<string, string | undefined>): Promise<void> {
  const parsed = OwnerArgs.safeParse(given);
  if (!parsed.success) throw new CliError(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${USAGE}`);
  const password = Password.safeParse(await readPassword('TALLY_OWNER_PASSWORD', 'the new owner'));
  if (!password.success) throw new CliError(`Password ${password.error.issues[0]?.message ?? 'is invalid'}`);
  const owner = await runtime.services.staff.addOwner(parsed.data['merchant-id'], { email: parsed.data.email, name: parsed.data.name, password: password.data });
  process.stdout.write(`Owner ${owner.email} added to merchant ${owner.merchantId}. Sign in at ${runtime.config.publicUrl}\n`);
}

main().catch((err: unknown) => {
  const plain = err instanceof CliError || err instanceof AppError || err instanceof ConfigError;
  process.stderr.write(`create-owner: ${plain ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
