import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The engine folder imports nothing from outside itself (no package, no
 * server file, no Node built-in): the server compiles it into dist/ and
 * pos-plugin runs it as it is, so both compute with the same code and a till
 * needs nothing more to price offline (docs/ARCHITECTURE.md).
 */
describe('offer-engine/ is self-contained', () => {
  const dir = join(__dirname, '..', '..', '..', 'offer-engine');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s imports only files of the folder', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const specifiers = [...source.matchAll(/(?:import|export)[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|require\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(specifiers.filter((s) => !/^\.\/[\w-]+$/.test(s))).toEqual([]);
  });
});
