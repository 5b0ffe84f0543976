import { CommitPurchaseRequest, MAX_BASKET_LINES, ReceiptNumber, ReturnRequest } from '../../../src/till/till.schemas';

const line = { sku: 'A1', quantity: 1000, unitPriceMinor: 250 };
const base = { receiptNumber: 'R-1', occurredAt: '2026-11-23T10:00:00+07:00', lines: [line] };

describe('till schemas', () => {
  it('accepts a plain basket, weighed goods and an offset timestamp', () => {
    expect(CommitPurchaseRequest.safeParse({ ...base, lines: [line, { sku: 'BANANA', category: 'fruit', quantity: 452, unitPriceMinor: 399 }] }).success).toBe(true);
  });

  it.each([
    ['unknown field', { ...base, extra: 1 }],
    ['unknown line field', { ...base, lines: [{ ...line, price: 1 }] }],
    ['fractional quantity', { ...base, lines: [{ ...line, quantity: 0.5 }] }],
    ['negative quantity', { ...base, lines: [{ ...line, quantity: -1000 }] }],
    ['fractional money', { ...base, lines: [{ ...line, unitPriceMinor: 2.5 }] }],
    ['no lines', { ...base, lines: [] }],
    ['too many lines', { ...base, lines: Array.from({ length: MAX_BASKET_LINES + 1 }, () => line) }],
    ['time without offset', { ...base, occurredAt: '2026-11-23T10:00:00' }],
    ['memberId and cardCode', { ...base, memberId: '0190a3b4-1234-7abc-8def-0123456789ab', cardCode: '2000000000008' }],
    ['receipt number with a space', { ...base, receiptNumber: 'R 1' }],
    ['missing receipt number', { occurredAt: base.occurredAt, lines: [line] }],
  ])('refuses %s', (_name, body) => {
    expect(CommitPurchaseRequest.safeParse(body).success).toBe(false);
  });

  it('bounds receipt numbers to 1–64 safe characters', () => {
    expect(ReceiptNumber.safeParse('A'.repeat(64)).success).toBe(true);
    expect(ReceiptNumber.safeParse('A'.repeat(65)).success).toBe(false);
    expect(ReceiptNumber.safeParse('').success).toBe(false);
    expect(ReceiptNumber.safeParse('R/2026.11-0001_a').success).toBe(true);
    expect(ReceiptNumber.safeParse('R;DROP').success).toBe(false);
  });

  it('takes a return by lines or by amount, not both or neither', () => {
    expect(ReturnRequest.safeParse({ lines: [{ lineNo: 1, quantity: 1000 }] }).success).toBe(true);
    expect(ReturnRequest.safeParse({ amountMinor: 100 }).success).toBe(true);
    expect(ReturnRequest.safeParse({ amountMinor: 100, lines: [{ lineNo: 1, quantity: 1000 }] }).success).toBe(false);
    expect(ReturnRequest.safeParse({}).success).toBe(false);
  });
});
