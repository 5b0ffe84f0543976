import { AppError } from '../http/errors';

/** Which CSV header feeds each target field: `{ phone: 'Mobile' }`. */
export type Mapping = Record<string, string>;

/**
 * Parses `field=header` pairs (CLI `--map`, API `map=`) into a mapping.
 * Unknown fields are refused, so a typo does not silently import nothing.
 */
export function parseMapPairs(pairs: readonly string[], fields: readonly string[], where: string): Mapping {
  const mapping: Mapping = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const field = at > 0 ? pair.slice(0, at).trim() : '';
    const header = at > 0 ? pair.slice(at + 1).trim() : '';
    if (!field || !header) throw new AppError('VALIDATION_FAILED', `Map entries are field=header, got "${pair}"`, [{ path: where, message: `expected field=header, got "${pair}"` }]);
    if (!fields.includes(field)) throw new AppError('VALIDATION_FAILED', `Unknown field "${field}"`, [{ path: where, message: `unknown field "${field}"; fields: ${fields.join(', ')}` }]);
    mapping[field] = header;
  }
  return mapping;
}

/**
 * The column index of each target field in this header row: the mapped
 * header, else a header named like the field (any case). A mapped header
 * that is missing, or a required field without a column, is a 400 before
 * any row is read.
 */
export function resolveColumns(header: readonly string[], mapping: Mapping, fields: readonly string[], required: readonly string[]): Map<string, number> {
  const index = new Map(header.map((h, i) => [h.trim().toLowerCase(), i] as const));
  const columns = new Map<string, number>();
  const missing: { path: string; message: string }[] = [];
  for (const field of fields) {
    const wanted = mapping[field];
    const at = index.get((wanted ?? field).trim().toLowerCase());
    if (at !== undefined) columns.set(field, at);
    else if (wanted !== undefined) missing.push({ path: `map.${field}`, message: `no column "${wanted}" in the file` });
  }
  for (const field of required) if (!columns.has(field) && mapping[field] === undefined) missing.push({ path: `map.${field}`, message: `no column for ${field}: map it with ${field}=<header>` });
  if (missing.length) throw new AppError('VALIDATION_FAILED', `The file's columns do not fit: ${missing.map((m) => m.message).join('; ')}`, missing);
  return columns;
}

/** The trimmed value of a field in a record, or null when the field has no column or the cell is empty. */
export function cell(record: readonly string[], columns: Map<string, number>, field: string): string | null {
  const at = columns.get(field);
  if (at === undefined) return null;
  const value = record[at]?.trim() ?? '';
  return value === '' ? null : value;
}
