import fc from 'fast-check';
import { checkCardCode, ean13CheckDigit, isValidEan13 } from '../../../pos-plugin/src/card-code';
import { ean13CheckDigit as serverCheckDigit, generateCardNumber } from '../../../src/cards/card-number';

describe('plugin card-code check', () => {
  it('computes the same EAN-13 check digit as the server for any twelve digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (first12) => {
        expect(ean13CheckDigit(first12)).toBe(serverCheckDigit(first12));
      }),
    );
  });

  it('accepts every card number the server issues', () => {
    for (let i = 0; i < 200; i++) expect(isValidEan13(generateCardNumber())).toBe(true);
  });

  it('catches every single-digit misread', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 9 }), (first12, pos, delta) => {
        const code = first12 + String(ean13CheckDigit(first12));
        const misread = code.slice(0, pos) + String((Number(code[pos]) + delta) % 10) + code.slice(pos + 1);
        expect(isValidEan13(misread)).toBe(false);
      }),
    );
  });

  it('tells card numbers, QR payloads and garbage apart', () => {
    expect(checkCardCode('4006381333931')).toEqual({ ok: true, kind: 'ean13' });
    expect(checkCardCode('4006381333932')).toEqual({ ok: false, reason: 'check digit does not match (misread?)' });
    expect(checkCardCode('400638133393')).toMatchObject({ ok: false, reason: 'a card number has 13 digits, this has 12' });
    expect(checkCardCode('TALLY:abc.def')).toEqual({ ok: true, kind: 'qr' });
    expect(checkCardCode('has space')).toMatchObject({ ok: false });
    expect(checkCardCode('')).toMatchObject({ ok: false });
  });
});
