import { ScannerInput } from '../../../pos-plugin/src/scanner';

/** Feeds a string as keystrokes `gapMs` apart, then Enter; returns the time after it. */
function type(scanner: ScannerInput, text: string, start: number, gapMs: number): number {
  let t = start;
  for (const ch of text) {
    scanner.key(ch, t);
    t += gapMs;
  }
  scanner.key('Enter', t);
  return t;
}

function recorder() {
  const cards: string[] = [];
  const invalid: { code: string; reason: string }[] = [];
  const typed: string[] = [];
  const scanner = new ScannerInput({
    onCard: (c) => cards.push(c),
    onInvalidScan: (code, reason) => invalid.push({ code, reason }),
    onTyped: (t) => typed.push(t),
  });
  return { scanner, cards, invalid, typed };
}

describe('scanner input', () => {
  it('takes a fast burst ending in Enter as a scan of a valid card', () => {
    const r = recorder();
    type(r.scanner, '4006381333931', 1000, 8);
    expect(r.cards).toEqual(['4006381333931']);
    expect(r.typed).toEqual([]);
    r.scanner.dispose();
  });

  it('rejects a scanned burst with a wrong check digit without calling anyone', () => {
    const r = recorder();
    type(r.scanner, '4006381333932', 1000, 5);
    expect(r.cards).toEqual([]);
    expect(r.invalid).toEqual([{ code: '4006381333932', reason: 'check digit does not match (misread?)' }]);
    r.scanner.dispose();
  });

  it('gives human typing back as text, even when it spells a valid card number', () => {
    const r = recorder();
    const end = type(r.scanner, '4006381333931', 1000, 120);
    expect(r.cards).toEqual([]);
    expect(r.typed.join('')).toBe('4006381333931\n');
    // A short fast burst (a shortcut key sequence) is not a scan either.
    type(r.scanner, '12', end + 500, 5);
    expect(r.cards).toEqual([]);
    expect(r.typed.join('')).toBe('4006381333931\n12\n');
    r.scanner.dispose();
  });

  it('separates a scan that follows typing without a pause in the field', () => {
    const r = recorder();
    r.scanner.key('a', 0);
    r.scanner.key('b', 200);
    type(r.scanner, '4006381333931', 400, 10);
    expect(r.typed.join('')).toBe('ab');
    expect(r.cards).toEqual(['4006381333931']);
    r.scanner.dispose();
  });

  it('hands a person’s last keystrokes back after a short pause', async () => {
    const r = recorder();
    r.scanner.key('x');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(r.typed).toEqual(['x']);
    r.scanner.dispose();
  });
});
