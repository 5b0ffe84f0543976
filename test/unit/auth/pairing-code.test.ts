import fc from 'fast-check';
import { newPairingCode, normalisePairingCode, sha256Hex } from '../../../src/auth/secrets';

describe('pairing codes', () => {
  it('are 8 unambiguous characters shown as XXXX-XXXX, stored as the hash of the plain code', () => {
    for (let i = 0; i < 200; i++) {
      const { code, hash } = newPairingCode();
      expect(code).toMatch(/^[A-HJ-KMNP-Z2-9]{4}-[A-HJ-KMNP-Z2-9]{4}$/);
      expect(code).not.toMatch(/[01OIL]/);
      expect(hash).toBe(sha256Hex(code.replace('-', '')));
    }
  });

  it.each([
    ['7KQ2-M9XD', '7KQ2M9XD'],
    ['7kq2m9xd', '7KQ2M9XD'],
    [' 7KQ2 M9XD ', '7KQ2M9XD'],
    ['7KQ2-M9X', null],
    ['7KQ2-M9XDD', null],
    ['7KQ2-M9X0', null],
    ['4006381333931', null],
    ['tly_abc', null],
    ['', null],
  ])('reads %j as %j', (typed, plain) => {
    expect(normalisePairingCode(typed)).toBe(plain);
  });

  it('reads back every code it makes, whatever the case', () => {
    fc.assert(
      fc.property(fc.boolean(), (lower) => {
        const { code, hash } = newPairingCode();
        const plain = normalisePairingCode(lower ? code.toLowerCase() : code);
        return plain !== null && sha256Hex(plain) === hash;
      }),
    );
  });
});
