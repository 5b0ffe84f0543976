import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { ConfigError, loadConfig } from '../config';
import { AppError } from '../http/errors';
import { openRuntime } from '../runtime';
import { CliError, ensureMigrated } from '../auth';
import { parseMapPairs } from './mapping';
import { MEMBER_FIELDS } from './member-rows';
import { PRODUCT_FIELDS } from './product-rows';
import { PURCHASE_FIELDS } from './purchase-rows';
import type { ImportResult } from './imports.service';

const USAGE = `Usage:
  npm run import -- --merchant <id> --members members.csv [--dry-run] [--map field=header ...]
  npm run import -- --merchant <id> --purchases purchases.csv [--dry-run] [--award-points] [--map field=header ...]
  npm run import -- --merchant <id> --products products.csv [--dry-run] [--map field=header ...]

  A file ending in .gz is read through gunzip. Fields and formats: docs/imports.md.
`;

/** `npm run import`: the history import from the shell, the same path as the API (docs/imports.md). */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      merchant: { type: 'string' },
      members: { type: 'string' },
      purchases: { type: 'string' },
      products: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'award-points': { type: 'boolean', default: false },
      map: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!values.merchant) throw new CliError(`--merchant is required\n\n${USAGE}`);
  if ([values.members, values.purchases, values.products].filter(Boolean).length !== 1) throw new CliError(`Give one of --members, --purchases or --products\n\n${USAGE}`);
  const runtime = await openRuntime(loadConfig());
  try {
    await ensureMigrated(runtime);
    const merchant = await runtime.services.merchants.getMerchant(values.merchant);
    const actor = { merchantId: merchant.id, principal: null };
    let result: ImportResult;
    if (values.members) {
      const mapping = parseMapPairs(values.map, MEMBER_FIELDS, '--map');
      result = await runtime.services.imports.importMembers(actor, open(values.members), { mapping, dryRun: values['dry-run'] });
    } else if (values.products) {
      const mapping = parseMapPairs(values.map, PRODUCT_FIELDS, '--map');
      result = await runtime.services.imports.importProducts(actor, open(values.products), { mapping, dryRun: values['dry-run'] });
    } else {
      const mapping = parseMapPairs(values.map, PURCHASE_FIELDS, '--map');
      result = await runtime.services.imports.importPurchases(actor, open(values.purchases as string), { mapping, dryRun: values['dry-run'], awardPoints: values['award-points'] });
    }
    process.stdout.write(report(result));
    if (result.failed) process.exitCode = 2;
  } finally {
    await runtime.close();
  }
}

function open(path: string): Readable {
  const file = createReadStream(path);
  return path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
}

function report(r: ImportResult): string {
  const created = r.dryRun ? `${r.created} would be created` : `${r.created} created`;
  const lines = [`${r.dryRun ? 'Dry run, nothing written. ' : ''}${r.kind}: ${r.rows} rows read, ${created}, ${r.existing} already there, ${r.failed} refused`];
  for (const e of r.errors) lines.push(`  row ${e.row}, ${e.field}: ${e.message}`);
  if (r.errors.length < r.failed) lines.push(`  (first ${r.errors.length} problems shown)`);
  return `${lines.join('\n')}\n`;
}

main().catch((err: unknown) => {
  const plain = err instanceof CliError || err instanceof AppError || err instanceof ConfigError;
  process.stderr.write(`import: ${plain ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
