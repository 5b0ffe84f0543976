import { parseScaled } from '../../../pos-plugin/src/decimal';
import { fileReceiptKey, readReceiptFile, ReceiptFileError } from '../../../pos-plugin/src/receipt-file';

const opts = { minorDigits: 2 };

describe('decimal text to integer units', () => {
  it('parses exactly, without floating point', () => {
    expect(parseScaled('2.55', 2)).toBe(255);
    expect(parseScaled('0.29', 2)).toBe(29);
    expect(parseScaled('1.10', 2)).toBe(110);
    expect(parseScaled('3', 2)).toBe(300);
    expect(parseScaled('0.452', 3)).toBe(452);
    expect(parseScaled('2.500', 2)).toBe(250);
  });

  it('refuses what is not a plain decimal at that precision', () => {
    for (const bad of ['2.555', '-1', '1e3', '', '1,5', '.5', 'abc']) expect(parseScaled(bad, 2)).toBeNull();
  });
});

describe('receipt files', () => {
  it('reads a CSV with two receipts, converting prices and weights exactly', () => {
    const csv = [
      'receipt_number,occurred_at,card_code,sku,category,description,quantity,unit_price,amount',
      'R-1,2026-11-23T10:15:00+01:00,4006381333931,milk,dairy,"Milk, 1 L",2,1.19,',
      'R-1,2026-11-23T10:15:00+01:00,4006381333931,apples,fruit,Apples,0.452,2.99,1.35',
      'R-2,2026-11-23T10:17:00Z,,bread,,,1,2.10,',
    ].join('\n');
    const receipts = readReceiptFile('export.csv', csv, opts);
    expect(receipts.map((r) => r.body)).toEqual([
      {
        receiptNumber: 'R-1',
        occurredAt: '2026-11-23T10:15:00+01:00',
        cardCode: '4006381333931',
        lines: [
          { sku: 'milk', category: 'dairy', description: 'Milk, 1 L', quantity: 2000, unitPriceMinor: 119 },
          { sku: 'apples', category: 'fruit', description: 'Apples', quantity: 452, unitPriceMinor: 299, amountMinor: 135 },
        ],
      },
      { receiptNumber: 'R-2', occurredAt: '2026-11-23T10:17:00Z', lines: [{ sku: 'bread', quantity: 1000, unitPriceMinor: 210 }] },
    ]);
    expect(receipts[0].idempotencyKey).toBe(fileReceiptKey(receipts[0].body));
    expect(receipts[0].idempotencyKey).not.toBe(receipts[1].idempotencyKey);
  });

  it('reads JSON in the API shape and gives the same content the same key', () => {
    const body = { receiptNumber: 'J-1', occurredAt: '2026-11-23T10:00:00Z', lines: [{ sku: 'a', quantity: 1000, unitPriceMinor: 100 }] };
    const [one] = readReceiptFile('a.json', JSON.stringify(body), opts);
    const [again] = readReceiptFile('b.JSON', JSON.stringify([body]), opts);
    expect(one.idempotencyKey).toBe(again.idempotencyKey);
  });

  it.each([
    ['bad JSON', 'x.json', '{"receiptNumber":', /not valid JSON/],
    ['API-invalid JSON', 'x.json', '{"receiptNumber":"A","occurredAt":"2026-11-23T10:00:00","lines":[]}', /receipt 1: Invalid purchase: .*body.occurredAt Invalid ISO datetime/],
    ['unknown file type', 'x.txt', 'hello', /unsupported file type/],
    ['CSV missing a column', 'x.csv', 'receipt_number,sku\nA,b', /lacks occurred_at, quantity, unit_price/],
    ['CSV unknown column', 'x.csv', 'receipt_number,occurred_at,sku,quantity,unit_price,colour\nA,2026-11-23T10:00:00Z,b,1,1,red', /unknown columns colour/],
    ['CSV float price', 'x.csv', 'receipt_number,occurred_at,sku,quantity,unit_price\nA,2026-11-23T10:00:00Z,b,1,1.999', /unit_price "1.999"/],
    ['CSV receipt split apart', 'x.csv', 'receipt_number,occurred_at,sku,quantity,unit_price\nA,2026-11-23T10:00:00Z,b,1,1\nB,2026-11-23T10:00:00Z,b,1,1\nA,2026-11-23T10:00:00Z,c,1,1', /appears twice/],
    ['CSV header only', 'x.csv', 'receipt_number,occurred_at,sku,quantity,unit_price\n', /no receipts/],
    ['CSV broken quoting', 'x.csv', 'receipt_number,occurred_at,sku,quantity,unit_price\n"A,2026-11-23T10:00:00Z,b,1,1', /not valid CSV/],
  ])('refuses %s as a whole', (_what, name, content, message) => {
    expect(() => readReceiptFile(name, content, opts)).toThrow(ReceiptFileError);
    expect(() => readReceiptFile(name, content, opts)).toThrow(message);
  });
});
