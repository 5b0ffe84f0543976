import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The web app's own messages, read from web/src/i18n/<lang>.ts, so a browser
 * test clicks what the screen says in that language without a copy of the
 * words. The files are one object literal each; the web project's module
 * settings keep them from being imported here.
 */
const I18N = resolve(__dirname, '../../web/src/i18n');
const cache = new Map<string, unknown>();

function messages(lang: string): unknown {
  let loaded = cache.get(lang);
  if (!loaded) {
    const source = readFileSync(join(I18N, `${lang}.ts`), 'utf8');
    const start = source.indexOf('{', source.search(/export const \w+(: Messages)? = \{/));
    const end = source.indexOf('\n};', start);
    loaded = new Function(`return (${source.slice(start, end + 2)});`)() as unknown;
    cache.set(lang, loaded);
  }
  return loaded;
}

/** A message in that language, with its {{placeholders}} filled. */
export function tr(lang: string, key: string, values: Record<string, string | number> = {}): string {
  const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages(lang));
  if (typeof text !== 'string') throw new Error(`no message ${key} in ${lang}`);
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name]));
}
