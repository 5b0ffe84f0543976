import { scryptSync } from 'node:crypto';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../../src/auth/passwords';
import { matchesHash, newTerminalKey, parseTerminalKey, sha256Hex } from '../../../src/auth/secrets';

describe('password hashing', () => {
  it('encodes scrypt parameters, salt and hash, and verifies only the right password', async () => {
    const encoded = await hashPassword('correct horse battery');
    expect(encoded).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    await expect(verifyPassword('correct horse battery', encoded)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', encoded)).resolves.toBe(false);
    await expect(verifyPassword('', encoded)).resolves.toBe(false);
  });

  it('salts every hash, so equal passwords hash differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
  });

  it('treats Unicode forms of the same text as the same password', async () => {
    const composed = 'caf\u00e9-password';
    const decomposed = 'cafe\u0301-password';
    await expect(verifyPassword(decomposed, await hashPassword(composed))).resolves.toBe(true);
  });

  it('still verifies hashes made with other stored costs', async () => {
    const encoded = await hashPassword('an older password');
    const [, , , , salt] = encoded.split('$');
    // A hash made with N=1024 (as an older release might have) must still verify.
    const key = scryptSync('an older password', Buffer.from(salt, 'base64url'), 32, { N: 1024, r: 8, p: 1 });
    await expect(verifyPassword('an older password', `scrypt$1024$8$1$${salt}$${key.toString('base64url')}`)).resolves.toBe(true);
  });

  it('never matches malformed or absurd hashes', async () => {
    await expect(verifyPassword('anything at all', 'fixture')).resolves.toBe(false);
    await expect(verifyPassword('anything at all', 'scrypt$3$8$1$c2FsdA$aGFzaA')).resolves.toBe(false);
    await expect(verifyPassword('anything at all', `scrypt$${2 ** 24}$8$1$c2FsdA$aGFzaA`)).resolves.toBe(false);
    await expect(verifyPassword('anything at all', 'scrypt$1024$8$1$c2FsdA$dG9vLXNob3J0')).resolves.toBe(false);
  });

  it('answers false for the dummy check used on unknown emails', async () => {
    await expect(verifyAgainstDummy('whatever it is')).resolves.toBe(false);
  });
});

describe('opaque secrets and terminal keys', () => {
  it('makes keys tly_<prefix>_<secret> whose secret matches the stored hash', () => {
    const key = newTerminalKey();
    expect(key.apiKey).toMatch(/^tly_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseTerminalKey(key.apiKey);
    expect(parsed?.prefix).toBe(key.prefix);
    expect(matchesHash(parsed!.secret, key.hash)).toBe(true);
    expect(matchesHash(`${parsed!.secret.slice(0, -1)}x`, key.hash)).toBe(false);
    expect(key.hash).toBe(sha256Hex(parsed!.secret));
  });

  it('rejects strings that are not shaped like a key', () => {
    expect(parseTerminalKey('tly_abc_short')).toBeNull();
    expect(parseTerminalKey(`xyz_0123456789_${'a'.repeat(43)}`)).toBeNull();
    expect(matchesHash('x', 'not-hex')).toBe(false);
  });
});
