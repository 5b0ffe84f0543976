import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tally's module boundaries as lint rules (see docs/ARCHITECTURE.md):
 *
 * - `tally/module-imports`: code under src/ reaches another business module
 *   only through that module's index.ts, never a file inside it.
 * - `tally/data-access`: TypeORM (values, not types) and raw SQL only in a
 *   module's data-access files: `*.entity.ts`, `*.repository.ts`, `*.service.ts`.
 *
 * Violations that cannot be fixed yet are listed in
 * `eslint/boundaries-allow-list.json` with the reason each is there; that list
 * may only shrink (test/unit/lint/allow-list.test.ts holds its length).
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
/** The platform every module may use directly; every other folder under src/ is a business module. */
const PLATFORM = new Set(['db', 'events', 'http', 'jobs', 'metrics', 'numeric', 'web']);
const modules = new Set(readdirSync(src, { withFileTypes: true }).filter((d) => d.isDirectory() && !PLATFORM.has(d.name)).map((d) => d.name));
const DATA_ACCESS = /\.(entity|repository|service)\.ts$/;
const SQL = /^\s*(SELECT\s[\s\S]*\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\S+\s+SET\s|DELETE\s+FROM\s)/i;
const allowList = JSON.parse(readFileSync(join(root, 'eslint', 'boundaries-allow-list.json'), 'utf8'));

/** The composition root: the list of modules. */
const compositionRoot = join(src, 'modules.ts');
const rel = (file) => relative(root, file).split(sep).join('/');

/** The business module a file belongs to, or null for platform and top-level files. */
function moduleOf(file) {
  const parts = relative(src, file).split(sep);
  return parts.length > 1 && modules.has(parts[0]) ? parts[0] : null;
}

function allowed(rule, file, what) {
  return allowList.some((e) => e.rule === rule && e.file === rel(file) && e.what === what);
}

const moduleImports = {
  meta: { type: 'problem', schema: [], messages: { deep: "'{{source}}' is inside module {{module}}: import its index ('{{index}}') instead, and export from there what other modules may use" } },
  create(context) {
    const file = context.filename;
    if (!file.startsWith(src + sep)) return {};
    const own = moduleOf(file);
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      if (!target.startsWith(src + sep)) return;
      const parts = relative(src, target).split(sep);
      const module = parts[0];
      if (!modules.has(module) || module === own) return;
      if (parts.length === 1 || (parts.length === 2 && parts[1] === 'index')) return;
      // The composition root alone imports the descriptors.
      if (file === compositionRoot && parts.length === 2 && parts[1] === `${module}.module`) return;
      if (allowed('module-imports', file, source)) return;
      const index = relative(dirname(file), join(src, module)).split(sep).join('/');
      context.report({ node: node.source, messageId: 'deep', data: { source, module, index: index.startsWith('.') ? index : `./${index}` } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

const dataAccess = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      typeorm: "TypeORM is used only in a module's data-access files (*.entity.ts, *.repository.ts, *.service.ts); import types with `import type`",
      sql: "SQL is written only in a module's data-access files (*.entity.ts, *.repository.ts, *.service.ts)",
      query: "'{{name}}' runs a query: only a module's data-access files (*.entity.ts, *.repository.ts, *.service.ts) query the database",
    },
  },
  create(context) {
    const file = context.filename;
    if (!moduleOf(file) || DATA_ACCESS.test(file)) return {};
    const report = (node, messageId, what, data = {}) => {
      if (!allowed('data-access', file, what)) context.report({ node, messageId, data });
    };
    const sqlText = (node, text) => {
      if (SQL.test(text)) report(node, 'sql', text.trim().split(/\s+/).slice(0, 3).join(' '));
    };
    return {
      ImportDeclaration(node) {
        if (!/^typeorm(\/|$)/.test(node.source.value) || node.importKind === 'type') return;
        if (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')) return;
        report(node, 'typeorm', node.source.value);
      },
      Literal(node) {
        if (typeof node.value === 'string') sqlText(node, node.value);
      },
      TemplateLiteral(node) {
        sqlText(node, node.quasis.map((q) => q.value.cooked ?? '').join('?'));
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        const name = callee.property.name;
        if (['query', 'createQueryBuilder', 'getRepository'].includes(name)) report(callee.property, 'query', name, { name });
      },
    };
  },
};

export default { meta: { name: 'tally' }, rules: { 'module-imports': moduleImports, 'data-access': dataAccess } };
