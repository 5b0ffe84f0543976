import type { AuthService } from './auth.service';
import { MIN_PASSWORD_LENGTH } from './passwords';

/**
 * Text that tells whoever started Tally how to create the first merchant and
 * owner: a link to the setup page and the same request as a curl command for
 * a machine without a browser. There is no default password to change.
 */
export function setupInstructions(publicUrl: string, token: string, expiresAt: Date): string {
  const base = publicUrl.replace(/\/+$/, '');
  const body = {
    token,
    merchant: { name: 'My Shop', currency: 'USD', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', locale: 'en' },
    owner: { email: 'owner@example.com', name: 'Shop Owner', password: `at least ${MIN_PASSWORD_LENGTH} characters` },
  };
  return [
    '',
    'First run: no merchant exists yet. Create the first merchant and its owner',
    `(this one-time token works until ${expiresAt.toISOString()}):`,
    '',
    `  Open   ${base}/setup?token=${encodeURIComponent(token)}`,
    '',
    '  or run (edit the values first):',
    `  curl -X POST ${base}/v1/setup -H 'Content-Type: application/json' \\`,
    `    -d '${JSON.stringify(body)}'`,
    '',
    'A new token at any time: npm run create-owner',
    '',
  ].join('\n');
}

/** On first run, mints a setup token and prints the instructions; prints nothing once set up. */
export async function printSetupInstructions(services: { auth: AuthService }, publicUrl: string, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const setup = await services.auth.ensureSetupToken();
  if (setup) out.write(setupInstructions(publicUrl, setup.token, setup.expiresAt));
}
