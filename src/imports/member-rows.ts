import { TEXT_LIMITS } from '../db/text-limits';
import { CAPTURE_SOURCES, type CaptureSource, type ImportedMember, type RowError } from '../members';
import { cell } from './mapping';
import { parseDate, parseDateTime, parseInteger, parseYesNo } from './values';

/** The target fields of a members file (see docs/imports.md). */
export const MEMBER_FIELDS = [
  'externalId',
  'firstName',
  'lastName',
  'phone',
  'email',
  'birthDate',
  'marketingEmail',
  'marketingSms',
  'profiling',
  'consentSource',
  'consentDate',
  'cardCodes',
  'openingPoints',
] as const;

const CONSENTS = ['marketingEmail', 'marketingSms', 'profiling'] as const;

/** Card codes in one cell: separated by spaces, commas, semicolons or bars. */
const CODE_SEPARATOR = /[\s,;|]+/;

/**
 * Reads one record of a members file into an imported member, or the
 * problems of the row (every field checked, so a row's errors come at once).
 */
export function memberRow(record: readonly string[], columns: Map<string, number>, row: number): ImportedMember | RowError[] {
  const errors: RowError[] = [];
  const get = (field: string) => cell(record, columns, field);
  const fail = (field: string, message: string) => errors.push({ row, field, message });
  const text = (field: string, max: number) => {
    const value = get(field);
    if (value !== null && value.length > max) fail(field, `longer than ${max} characters`);
    return value;
  };

  const externalId = text('externalId', 64);
  const firstName = text('firstName', TEXT_LIMITS.personName);
  const lastName = text('lastName', TEXT_LIMITS.personName);
  const phone = text('phone', 40);
  const email = text('email', TEXT_LIMITS.email);
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail('email', 'not an email address');
  const birthRaw = get('birthDate');
  const birthDate = birthRaw === null ? null : parseDate(birthRaw);
  if (birthRaw !== null && birthDate === null) fail('birthDate', 'expected a date as YYYY-MM-DD');

  const consents: ImportedMember['consents'] = {};
  for (const field of CONSENTS) {
    const raw = get(field);
    if (raw === null) continue;
    const answer = parseYesNo(raw);
    if (answer === null) fail(field, 'expected yes or no');
    else consents[field] = answer;
  }
  const sourceRaw = get('consentSource');
  const consentSource = (sourceRaw?.toLowerCase() ?? 'import') as CaptureSource;
  if (!CAPTURE_SOURCES.includes(consentSource)) fail('consentSource', `expected one of ${CAPTURE_SOURCES.join(', ')}`);
  const consentRaw = get('consentDate');
  const consentWhen = consentRaw === null ? null : parseDateTime(consentRaw);
  if (consentRaw !== null && consentWhen === null) fail('consentDate', 'expected a date as YYYY-MM-DD or a date-time as YYYY-MM-DD HH:MM[:SS][Z|±HH:MM]');

  const cardCodes = (get('cardCodes') ?? '').split(CODE_SEPARATOR).filter((code) => code !== '');
  for (const code of cardCodes) if (code.length > 64) fail('cardCodes', 'a card code is longer than 64 characters');

  const pointsRaw = get('openingPoints');
  const openingPoints = pointsRaw === null ? 0 : parseInteger(pointsRaw);
  if (openingPoints === null || openingPoints < 0) fail('openingPoints', 'expected a whole number of points, 0 or more');

  if (errors.length) return errors;
  return {
    row,
    externalId,
    // A member always has a name on file; an import without names shows the old system's id instead.
    firstName: firstName ?? externalId ?? '',
    lastName,
    phone,
    email,
    birthDate,
    consents,
    consentSource,
    // A consent date without a time zone is read as UTC: only the day matters for consent records.
    consentAt: consentWhen?.wall ?? null,
    cardCodes,
    openingPoints: openingPoints as number,
  };
}
