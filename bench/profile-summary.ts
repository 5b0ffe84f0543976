/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function and
 * per file (or package), the top N of each.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** A package name for code under node_modules, else the path under the project. */
function place(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return url.replace(/^file:\/\/.*?\/(src|bench)\//, '$1/') || '(native)';
}

const perFunction = new Map<string, number>();
const perPlace = new Map<string, number>();
let total = 0;
for (const [id, micros] of selfMicros) {
  const node = byId.get(id);
  if (!node) continue;
  total += micros;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = place(url);
  const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  perFunction.set(fn, (perFunction.get(fn) ?? 0) + micros);
  perPlace.set(where, (perPlace.get(where) ?? 0) + micros);
}

const top = Number(values.top);
const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}\n`);
};
process.stdout.write(`total sampled ${(total / 1000).toFixed(0)} ms\n`);
print('self time by package / file', perPlace);
print('self time by function', perFunction);
