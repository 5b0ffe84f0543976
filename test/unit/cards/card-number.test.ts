import { DEFAULT_CARD_PREFIX, ean13CheckDigit, generateCardNumber, isValidEan13, parseScannedCode } from '../../../src/cards/card-number';

describe('EAN-13 card numbers', () => {
  it.each([
    // Published EAN-13 codes and in-store numbers checked by hand.
    ['400638133393', 1],
    ['590123412345', 7],
    ['978020137962', 4],
    ['270000000000', 7],
    ['299999999999', 1],
  ])('check digit of %s is %i', (first12, check) => {
    expect(ean13CheckDigit(first12)).toBe(check);
    expect(isValidEan13(`${first12}${check}`)).toBe(true);
  });

  it('refuses anything but 12 digits for the check digit', () => {
    expect(() => ean13CheckDigit('12345')).toThrow();
    expect(() => ean13CheckDigit('12345678901a')).toThrow();
  });

  it('generates valid numbers with the in-store prefix, from the random source', () => {
    for (let i = 0; i < 200; i++) {
      const n = generateCardNumber();
      expect(n).toMatch(/^27\d{11}$/);
      expect(isValidEan13(n)).toBe(true);
    }
    expect(generateCardNumber('2', () => 0)).toBe('2000000000008');
    expect(generateCardNumber('299', () => 9)).toBe('2999999999991');
    expect(() => generateCardNumber('12')).toThrow();
    expect(DEFAULT_CARD_PREFIX.startsWith('2')).toBe(true);
  });

  it('does not hand out sequential numbers', () => {
    const numbers = new Set(Array.from({ length: 1000 }, () => generateCardNumber()));
    expect(numbers.size).toBe(1000);
  });

  it('catches every single-digit typo', () => {
    const n = '2712345678902';
    expect(isValidEan13(n)).toBe(true);
    for (let pos = 0; pos < 13; pos++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === n[pos]) continue;
        const typo = n.slice(0, pos) + String(d) + n.slice(pos + 1);
        expect([typo, isValidEan13(typo)]).toEqual([typo, false]);
      }
    }
  });

  it('catches adjacent transpositions except digits differing by 5 (a known EAN-13 limit)', () => {
    const cases: [string, boolean][] = [];
    for (let i = 0; i < 200; i++) {
      const n = generateCardNumber();
      for (let pos = 0; pos < 12; pos++) {
        const a = n[pos];
        const b = n[pos + 1];
        if (a === b) continue;
        const swapped = n.slice(0, pos) + b + a + n.slice(pos + 2);
        cases.push([swapped, Math.abs(Number(a) - Number(b)) === 5]);
      }
    }
    for (const [swapped, undetectable] of cases) {
      expect([swapped, isValidEan13(swapped)]).toEqual([swapped, undetectable]);
    }
  });

  it.each([
    ['2712345678902', { ok: true, number: '2712345678902' }],
    ['  2712345678902\n', { ok: true, number: '2712345678902' }],
    ['2 712345 678902', { ok: true, number: '2712345678902' }],
    ['27-1234-5678-902', { ok: true, number: '2712345678902' }],
    [']E02712345678902', { ok: true, number: '2712345678902' }],
    ['2712345678903', { ok: false, reason: 'check-digit' }],
    ['271234567890', { ok: false, reason: 'format' }],
    ['27123456789021', { ok: false, reason: 'format' }],
    ['27123456789O2', { ok: false, reason: 'format' }],
    ['', { ok: false, reason: 'format' }],
    ['https://example.test/2712345678902', { ok: false, reason: 'format' }],
  ])('parses scanned %j', (raw, expected) => {
    expect(parseScannedCode(raw)).toEqual(expected);
  });
});
