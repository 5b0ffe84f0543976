import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');

describe('production dependency list', () => {
  it('docs/DEPENDENCIES.md is the list the lockfile gives (re-run node scripts/dependencies.mjs)', () => {
    const generated = execFileSync(process.execPath, [join(root, 'scripts/dependencies.mjs'), '--print'], { encoding: 'utf8' });
    expect(readFileSync(join(root, 'docs/DEPENDENCIES.md'), 'utf8')).toBe(generated);
  });
});
