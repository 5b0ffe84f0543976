/**
 * Generates bad requests for one OpenAPI operation from its own schemas: a
 * plausible request is built from the JSON schema, then spoiled one thing at a
 * time (wrong type, missing field, oversize string, out-of-range number,
 * unknown field, NUL byte), plus whole-body damage (malformed JSON, wrong top
 * level, deep nesting) and bad path ids. Seeded, so a failure replays exactly.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: unknown[];
}

// Same seed (from a route's name), same requests.
export { hashSeed, seededRandom } from '../../../src/analytics';

/** One request to send: `body` is JSON unless `rawBody` is set. */
export interface FuzzRequest {
  label: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}


/** Strings tried in turn for a field with a pattern; the first that matches is the plausible value. */
const PATTERN_CANDIDATES = ['A1', 'R-1', 'en', '123456', '2', '12:00', 'FREQ=DAILY', 'fuzz-key-0001', 'ABC', '2990000000017'];

/** What a plausible request refers to: real ids by name (memberId, storeId, …) so bad input reaches past the lookups. */
export type KnownValues = Record<string, string>;

export function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties) return ['object'];
  return [];
}

/** A value the schema accepts (as far as a generator can tell), used as the base that mutations spoil. */
export function plausible(schema: JsonSchema, known: KnownValues, name = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const variant = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (variant) return plausible(variant, known, name);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => plausible(s, known, name) as object));
  const type = typesOf(schema).find((t) => t !== 'null') ?? 'string';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = plausible(schema.properties?.[key] ?? {}, known, key);
      return out;
    }
    case 'array': {
      const n = Math.max(1, schema.minItems ?? 0);
      if (name === 'storeIds' && known.storeId) return [known.storeId];
      return Array.from({ length: n }, () => plausible(schema.items ?? {}, known, name));
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : min + 10);
      return Math.min(Math.max(1, min), max);
    }
    case 'boolean':
      return false;
    default:
      return plausibleString(schema, known, name);
  }
}

function plausibleString(schema: JsonSchema, known: KnownValues, name: string): string {
  if (known[name] !== undefined) return known[name];
  switch (schema.format) {
    case 'uuid':
      return '0190a0a0-0000-7000-8000-000000000000';
    case 'email':
      return 'fuzz@example.test';
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return '1990-01-02';
  }
  const min = schema.minLength ?? 1;
  const fits = (s: string) => s.length >= min && s.length <= (schema.maxLength ?? Infinity);
  if (schema.pattern) {
    const re = new RegExp(schema.pattern, 'u');
    const hit = PATTERN_CANDIDATES.find((c) => fits(c) && re.test(c));
    if (hit) return hit;
  }
  if (/phone/i.test(name)) return '+14155550100';
  if (/password/i.test(name)) return 'fuzz-password-123';
  return 'x'.repeat(Math.max(min, 4)).slice(0, schema.maxLength ?? Infinity);
}

/** Values of the wrong type, oversize, out of range or hostile, for a field of this schema. */
function spoiledValues(schema: JsonSchema): { label: string; value: unknown }[] {
  const types = typesOf(schema);
  const out: { label: string; value: unknown }[] = [
    { label: 'null', value: null },
    { label: 'object', value: { nested: { deep: [1, 2, 3] } } },
    { label: 'array', value: [1, 'two', null] },
  ];
  if (!types.includes('string') || schema.enum) out.push({ label: 'string', value: 'not-the-right-type' });
  if (!types.includes('boolean')) out.push({ label: 'boolean', value: true });
  if (types.includes('string') || types.length === 0) {
    out.push(
      { label: 'number-for-string', value: 12345 },
      { label: 'oversize', value: 'x'.repeat((schema.maxLength ?? 5000) + 1) },
      { label: 'huge string', value: 'y'.repeat(100_000) },
      { label: 'empty', value: '' },
      { label: 'NUL byte', value: 'ab\u0000cd' },
      { label: 'RTL override', value: 'abc\u202Edcba' },
      { label: 'bad uuid', value: '00000000-0000-0000-0000-00000000000g' },
      { label: 'SQL-ish', value: "' OR 1=1; --" },
      { label: 'lone surrogate', value: 'a\uD800b' },
    );
    if (schema.maxLength !== undefined) out.push({ label: 'max length', value: 'm'.repeat(schema.maxLength) });
    if (schema.format === 'date-time' || schema.format === 'date') out.push({ label: 'bad date', value: '2026-02-30T25:61:00Z' }, { label: 'year 275760', value: '+275760-09-13T00:00:00.001Z' });
  }
  if (types.includes('integer') || types.includes('number')) {
    out.push(
      { label: 'negative', value: -1 },
      { label: 'min-1', value: (schema.minimum ?? 0) - 1 },
      { label: 'max+1', value: (schema.maximum ?? Number.MAX_SAFE_INTEGER) + 1 },
      { label: 'huge', value: 1e308 },
      { label: '2^63', value: 9223372036854775808 },
      { label: 'unsafe integer', value: Number.MAX_SAFE_INTEGER + 2 },
      { label: 'fraction', value: 1.5 },
      { label: 'numeric string', value: '10' },
      { label: '-0', value: -0 },
    );
  }
  if (types.includes('array')) {
    out.push({ label: 'too many items', value: Array.from({ length: (schema.maxItems ?? 1000) + 1 }, (_, i) => i) }, { label: 'empty array', value: [] });
  }
  return out;
}

/** Every field path of a body schema (nested objects and the first item of arrays), for spoiling one at a time. */
function fieldPaths(schema: JsonSchema, prefix: (string | number)[] = [], depth = 0): { path: (string | number)[]; schema: JsonSchema; required: boolean }[] {
  if (depth > 4) return [];
  const out: { path: (string | number)[]; schema: JsonSchema; required: boolean }[] = [];
  const target = schema.oneOf?.[0] ?? schema.anyOf?.[0] ?? schema;
  for (const [key, child] of Object.entries(target.properties ?? {})) {
    const path = [...prefix, key];
    out.push({ path, schema: child, required: target.required?.includes(key) ?? false });
    const inner = child.oneOf?.[0] ?? child;
    if (typesOf(inner).includes('object')) out.push(...fieldPaths(inner, path, depth + 1));
    if (typesOf(inner).includes('array') && inner.items && typesOf(inner.items).includes('object')) out.push(...fieldPaths(inner.items, [...path, 0], depth + 1));
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = typeof key === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

function pick<T>(items: T[], n: number, rnd: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
  return out;
}

/** Path ids that must be refused with a 4xx: malformed, hostile, or well-formed but unknown. */
export const BAD_PATH_IDS = ['not-a-uuid', '0', '-1', '99999999999999999999999', 'a%00b', '%E2%80%AE', '..%2F..%2Fetc%2Fpasswd', 'z'.repeat(600), '0190a0a0-0000-7000-8000-00000000dead', "'%20OR%201%3D1"];

export interface GenerateOptions {
  /** How many spoiled values to try per body field (sampled by the seed). */
  perField: number;
  rnd: () => number;
}

/**
 * The bad requests for one operation. `template` is the path with `{name}`
 * placeholders; `known` fills them (and same-named body fields) with real ids.
 */
export function badRequests(template: string, op: OpenApiOperation, known: KnownValues, options: GenerateOptions): FuzzRequest[] {
  const { rnd, perField } = options;
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const headerParams = params.filter((p) => p.in === 'header');
  const fill = (overrides: Record<string, string> = {}) =>
    template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => overrides[name] ?? encodeURIComponent(known[name] ?? '0190a0a0-0000-7000-8000-000000000001'));
  const goodHeaders = (): Record<string, string> => Object.fromEntries(headerParams.map((h) => [h.name, `fuzz-${Math.floor(rnd() * 1e12).toString(36)}-key`]));
  const baseQuery = queryParams
    .filter((q) => q.required)
    .map((q) => `${q.name}=${encodeURIComponent(String(plausible(q.schema ?? {}, known, q.name)))}`)
    .join('&');
  const schema = op.requestBody?.content['application/json']?.schema;
  const base = schema ? plausible(schema, known) : undefined;
  const out: FuzzRequest[] = [];
  const add = (label: string, r: Partial<FuzzRequest>) => out.push({ label, path: fill(), query: baseQuery, headers: goodHeaders(), ...(schema ? { body: base } : {}), ...r });

  add('plausible', {});
  for (const p of pathParams) for (const bad of pick(BAD_PATH_IDS, 3, rnd)) add(`path ${p.name}=${bad.slice(0, 40)}`, { path: fill({ [p.name]: bad }) });
  for (const q of queryParams) {
    const values = ['abc', '-1', '99999999999999999999', '1.5', 'a%00b', 'q'.repeat(5000), '%E2%80%AE', '1e309'];
    for (const v of pick(values, 2, rnd)) add(`query ${q.name}=${v.slice(0, 20)}`, { query: [baseQuery, `${q.name}=${v}`].filter(Boolean).join('&') });
    add(`query ${q.name} twice`, { query: [baseQuery, `${q.name}=1&${q.name}=2`].filter(Boolean).join('&') });
    add(`query ${q.name}[]`, { query: [baseQuery, `${q.name}[a]=1`].filter(Boolean).join('&') });
  }
  add('unknown query parameter', { query: [baseQuery, 'fuzzUnknown=1'].filter(Boolean).join('&') });
  for (const h of headerParams) {
    add(`header ${h.name} missing`, { headers: {} });
    add(`header ${h.name} oversize`, { headers: { [h.name]: 'k'.repeat(5000) } });
    add(`header ${h.name} bad characters`, { headers: { [h.name]: 'a b\tc<>' } });
  }
  if (schema) {
    add('malformed JSON', { body: undefined, rawBody: '{"a": 1,,' });
    add('truncated JSON', { body: undefined, rawBody: JSON.stringify(base).slice(0, -1) });
    add('JSON array body', { body: [base] });
    add('JSON string body', { body: undefined, rawBody: '"just a string"' });
    add('JSON null body', { body: undefined, rawBody: 'null' });
    add('empty object', { body: {} });
    add('body over the size limit', { body: undefined, rawBody: JSON.stringify({ a: 'z'.repeat(300_000) }) });
    add('deep nesting', { body: undefined, rawBody: `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}` });
    add('proto pollution', { body: undefined, rawBody: JSON.stringify(base).replace(/^\{/, '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},') });
    if (base && typeof base === 'object' && !Array.isArray(base)) add('unknown field', { body: { ...base, fuzzUnknown: 'x' } });
    for (const field of fieldPaths(schema)) {
      const label = field.path.join('.');
      if (field.required) add(`${label} missing`, { body: setAt(base, field.path, undefined, true) });
      for (const bad of pick(spoiledValues(field.schema), perField, rnd)) add(`${label}: ${bad.label}`, { body: setAt(base, field.path, bad.value) });
    }
  } else {
    add('body on a route without one', { body: { fuzzUnknown: 'x' } });
  }
  return out;
}
