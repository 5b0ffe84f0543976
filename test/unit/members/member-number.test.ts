import { generateMemberNumber, isValidMemberNumber, luhnCheckDigit } from '../../../src/members/member-number';

describe('member numbers', () => {
  it.each([
    ['7992739871', 3],
    ['1234567', 4],
    ['0000000', 0],
  ])('Luhn check digit of %s is %i', (digits, check) => {
    expect(luhnCheckDigit(digits)).toBe(check);
  });

  it('generates 8 digits, never a leading zero, always valid', () => {
    for (let i = 0; i < 200; i++) {
      const n = generateMemberNumber();
      expect(n).toMatch(/^[1-9]\d{7}$/);
      expect(isValidMemberNumber(n)).toBe(true);
    }
    expect(generateMemberNumber(() => 0)).toBe('10000008');
  });

  it('refuses a single wrong digit and bad formats', () => {
    const n = '12345674';
    expect(isValidMemberNumber(n)).toBe(true);
    for (let pos = 0; pos < 8; pos++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === n[pos]) continue;
        expect(isValidMemberNumber(n.slice(0, pos) + String(d) + n.slice(pos + 1))).toBe(false);
      }
    }
    expect(isValidMemberNumber('1234567')).toBe(false);
    expect(isValidMemberNumber('1234567a')).toBe(false);
  });
});
