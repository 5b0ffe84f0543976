import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modules } from '../../../src/modules';

interface AllowListEntry {
  rule: 'module-imports' | 'data-access' | 'module-uses';
  file: string;
  what: string;
  why: string;
}

/**
 * The allow-list of boundary violations may only shrink: when you fix one,
 * remove its entry and lower this number. Never raise it.
 */
const MAX_ALLOWED = 9;

const allowList: AllowListEntry[] = JSON.parse(readFileSync(join(__dirname, '../../../eslint/boundaries-allow-list.json'), 'utf8'));

describe('module boundaries', () => {
  it('the allow-list does not grow', () => {
    expect(allowList.length).toBeLessThanOrEqual(MAX_ALLOWED);
    for (const entry of allowList) expect(entry.why.length).toBeGreaterThan(10);
  });

  it('every allow-listed import and query is still there (a fixed one must leave the list)', () => {
    for (const entry of allowList.filter((e) => e.rule !== 'module-uses')) {
      const text = readFileSync(join(__dirname, '../../../', entry.file), 'utf8');
      expect([entry.file, entry.what, text.includes(entry.what)]).toEqual([entry.file, entry.what, true]);
    }
  });

  it('every module uses only services that other listed modules provide', () => {
    const provider = new Map<string, string>();
    for (const m of modules) for (const name of serviceNames(m.name)) provider.set(name, m.name);
    for (const m of modules) for (const used of m.uses) expect([m.name, used, provider.get(used) !== undefined]).toEqual([m.name, used, true]);
  });

  it('modules form no cycle (apart from allow-listed uses)', () => {
    const ownerOf = new Map<string, string>();
    for (const m of modules) for (const name of serviceNames(m.name)) ownerOf.set(name, m.name);
    const allowed = new Set(allowList.filter((e) => e.rule === 'module-uses').map((e) => `${moduleOfFile(e.file)}->${e.what}`));
    const edges = new Map<string, string[]>();
    for (const m of modules) {
      edges.set(m.name, m.uses.filter((used) => !allowed.has(`${m.name}->${used}`)).map((used) => ownerOf.get(used) as string));
    }
    expect(cycles(edges)).toEqual([]);
    // An allow-listed use that no longer exists must leave the list.
    for (const entry of allowList.filter((e) => e.rule === 'module-uses')) {
      const m = modules.find((x) => x.name === moduleOfFile(entry.file));
      expect([entry.file, entry.what, (m?.uses as readonly string[] | undefined)?.includes(entry.what)]).toEqual([entry.file, entry.what, true]);
    }
  });
});

/** The names of the services a module provides, read from a build without infrastructure. */
function serviceNames(moduleName: string): string[] {
  const m = modules.find((x) => x.name === moduleName);
  if (!m) return [];
  const inert = new Proxy({}, { get: () => inert });
  const use = new Proxy({}, { get: () => inert });
  return Object.keys(m.create({ config: { notifyWebhook: null, env: 'test' }, db: inert, queue: inert, log: inert } as never, use as never));
}

function moduleOfFile(file: string): string {
  return file.split('/')[1];
}

/** Every cycle found by depth-first search, as a list of module names. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}
