import fc from 'fast-check';
import { parseMapPairs, resolveColumns } from '../../../src/imports/mapping';
import { purchaseRow } from '../../../src/imports/purchase-rows';
import { parseDate, parseDateTime, parseDecimal, parseYesNo } from '../../../src/imports/values';

describe('parseDecimal: decimal text into integer units without floats', () => {
  it.each([
    ['2.55', 2, 255],
    ['-2.5', 2, -250],
    ['1,234.50', 2, 123450],
    ['.5', 3, 500],
    ['7', 0, 7],
    ['0.001', 3, 1],
    ['-0', 2, 0],
    ['1.005', 2, null],
    ['1.2.3', 2, null],
    ['abc', 2, null],
    ['', 2, null],
    ['1e3', 2, null],
  ])('%s with %i digits → %s', (raw, digits, expected) => {
    expect(parseDecimal(raw, digits)).toBe(expected);
  });

  it('reads back every integer amount it is given as text', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 4 }), (units, digits) => {
        const sign = units < 0 ? '-' : '';
        const abs = String(Math.abs(units)).padStart(digits + 1, '0');
        const text = digits ? `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}` : `${sign}${abs}`;
        expect(parseDecimal(text, digits)).toBe(units);
      }),
    );
  });
});

describe('dates', () => {
  it.each([
    ['2024-02-29', '2024-02-29'],
    ['2023-02-29', null],
    ['2023-13-01', null],
    ['01/02/2023', null],
  ])('parseDate(%s) → %s', (raw, expected) => {
    expect(parseDate(raw)).toBe(expected);
  });

  it.each([
    ['2010-12-01 08:26:00', '2010-12-01T08:26:00.000Z', false],
    ['2010-12-01T08:26', '2010-12-01T08:26:00.000Z', false],
    ['2010-12-01', '2010-12-01T00:00:00.000Z', false],
    ['2010-12-01T08:26:00Z', '2010-12-01T08:26:00.000Z', true],
    ['2010-12-01 08:26:00+07:00', '2010-12-01T01:26:00.000Z', true],
    ['2010-12-01 08:26:00.5-0130', '2010-12-01T09:56:00.500Z', true],
  ])('parseDateTime(%s) → %s (zoned %s)', (raw, iso, zoned) => {
    expect(parseDateTime(raw)).toEqual({ wall: new Date(iso), zoned });
  });

  it.each(['2010-12-01 24:00', '2010-02-30 10:00', 'yesterday'])('parseDateTime(%s) → null', (raw) => {
    expect(parseDateTime(raw)).toBeNull();
  });
});

describe('parseYesNo', () => {
  it.each([
    ['Yes', true],
    ['1', true],
    ['granted', true],
    ['N', false],
    ['false', false],
    ['maybe', null],
  ])('%s → %s', (raw, expected) => {
    expect(parseYesNo(raw)).toBe(expected);
  });
});

describe('mapping', () => {
  const fields = ['phone', 'email', 'externalId'];

  it('reads field=header pairs (a header may contain =) and refuses unknown fields and bare words', () => {
    expect(parseMapPairs(['phone=Mobile', 'externalId=Id = old'], fields, 'q')).toEqual({ phone: 'Mobile', externalId: 'Id = old' });
    expect(() => parseMapPairs(['colour=Red'], fields, 'q')).toThrow('Unknown field');
    expect(() => parseMapPairs(['phone'], fields, 'q')).toThrow('field=header');
  });

  it('resolves mapped headers, else headers named like the field in any case; a missing mapped header or required field is refused', () => {
    expect([...resolveColumns(['Mobile', 'EMAIL', 'x'], { phone: 'mobile' }, fields, [])]).toEqual([
      ['phone', 0],
      ['email', 1],
    ]);
    expect(() => resolveColumns(['Mobile'], { phone: 'Tel' }, fields, [])).toThrow('no column "Tel"');
    expect(() => resolveColumns(['Mobile'], {}, fields, ['externalId'])).toThrow('no column for externalId');
  });
});

describe('purchaseRow', () => {
  const header = ['receiptNumber', 'occurredAt', 'store', 'sku', 'quantity', 'unitPrice', 'amount', 'total'];
  const columns = resolveColumns(header, {}, header, []);
  const row = (values: Record<string, string>) => purchaseRow(header.map((h) => values[h] ?? ''), columns, 1, 2);

  it.each([
    [{ quantity: '3', unitPrice: '0.333' }, null],
    [{ quantity: '0.5', unitPrice: '0.99' }, { quantityMilli: 500, unitPriceMinor: 99, amountMinor: 50 }],
    [{ quantity: '-6', unitPrice: '2.55' }, { quantityMilli: -6000, unitPriceMinor: 255, amountMinor: -1530 }],
    [{ quantity: '3', amount: '1.00' }, { quantityMilli: 3000, unitPriceMinor: 33, amountMinor: 100 }],
    [{ unitPrice: '4.20' }, { quantityMilli: 1000, unitPriceMinor: 420, amountMinor: 420 }],
  ])('a line %j → %j (half away from zero, integers only)', (values, expected) => {
    const parsed = row({ receiptNumber: 'R', occurredAt: '2020-01-01 10:00', store: 'S', sku: 'X', ...values });
    if (expected === null) expect(Array.isArray(parsed)).toBe(true);
    else expect(parsed).toMatchObject({ line: expected });
  });

  it('names every problem of a row at once', () => {
    expect(row({ sku: 'X', quantity: 'lots', total: '1.2.3' })).toEqual([
      { row: 1, field: 'store', message: 'required' },
      { row: 1, field: 'receiptNumber', message: 'required' },
      { row: 1, field: 'occurredAt', message: 'required' },
      { row: 1, field: 'total', message: 'expected an amount with at most 2 decimals' },
      { row: 1, field: 'quantity', message: 'expected a quantity with at most 3 decimals' },
      { row: 1, field: 'unitPrice', message: 'a line needs a unit price or an amount' },
    ]);
  });
});
