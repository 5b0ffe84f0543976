import type { Server } from 'node:http';
import request from 'supertest';
import { closeServer, listen } from '../pos/till-helpers';
import { plausible, typesOf, type JsonSchema, type KnownValues, type OpenApiOperation } from '../../support/fuzz/bad-input';
import { createTenantWorld, openApiOperations, PRINCIPALS, type TenantWorld } from '../../support/fuzz/tenant-world';
import { describeEachDb } from '../../support/test-runtime';

/**
 * Every string a route accepts, sent at its maximum length on both dialects
 * (issue 15, finding 7): generated from the OpenAPI document, so a new field
 * meets it without anyone writing a test. For each route with string inputs
 * (JSON body or query), one VALID request with every string field at its
 * `maxLength` goes out as the first principal the route admits; no answer may
 * be a 5xx (a value that passes validation but not the column is a MySQL-only
 * 500), and a 2xx that echoes a field must echo it unchanged.
 *
 * Every string input must be bounded: a body or query string without
 * `maxLength` fails the test unless it is listed in UNBOUNDED with why.
 */

/** Field name → why a string without maxLength is bounded all the same. */
const UNBOUNDED: Record<string, string> = {};

/**
 * Field name → the value sent instead of one at maxLength, and why: the field's
 * own rule (a time zone, a phone number, a BCP 47 tag) admits no valid value
 * that long, so the longest valid value stands in.
 */
let phones = 0;
const NOT_AT_MAXIMUM: Record<string, { value: () => string; why: string }> = {
  locale: { value: () => 'abc-abcdefgh-abcdefgi', why: 'the BCP 47 pattern admits at most 21 characters (language, two 8-character subtags); the column and limit are 35' },
  timeZone: { value: () => 'America/Argentina/ComodRivadavia', why: 'an IANA zone name; the longest one there is' },
  currency: { value: () => 'USD', why: 'an ISO 4217 code: three letters from a fixed list (no maxLength in the schema, the refinement bounds it)' },
  phone: { value: () => `+1415555${String(++phones).padStart(4, '0')}`, why: 'a number valid for the shop region: 15 digits at most (E.164); a new one each time, phones are unique' },
  rrule: { value: () => 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', why: 'an RFC 5545 recurrence the program accepts; no generic value of maximum length is one' },
};

/** Principals tried in turn: the first that is not refused (401/403) is the one that may call the route. */
const CALLERS = PRINCIPALS.filter((p) => p !== 'anonymous');

/** A value of exactly `max` characters for the field, or undefined when none of the generic shapes fits. */
function atMaximum(schema: JsonSchema, max: number): string | undefined {
  if (schema.format === 'email') return emailOfLength(max);
  if (schema.format) return undefined;
  const candidates = ['m'.repeat(max), 'M'.repeat(max), '1'.repeat(max), 'A' + '1'.repeat(max - 1)];
  const min = schema.minLength ?? 0;
  const re = schema.pattern ? new RegExp(schema.pattern, 'u') : null;
  return candidates.find((c) => c.length === max && c.length >= min && (!re || re.test(c)));
}

/** A syntactically valid address of exactly `length` characters (local part at most 64, labels at most 63). */
function emailOfLength(length: number): string {
  const local = 'm'.repeat(Math.min(64, length - 8));
  let domain = 'test';
  let left = length - local.length - 1 - domain.length;
  const labels: string[] = [];
  while (left > 0) {
    const n = Math.min(63, left - 1);
    labels.push('d'.repeat(n));
    left -= n + 1;
  }
  domain = [...labels, domain].join('.');
  return `${local}@${domain}`;
}

interface Generated {
  value: unknown;
  /** The strings sent at their maximum, by field name (for the echo check). */
  sent: Map<string, string>;
  problems: string[];
  skipped: string[];
}

/**
 * A valid value with every string field (optional ones too) at its maximum.
 * Fields the world knows (ids, card numbers) keep their real values.
 */
function maximal(key: string, schema: JsonSchema, known: KnownValues, out: Generated, name = ''): unknown {
  if (schema.const !== undefined || schema.enum?.length) return plausible(schema, known, name);
  const variant = (schema.oneOf ?? schema.anyOf)?.find((s) => !typesOf(s).includes('null'));
  if (variant) return maximal(key, variant, known, out, name);
  const types = typesOf(schema).filter((t) => t !== 'null');
  if (types.includes('object')) {
    const obj: Record<string, unknown> = {};
    for (const [field, child] of Object.entries(schema.properties ?? {})) obj[field] = maximal(key, child, known, out, field);
    return obj;
  }
  if (types.includes('array')) {
    if (name === 'storeIds' && known.storeId) return [known.storeId];
    // One item when it carries strings to try (a basket line), else as few as allowed (offer ids).
    const before = out.sent.size;
    const item = maximal(key, schema.items ?? {}, known, out, name);
    const n = out.sent.size > before ? Math.max(1, schema.minItems ?? 0) : (schema.minItems ?? 0);
    return Array.from({ length: n }, (_, i) => (i === 0 ? item : maximal(key, schema.items ?? {}, known, out, name)));
  }
  if (!types.includes('string') && types.length) return plausible(schema, known, name);
  return maximalString(key, schema, known, out, name);
}

/** An anchored pattern without an open-ended repeat bounds the length by itself (^[A-Z]{3}$, HH:MM). */
const boundedByPattern = (pattern: string | undefined) => !!pattern && pattern.startsWith('^') && pattern.endsWith('$') && !/[*+]|\{\d+,\}/.test(pattern);

function maximalString(key: string, schema: JsonSchema, known: KnownValues, out: Generated, name: string): unknown {
  const where = `${key} ${name}`;
  if (known[name] !== undefined) return known[name];
  if (NOT_AT_MAXIMUM[name]) {
    out.skipped.push(where);
    return NOT_AT_MAXIMUM[name].value();
  }
  // Enumerations and fixed-shape formats carry their own bound.
  if (schema.enum?.length || schema.const !== undefined || boundedByPattern(schema.pattern)) return plausible(schema, known, name);
  if (schema.format === 'uuid' || schema.format === 'date-time' || schema.format === 'date') return plausible(schema, known, name);
  if (schema.maxLength === undefined) {
    if (!UNBOUNDED[name]) out.problems.push(`${where}: a string without maxLength`);
    return plausible(schema, known, name);
  }
  const value = atMaximum(schema, schema.maxLength);
  if (value === undefined) {
    out.problems.push(`${where}: no valid value of length ${schema.maxLength} could be built (format ${schema.format ?? '-'}, pattern ${schema.pattern ?? '-'}); list the field in NOT_AT_MAXIMUM with why`);
    return plausible(schema, known, name);
  }
  out.sent.set(name, value);
  return value;
}

/** Body fields a validation error names as excluding another (the generator filled every optional field). */
function exclusiveFields(res: request.Response): string[][] {
  const details = (res.body as { error?: { code?: string; details?: unknown } }).error;
  if (res.status !== 400 || details?.code !== 'VALIDATION_FAILED' || !Array.isArray(details.details)) return [];
  return (details.details as { path: string; message: string }[])
    .filter((d) => /not both|exactly one|either/.test(d.message) && d.path.startsWith('body.'))
    .map((d) => d.path.split('.').slice(1))
    .filter((path) => !/^\d+$/.test(path[path.length - 1]));
}

function without(body: unknown, path: string[]): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let node: Record<string, unknown> | undefined = copy;
  for (const key of path.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
  if (node) delete node[path[path.length - 1]];
  return copy;
}

/** Strings the answer holds under `name`, anywhere in it. */
function echoed(body: unknown, name: string, found: string[] = []): string[] {
  if (Array.isArray(body)) for (const item of body) echoed(item, name, found);
  else if (body && typeof body === 'object')
    for (const [k, v] of Object.entries(body)) {
      if (k === name && typeof v === 'string') found.push(v);
      else echoed(v, name, found);
    }
  return found;
}

describeEachDb('every string input at its maximum length', (rt, dialect) => {
  let server: Server;
  let world: TenantWorld;

  beforeAll(async () => {
    server = await listen(rt());
    world = await createTenantWorld(rt(), 'ml');
  });
  afterAll(() => closeServer(server));

  it('answers no 5xx and stores every value whole, for every route with string inputs', async () => {
    const started = Date.now();
    const ops = await openApiOperations(rt());
    // A pre-printed card nobody holds, for the routes that take one (the first to use it wins, the rest answer 409).
    // A sale needs a receipt number of its own, so the world's is not offered.
    const known: KnownValues = { ...world.ids, code: world.ids.cardNumber, cardCode: world.ids.unassignedCardNumber, claimCode: world.ids.anonymousClaimCode };
    delete known.receiptNumber;
    const failures: string[] = [];
    const outcomes: string[] = [];
    let routes = 0;
    let fields = 0;
    for (const { key, method, path, op: raw } of ops) {
      const op = raw as OpenApiOperation;
      const gen: Generated = { value: undefined, sent: new Map(), problems: [], skipped: [] };
      const schema = op.requestBody?.content['application/json']?.schema;
      const body = schema ? maximal(key, schema, known, gen) : undefined;
      const query = (op.parameters ?? [])
        .filter((p) => p.in === 'query' && typesOf(p.schema ?? {}).includes('string'))
        .map((p) => `${p.name}=${encodeURIComponent(String(maximalString(key, p.schema ?? {}, known, gen, p.name)))}`)
        .join('&');
      failures.push(...gen.problems);
      if (!gen.sent.size) continue;
      routes++;
      fields += gen.sent.size;
      const ids = { ...known } as Record<string, string>;
      const url = path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? '0190a0a0-0000-7000-8000-000000000001')) + (query ? `?${query}` : '');
      const isPublic = !op.security?.length;
      const headers = Object.fromEntries((op.parameters ?? []).filter((p) => p.in === 'header').map((h) => [h.name, `maxlen-${dialect}-${routes}-key`]));
      let res: request.Response | undefined;
      let caller = 'anonymous';
      let sending = body;
      for (const principal of isPublic ? (['anonymous'] as const) : CALLERS) {
        const token = principal === 'anonymous' ? null : world.tokens[principal];
        const target = principal === 'operator' ? url.replace(encodeURIComponent(known.merchantId), encodeURIComponent(world.operatorMerchantId)) : url;
        const send = () => {
          let req = (request(server) as unknown as Record<string, (url: string) => request.Test>)[method](target);
          if (token) req = req.set('Authorization', `Bearer ${token}`);
          for (const [h, v] of Object.entries(headers)) req = req.set(h, v);
          return sending !== undefined ? req.send(sending as object) : req;
        };
        res = await send();
        caller = principal;
        // Optional fields that exclude each other ("memberId or cardCode, not both"): drop the one named and send again.
        for (let tries = 0; tries < 3 && sending !== undefined; tries++) {
          const exclusive = exclusiveFields(res);
          if (!exclusive.length) break;
          for (const field of exclusive) gen.sent.delete(field[field.length - 1]);
          sending = exclusive.reduce<unknown>((b, field) => without(b, field), sending);
          res = await send();
        }
        if (res.status !== 401 && res.status !== 403) break;
      }
      if (!res) continue;
      const where = `${key} as ${caller}`;
      outcomes.push(`${res.status} ${where}`);
      if (process.env.MAXLEN_TRACE) process.stdout.write(`${res.status} ${where} ${res.status >= 400 ? JSON.stringify(res.body).slice(0, 300) : ''}\n`);
      if (res.status >= 500) failures.push(`${where} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      if (res.status >= 200 && res.status < 300)
        for (const [name, value] of gen.sent) for (const got of echoed(res.body, name)) if (got !== value) failures.push(`${where}: ${name} sent at ${value.length} characters, answered ${got.length}`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const accepted = outcomes.filter((o) => o.startsWith('2')).length;
    process.stdout.write(`max length [${dialect}]: ${fields} fields on ${routes} routes in ${seconds} s; ${accepted} routes accepted the maximal request\n`);
    expect(failures).toEqual([]);
  }, 120_000);
});
